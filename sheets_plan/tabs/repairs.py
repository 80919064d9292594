"""The tool's formulas restored where a plan row lacks them (typed over by hand, or a row typed below
the provisioned ones). Pure: a Snapshot in, requests out."""

from __future__ import annotations

from sheets_plan.core.procedure.plan_rules import same_formula
from sheets_plan.sheets.a1 import grid_range
from . import structure
from .snapshot import Snapshot


def formula_repairs(snap: Snapshot) -> list[dict]:
    """The tool's formulas on every plan row that lacks them: typed over by hand (flagged) or never
    written (rows typed below the provisioned ones). One repeatCell per column, from the first row
    that lacks the formula to the last: the engine moves the formula down the rows (Sheets does;
    the model and the local workbook too), so 100 000 rows cost one request, not a formula rendered
    per row. The rows between hold the formula already or nothing (as provision leaves them), or
    were typed over and lack it too: writing the formula there is what the repair does anyway. A
    header pasted again (or a row pasted one column over, its last value in a computed cell) between them
    is the person's to mend: the runs stop either side of it."""
    plan = snap.template.tab_of_kind("plan")
    table = snap.tables[plan.key]
    if table.formulas is None:
        return []
    sid, reqs = snap.sheet_ids[plan.key], []
    for key, expected in snap.expected_formulas().items():
        actual = table.formulas[key].reindex(expected.index)
        rows = expected.index[(expected.notna() & ~same_formula(actual, expected)).to_numpy()]
        if not len(rows):
            continue
        c = table.positions[key]
        for first, last in _runs_between(rows, table.header_rows.union(table.shifted_rows)):
            text = structure.computed_formula(plan, plan.column(key), first, table.positions)
            reqs.append({"repeatCell": {"range": grid_range(sid, first - 1, last, c, c + 1),
                                        "cell": {"userEnteredValue": {"formulaValue": text}},
                                        "fields": "userEnteredValue"}})
    return reqs


def _runs_between(rows, walls) -> list[tuple[int, int]]:
    """(first, last) of the rows between each two walls (rows not to write), the rows sorted."""
    out: list[tuple[int, int]] = []
    walls = sorted(int(w) for w in walls)
    for row in sorted(int(r) for r in rows):
        if out and not any(out[-1][1] < w < row for w in walls):
            out[-1] = (out[-1][0], row)
        else:
            out.append((row, row))
    return out
