"""The Weekly tab's rows made small to send: formulas that only move down a row become one
repeatCell per column and run, and trailing empty cells are dropped. Pure: no I/O.
"""

from __future__ import annotations

from sheets_plan.sheets import formula


def repeated(rows: list[dict], follows_above: set[int], sheet_id: int, width: int) -> list[dict]:
    """Formulas that only move down a row from one week to the next (the rows of a block after
    its first) become one repeatCell per column and run: Sheets moves a repeated formula's
    relative references itself. The rows keep what is left (the weeks' dates, the slices,
    each block's first row). A Weekly tab of 26 weeks, 6 platforms and 5 admins shrinks from
    about 8 000 formulas in the body to a few hundred. `follows_above`: the rows whose formulas
    are the row above's moved down (their week follows the week above)."""
    out = []
    for c in range(width):
        run: list[int] = []
        for r in range(len(rows) + 1):
            text = _formula_at(rows, r, c)
            # Two weeks in a row of a block hold the same formulas moved down; anywhere else
            # (a block's first row, the next block) the formulas are compared.
            if run and text is not None and r == run[-1] + 1 and (
                    r in follows_above and run[-1] in follows_above
                    or formula.shift(_formula_at(rows, run[-1], c), 1) == text):
                run.append(r)
                continue
            if len(run) > 1:
                out.append(_repeat(rows, run, c, sheet_id))
            run = [r] if text is not None else []
    return out


def trim(rows: list[dict]):
    """Trailing empty cells of a row say nothing (the tab was cleared): not sent."""
    for row in rows:
        values = row.get("values")
        while values and not values[-1]:
            values.pop()


def _formula_at(rows: list[dict], r: int, c: int) -> str | None:
    values = rows[r].get("values", []) if r < len(rows) else []
    cell = values[c] if c < len(values) else {}
    return (cell.get("userEnteredValue") or {}).get("formulaValue") if set(cell) == {"userEnteredValue"} else None


def _repeat(rows: list[dict], run: list[int], c: int, sheet_id: int) -> dict:
    """The run's first formula, repeated down the run; the run's cells are emptied."""
    text = _formula_at(rows, run[0], c)
    for r in run:
        rows[r]["values"][c] = {}
    return {"repeatCell": {
        "range": {"sheetId": sheet_id, "startRowIndex": run[0], "endRowIndex": run[-1] + 1,
                  "startColumnIndex": c, "endColumnIndex": c + 1},
        "cell": {"userEnteredValue": {"formulaValue": text}}, "fields": "userEnteredValue"}}
