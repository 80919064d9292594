"""Sizes, hiding and groups of rows and columns, on the model: the grid grown
(appendDimension), dimension properties (pixel size, hidden), an estimated autoresize, and
dimension groups as the API defines them (depths per index).

A mixin of ``model.Spreadsheet``; ``dimensions`` moves what it sets when rows or columns move.
"""

from __future__ import annotations

DEFAULT_SIZE = {"ROWS": 21, "COLUMNS": 100}


class Sizing:
    """Dimension property and group requests (mixed into ``model.Spreadsheet``)."""

    def _appendDimension(self, body):
        sheet = self.sheet(body["sheetId"])
        key = "rowCount" if body["dimension"] == "ROWS" else "columnCount"
        sheet.properties["gridProperties"][key] += body["length"]

    # ------------------------------------------------------------ dimension properties
    def _updateDimensionProperties(self, body):
        rng = body["range"]
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        props = body["properties"]
        fields = self._mask(body["fields"], props)
        unknown = set(fields) - {"pixelSize", "hiddenByUser"}
        if unknown:
            raise self._error(f"not supported by the emulator: updateDimensionProperties with "
                              f"{', '.join(sorted(unknown))}", status=501)
        size = dimension_size(sheet, dim)
        for i in range(rng.get("startIndex", 0), min(rng.get("endIndex", size), size)):
            current = sheet.dims[dim].setdefault(i, {})
            for f in fields:
                if f in props:
                    current[f] = props[f]
                else:
                    current.pop(f, None)
            if dim == "COLUMNS" and "pixelSize" in fields and "pixelSize" in props:
                sheet.column_widths[i] = props["pixelSize"]
            if dim == "COLUMNS" and "hiddenByUser" in fields:
                sheet.column_hidden[i] = bool(props.get("hiddenByUser"))

    def _autoResizeDimensions(self, body):
        """Fit to content. An estimate (Google measures the rendered text): 7 px per character
        of the longest line plus 10 px padding for columns, 21 px per line for rows."""
        rng = body.get("dimensions")
        if rng is None:
            raise self._error("not supported by the emulator: autoResizeDimensions of data source sheets",
                              status=501)
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        count = dimension_size(sheet, dim)
        for i in range(rng.get("startIndex", 0), min(rng.get("endIndex", count), count)):
            texts = [str(c.value if c.formula is None else (c.effective or "")) for c in _line(sheet, dim, i)]
            lines = [t.split("\n") for t in texts if t]
            if dim == "COLUMNS":
                size = max((7 * len(x) + 10 for t in lines for x in t), default=DEFAULT_SIZE[dim])
                sheet.column_widths[i] = size
            else:
                size = 21 * max((len(t) for t in lines), default=1)
            sheet.dims[dim].setdefault(i, {})["pixelSize"] = size

    # ------------------------------------------------------------ groups
    def _addDimensionGroup(self, body):
        return self._regroup(body["range"], +1)

    def _deleteDimensionGroup(self, body):
        return self._regroup(body["range"], -1)

    def _regroup(self, rng: dict, step: int):
        """Groups are depths per index, as the API defines them: adding a group over a range
        deepens every index in it; deleting one makes them shallower (a group is a run of
        indices at a depth)."""
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        start, end = rng.get("startIndex", 0), rng["endIndex"]
        depth = sheet.groups[dim]
        if step < 0 and not any(depth.get(i) for i in range(start, end)):
            raise self._error(f"No grouping to remove at {dim.lower()} [{start}, {end}).")
        for i in range(start, end):
            depth[i] = max(0, depth.get(i, 0) + step)
            if not depth[i]:
                del depth[i]
        return {"dimensionGroups": dimension_groups(sheet, dim)}

    def _updateDimensionGroup(self, body):
        group = body["dimensionGroup"]
        rng = group["range"]
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        key = (rng.get("startIndex", 0), rng["endIndex"], group["depth"])
        if not any((g["range"].get("startIndex", 0), g["range"]["endIndex"], g["depth"]) == key
                   for g in dimension_groups(sheet, dim)):
            raise self._error("No dimension group matches the given range and depth.")
        if "collapsed" in self._mask(body["fields"], group):
            (sheet.collapsed.add if group.get("collapsed") else sheet.collapsed.discard)((dim,) + key)


def dimension_groups(sheet, dim: str) -> list[dict]:
    """The DimensionGroups of a sheet, as the API lists them (by depth, then start)."""
    depth = sheet.groups[dim]
    out = []
    for level in range(1, max(depth.values(), default=0) + 1):
        run = None
        for i in sorted(i for i, d in depth.items() if d >= level) + [None]:
            if run and i == run[1]:
                run[1] += 1
                continue
            if run:
                key = (dim, run[0], run[1], level)
                group = {"range": {"sheetId": sheet.id, "dimension": dim, "startIndex": run[0],
                                   "endIndex": run[1]}, "depth": level}
                if key in sheet.collapsed:
                    group["collapsed"] = True
                out.append(group)
            run = [i, i + 1] if i is not None else None
    return out


def dimension_size(sheet, dim: str) -> int:
    """How many rows (columns) the sheet's grid has."""
    return sheet.rows if dim == "ROWS" else sheet.cols


def _line(sheet, dim: str, i: int):
    if dim == "ROWS":
        return list(sheet.cells.get(i, {}).values())
    return [line[i] for line in sheet.cells.values() if i in line]
