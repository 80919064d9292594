"""What only a person and gspread do to a spreadsheet's rows and names, on the emulator's model:
dimension groups made, deepened and collapsed, an estimated autoresize, named ranges. The product
never asks these (its model, ``sheets_plan.model``, refuses them): mixins of the emulator's
``Spreadsheet`` (``model.py``)."""

from __future__ import annotations

import copy

from sheets_plan.model import ModelError
from sheets_plan.model.sizing import DEFAULT_SIZE, dimension_groups, dimension_size


class Grouping:
    """Group and autoresize requests."""

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


class NamedRanges:
    """Named range requests."""

    def _addNamedRange(self, body):
        nr = copy.deepcopy(body["namedRange"])
        nr.setdefault("namedRangeId", f"nr{self.next_id()}")
        if any(n["name"] == nr["name"] for n in self.named_ranges):
            raise ModelError(f"Named range {nr['name']} already exists")
        self.named_ranges.append(nr)
        return {"namedRange": copy.deepcopy(nr)}

    def _deleteNamedRange(self, body):
        before = len(self.named_ranges)
        self.named_ranges = [n for n in self.named_ranges if n["namedRangeId"] != body["namedRangeId"]]
        if len(self.named_ranges) == before:
            raise ModelError(f"No named range with id: {body['namedRangeId']}")


def _line(sheet, dim: str, i: int):
    if dim == "ROWS":
        return list(sheet.cells.get(i, {}).values())
    return [line[i] for line in sheet.cells.values() if i in line]
