"""What people do to a sheet's structure, on the model: insert, delete and move
rows or columns.

Done as the Sheets API documents it. When rows or columns move, everything
anchored to them moves too: cells, merges, protected ranges, conditional
format ranges, named ranges, the basic filter, chart sources and anchors,
developer metadata on dimensions, dimension groups and properties, frozen
counts, and every reference inside every formula of every tab
(:mod:`references`). Sizes, hiding and groups are in :mod:`sizing`; copy and
cut paste and merges in :mod:`range_ops`; sorting and the filter in :mod:`sorting`.

A mixin of ``model.Spreadsheet`` (request kind ``fooBar`` -> ``_fooBar``).
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Iterator

from sheets_plan.sheets import references
from sheets_plan.sheets.a1 import bounds
from sheets_plan.sheets.references import IndexMap
from sheets_plan.model.sizing import DEFAULT_SIZE, dimension_groups, dimension_size

# DEFAULT_SIZE and dimension_groups live in `sizing`; `responses` reads them from here.
__all__ = ["Reshaping", "map_grid_range", "DEFAULT_SIZE", "dimension_groups"]

_KEYS = {"ROWS": ("startRowIndex", "endRowIndex", "rowIndex"),
         "COLUMNS": ("startColumnIndex", "endColumnIndex", "columnIndex")}


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
        size = dimension_size(sheet, dim)
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
        size = dimension_size(sheet, dim)
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
        if end <= start or end > dimension_size(sheet, dim) or not 0 <= dest <= dimension_size(sheet, dim):
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
        for other in range(dimension_size(sheet, "COLUMNS" if dim == "ROWS" else "ROWS")):
            cell_a, cell_b = (sheet.peek(*((x, other) if dim == "ROWS" else (other, x))) for x in (a, b))
            rule = cell_a.validation if cell_a else None
            if rule and cell_b and cell_b.validation == rule:
                for i in new:
                    sheet.cell(*((i, other) if dim == "ROWS" else (other, i))).validation = copy.deepcopy(rule)


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


def _cells(gr: dict, sheet) -> Iterator[tuple[int, int]]:
    r0, r1, c0, c1 = bounds(gr, sheet.rows, sheet.cols)
    return ((r, c) for r in range(r0, r1) for c in range(c0, c1))


def _remapped(holder: dict, key: str, mapped: Callable[[dict], dict | None]) -> bool:
    holder[key] = mapped(holder[key])
    return holder[key] is not None
