"""Sizes and hiding of rows and columns, on the model: the grid grown (appendDimension) and
dimension properties (pixel size, hidden), what the product asks; the groups' shape as the API reads
it (depths per index). What only a person and gspread ask (groups made, autoresize, rows moved) is
the emulator's (emulators/sheets_plan_emulators/google/model_*.py).

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

DEFAULT_SIZE = {"ROWS": 21, "COLUMNS": 100}


class Sizing:
    """Dimension property requests (mixed into ``model.Spreadsheet``)."""

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
