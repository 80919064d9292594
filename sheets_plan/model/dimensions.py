"""What people do to a sheet's structure, on the model: insert, delete and move
rows or columns, sort, filter, hide, group, resize.

Done as the Sheets API documents it. When rows or columns move, everything
anchored to them moves too: cells, merges, protected ranges, conditional
format ranges, named ranges, the basic filter, chart sources and anchors,
developer metadata on dimensions, dimension groups and properties, frozen
counts, and every reference inside every formula of every tab
(:mod:`references`). Copy and cut paste and merges are in :mod:`paste`.

A mixin of ``model.Spreadsheet`` (request kind ``fooBar`` -> ``_fooBar``).
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

from sheets_plan.sheets import references
from sheets_plan.sheets.a1 import bounds
from sheets_plan.sheets.references import IndexMap

_KEYS = {"ROWS": ("startRowIndex", "endRowIndex", "rowIndex"),
         "COLUMNS": ("startColumnIndex", "endColumnIndex", "columnIndex")}
DEFAULT_SIZE = {"ROWS": 21, "COLUMNS": 100}


def map_grid_range(gr: dict, dimension: str, index: IndexMap) -> dict | None:
    """A GridRange after the move; None when all its rows (columns) were deleted."""
    k0, k1, _ = _KEYS[dimension]
    got = index.span(gr.get(k0, 0), gr.get(k1))
    if got is None:
        return None
    out = dict(gr)
    if k0 in gr or got[0]:
        out[k0] = got[0]
    if got[1] is not None:
        out[k1] = got[1]
    return out


def _grid_ranges(node: Any, sheet_id: int) -> Iterator[tuple[Any, Any]]:
    """(container, key) of every GridRange of this sheet inside a chart spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, dict) and value.get("sheetId", 0) == sheet_id and any(
                    k in value for k in ("startRowIndex", "endRowIndex", "startColumnIndex", "endColumnIndex")):
                yield node, key
            else:
                yield from _grid_ranges(value, sheet_id)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, dict) and value.get("sheetId", 0) == sheet_id and "startRowIndex" in value:
                yield node, i
            else:
                yield from _grid_ranges(value, sheet_id)


