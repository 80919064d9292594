"""What a batch's requests write, read from the requests themselves (before the model applies
them): the box of cells each writes, the clears of a whole tab, and the direct path.

The direct path: a tool tab written whole (cleared, then rows written) is rendered straight
from its requests, skipping the model, when the result is plain (see `direct_requests`).
"""

from __future__ import annotations

from sheets_plan.model import merge_format
from sheets_plan.sheets.a1 import overlaps
from sheets_plan.sheets.formula import shifter
from . import cells

PLAIN = {"userEnteredValue", "userEnteredFormat"}
CLEARED = PLAIN | {"note"}  # notes: comments in xlsx, written per tab written whole (`notes.py`)


def target(request: dict) -> tuple[int, cells.Box] | None:
    """(sheetId, box) of the cells a request writes; None for requests that write no cells."""
    (kind, body), = request.items()
    if kind == "updateCells" and "start" in body:
        start, rows = body["start"], body.get("rows", [])
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        width = max((len(r.get("values", [])) for r in rows), default=0)
        return start.get("sheetId", 0), (r0, r0 + len(rows), c0, c0 + width)
    if kind in ("updateCells", "repeatCell"):
        gr = body["range"]
        return gr.get("sheetId", 0), (gr.get("startRowIndex", 0), gr.get("endRowIndex"),
                                      gr.get("startColumnIndex", 0), gr.get("endColumnIndex"))
    return None


def fields(request: dict) -> set[str]:
    return set(next(iter(request.values()))["fields"].split(","))


def clears(request: dict) -> bool:
    """A request that empties a whole tab of values and formats."""
    body = request.get("updateCells", {})
    return (set(body.get("range", {"x": 0})) == {"sheetId"} and not body.get("rows")
            and PLAIN <= fields(request))


def top_fields(request: dict) -> set[str]:
    return {f.split(".")[0] for f in fields(request)}


def direct_requests(requests: list[dict], cleared: set[int]) -> dict[int, list[dict]]:
    """Tabs written whole (a tool tab: cleared, then rows written) whose cells can be rendered
    straight from the requests, skipping the model: sheetId -> every cell request on it.

    Only where the result is plain: after the last clear, updateCells of rows that do not
    overlap, values and formats only; before it, nothing the clear would not wipe."""
    out = {}
    for sid in cleared:
        on = [r for r in requests if (target(r) or (None,))[0] == sid]
        last = max(i for i, r in enumerate(on) if clears(r))
        before, after = on[:last + 1], on[last + 1:]
        rows = [r for r in after if "updateCells" in r]
        repeats = after[len(rows):]  # repeatCells (repeated formulas, number formats) after all the rows
        boxes = [target(r)[1] for r in rows]
        if all(fields(r) <= CLEARED for r in before) and all(  # notes: see `Writer._notes`
                "start" in r["updateCells"] and fields(r) <= CLEARED for r in rows) and not any(
                overlaps(a, b) for i, a in enumerate(boxes) for b in boxes[:i]) and all(
                "repeatCell" in r and None not in target(r)[1] and top_fields(r) <= PLAIN for r in repeats):
            out[sid] = on
    return out


def direct_cells(bodies: list[dict]) -> dict[int, dict[int, dict]]:
    """row -> col -> CellData of the rows written by plain updateCells requests, then the
    repeatCells laid over them (clears left out)."""
    out: dict[int, dict[int, dict]] = {}
    for request in bodies:
        if "repeatCell" in request:
            _repeat_cells(out, request["repeatCell"])
            continue
        body = request.get("updateCells", {})
        if "start" not in body:
            continue
        _, (r0, _, c0, _) = target(request)
        masked = fields(request)
        for i, row in enumerate(body.get("rows", [])):
            cells_ = {c0 + j: {k: v for k, v in data.items() if k in masked}
                      for j, data in enumerate(row.get("values", [])) if data}
            if cells_:
                out.setdefault(r0 + i, {}).update(cells_)
    return out


def _repeat_cells(out: dict[int, dict[int, dict]], body: dict):
    """A repeatCell laid over the cells so far, as the model does it (a formula moves row by row)."""
    gr, data = body["range"], body.get("cell", {})
    r0, r1, c0, c1 = gr.get("startRowIndex", 0), gr["endRowIndex"], gr.get("startColumnIndex", 0), gr["endColumnIndex"]
    text = (data.get("userEnteredValue") or {}).get("formulaValue")
    move = shifter(text) if text is not None else None
    masks = [f.partition(".") for f in body["fields"].split(",")]
    for r in range(r0, r1):
        for c in range(c0, c1):
            cell = out.setdefault(r, {}).setdefault(c, {})
            for top, _, sub in masks:
                if top == "userEnteredValue":
                    value = {"formulaValue": move(r - r0, c - c0)} if move else data.get(top)
                else:
                    value = merge_format(cell.get(top), data.get(top), sub)
                if value:
                    cell[top] = value
                else:
                    cell.pop(top, None)