class Reshaping:
    """Structural requests (mixed into ``model.Spreadsheet``)."""

    # ------------------------------------------------------------ inserting, deleting, moving
    def _insertDimension(self, body):
        rng = body["range"]
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        start, end = rng.get("startIndex", 0), rng["endIndex"]
        size = _size(sheet, dim)
        if end <= start or start > size:
            raise self._error(f"Invalid requests[0].insertDimension: range [{start}, {end}) is outside the "
                              f"{size} {dim.lower()} of the sheet")
        before = body.get("inheritFromBefore", False)
        if before and start == 0:
            raise self._error("Invalid requests[0].insertDimension: inheritFromBefore cannot be true "
                              "when inserting at the start")
        index = references.inserted(start, end - start)
        source = start - 1 if before else start  # the neighbour whose properties the new ones take
        inside = {i for i in (start - 1, start) if 0 <= i < size}
        self._reshape(sheet, dim, index)
        _grow(sheet, dim, end - start)
        self._inherit(sheet, dim, index, source if 0 <= source < size else None, inside)

    def _deleteDimension(self, body):
        rng = body["range"]
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        size = _size(sheet, dim)
        start, end = rng.get("startIndex", 0), min(rng.get("endIndex", size), size)
        if end <= start:
            raise self._error(f"Invalid requests[0].deleteDimension: range [{start}, {end}) is empty")
        if end - start >= size:
            raise self._error(f"You can't delete all the {dim.lower()} on the sheet.")
        self._reshape(sheet, dim, references.deleted(start, end))
        _grow(sheet, dim, start - end)

    def _moveDimension(self, body):
        rng = body["source"]
        sheet, dim = self.sheet(rng.get("sheetId", 0)), rng["dimension"]
        start, end, dest = rng.get("startIndex", 0), rng["endIndex"], body["destinationIndex"]
        if end <= start or end > _size(sheet, dim) or not 0 <= dest <= _size(sheet, dim):
            raise self._error("Invalid requests[0].moveDimension: the source or destination is outside the grid")
        if start < dest < end:
            raise self._error("Invalid requests[0].moveDimension: the destination is inside the source")
        self._reshape(sheet, dim, references.moved(start, end, dest))

    def _reshape(self, sheet, dim: str, index: IndexMap) -> None:
        """Move everything anchored to the rows (columns) of ``sheet`` as ``index`` says."""
        _move_cells(sheet, dim, index)
        pending = (sheet.column_widths, sheet.column_hidden) if dim == "COLUMNS" else ()
        for store in (sheet.dims[dim], sheet.groups[dim]) + pending:
            _move_keys(store, index)
        if dim == "COLUMNS":
            if sheet.basic_filter:
                specs = sheet.basic_filter.get("filterSpecs", [])
                for spec in specs:
                    spec["columnIndex"] = index.point(spec.get("columnIndex", 0))
                sheet.basic_filter["filterSpecs"] = [s for s in specs if s["columnIndex"] is not None]
        else:
            sheet.filtered = {i for i in map(index.point, sheet.filtered) if i is not None}
        grid = sheet.properties["gridProperties"]
        frozen = "frozenRowCount" if dim == "ROWS" else "frozenColumnCount"
        if grid.get(frozen):
            got = index.span(0, grid[frozen])
            grid[frozen] = got[1] if got else 0
        self._move_ranges(sheet, dim, index)
        self._move_references(sheet.title, dim, index)

    def _move_ranges(self, sheet, dim: str, index: IndexMap) -> None:
        def mapped(gr: dict) -> dict | None:
            return map_grid_range(gr, dim, index) if gr.get("sheetId", 0) == sheet.id else gr

        sheet.merges = [m for m in map(mapped, sheet.merges)
                        if m is not None and len(list(_cells(m, sheet))) > 1]
        kept = []
        for pr in sheet.protected_ranges:
            pr["range"] = mapped(pr["range"])
            pr["unprotectedRanges"] = [u for u in map(mapped, pr.get("unprotectedRanges", [])) if u]
            if not pr["unprotectedRanges"]:
                del pr["unprotectedRanges"]
            if pr["range"] is not None:
                kept.append(pr)
        sheet.protected_ranges = kept
        for s in self.sheets:
            for rule in s.conditional_formats:
                rule["ranges"] = [r for r in map(mapped, rule["ranges"]) if r]
            s.conditional_formats = [rule for rule in s.conditional_formats if rule["ranges"]]
        self.named_ranges = [n for n in self.named_ranges if _remapped(n, "range", mapped)]
        if sheet.basic_filter and not _remapped(sheet.basic_filter, "range", mapped):
            sheet.basic_filter = None
        for s in self.sheets:
            for chart in s.charts:
                for holder, key in list(_grid_ranges(chart.get("spec", {}), sheet.id)):
                    # a source whose cells all went is left empty, where they were
                    k0, k1, _ = _KEYS[dim]
                    holder[key] = mapped(holder[key]) or {**holder[key], k0: index.start, k1: index.start}
                anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell")
                if anchor and anchor.get("sheetId", 0) == sheet.id:
                    k = _KEYS[dim][2]
                    new = index.point(anchor.get(k, 0))
                    anchor[k] = index.start if new is None else new  # its cell deleted: where it was
        for meta in self.developer_metadata:
            where = meta.get("location", {}).get("dimensionRange")
            if where and where.get("sheetId") == sheet.id and where.get("dimension") == dim:
                got = index.span(where.get("startIndex", 0), where.get("endIndex"))
                if got is not None:
                    where["startIndex"], where["endIndex"] = got

    def _move_references(self, title: str, dim: str, index: IndexMap) -> None:
        self.rewrite_formulas(lambda text, home: references.remap(text, home, title, dim, index))

    def rewrite_formulas(self, move: Callable[[str, str], str]) -> None:
        """Apply ``move(formula, home sheet title)`` to every formula: cells, and the custom
        formulas of data validation and conditional formats."""
        for s in self.sheets:
            for row in s.cells.values():
                for cell in row.values():
                    if cell.formula is not None:
                        cell.formula = move(cell.formula, s.title)
                    if cell.validation:
                        _move_condition(cell.validation.get("condition"), move, s.title)
            for rule in s.conditional_formats:
                for key in ("booleanRule", "gradientRule"):
                    if key in rule:
                        _move_condition(rule[key].get("condition"), move, s.title)

    def _inherit(self, sheet, dim: str, index: IndexMap, source: int | None, inside: set[int]) -> None:
        """New rows (columns) take their neighbour's size, and a validation the rows on both
        sides share (they were inside the validated range, which grows, as on Google)."""
        new = range(index.start, index.end)
        props = sheet.dims[dim].get(index.point(source)) if source is not None else None
        if props:
            for i in new:
                sheet.dims[dim][i] = dict(props)
        if len(inside) != 2:
            return
        a, b = (index.point(i) for i in sorted(inside))
        for other in range(_size(sheet, "COLUMNS" if dim == "ROWS" else "ROWS")):
            cell_a, cell_b = (sheet.peek(*((x, other) if dim == "ROWS" else (other, x))) for x in (a, b))
            rule = cell_a.validation if cell_a else None
            if rule and cell_b and cell_b.validation == rule:
                for i in new:
                    sheet.cell(*((i, other) if dim == "ROWS" else (other, i))).validation = copy.deepcopy(rule)

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
        for i in range(rng.get("startIndex", 0), min(rng.get("endIndex", _size(sheet, dim)), _size(sheet, dim))):
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
        for i in range(rng.get("startIndex", 0), min(rng.get("endIndex", _size(sheet, dim)), _size(sheet, dim))):
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


def _size(sheet, dim: str) -> int:
    return sheet.rows if dim == "ROWS" else sheet.cols


def _grow(sheet, dim: str, by: int) -> None:
    sheet.properties["gridProperties"]["rowCount" if dim == "ROWS" else "columnCount"] += by


def _move_keys(store: dict[int, Any], index: IndexMap) -> None:
    """A dict by row (column) index, its keys moved; deleted ones dropped."""
    moved = {index.point(i): v for i, v in store.items()}
    store.clear()
    store.update({i: v for i, v in moved.items() if i is not None})


def _move_cells(sheet, dim: str, index: IndexMap) -> None:
    for line in [sheet.cells] if dim == "ROWS" else sheet.cells.values():
        _move_keys(line, index)


def _line(sheet, dim: str, i: int):
    if dim == "ROWS":
        return list(sheet.cells.get(i, {}).values())
    return [line[i] for line in sheet.cells.values() if i in line]


def _cells(gr: dict, sheet) -> Iterator[tuple[int, int]]:
    r0, r1, c0, c1 = bounds(gr, sheet.rows, sheet.cols)
    return ((r, c) for r in range(r0, r1) for c in range(c0, c1))


def _remapped(holder: dict, key: str, mapped: Callable[[dict], dict | None]) -> bool:
    holder[key] = mapped(holder[key])
    return holder[key] is not None


def _move_condition(condition: dict | None, move, home: str) -> None:
    for value in (condition or {}).get("values", []):
        text = value.get("userEnteredValue")
        if isinstance(text, str) and text.startswith("="):
            value["userEnteredValue"] = move(text, home)
