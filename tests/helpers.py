import datetime as dt
import math

import openpyxl


def workbook_snapshot(path) -> dict:
    """Everything a person sees: titles, cell values and formulas, validations, protection."""
    wb = openpyxl.load_workbook(path)
    snap = {}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.data_type, c.number_format)
                 for row in ws.iter_rows() for c in row if c.value is not None}
        dvs = sorted((str(dv.sqref), dv.type, dv.formula1) for dv in ws.data_validations.dataValidation)
        cfs = sorted((str(cf.sqref), tuple(r.formula or ()) ) for cf in ws.conditional_formatting for r in cf.rules)
        snap[ws.title] = {"cells": cells, "validations": dvs, "conditional": cfs,
                          "protected": ws.protection.sheet, "freeze": ws.freeze_panes,
                          "charts": len(ws._charts)}
    return snap


def report_figures(reports: dict) -> dict:
    """`report --format json` outputs (by -> rows; by None, "platform", "responsible") as
    {(group, week, key): value}, group None or (by, name) as in WeeklyLayout.cells."""
    out = {}
    for by, rows in reports.items():
        for item in rows:
            item = dict(item)
            group = None if by is None else (by, item.pop(by))
            week = dt.date.fromisoformat(item.pop("week"))
            out.update({(group, week, key): value for key, value in item.items()})
    return out


def weekly_differences(recalculated, snap, layout, reports: dict) -> tuple[list, int]:
    """Weekly-tab cells of a recalculated workbook whose value differs from the report (relative 1e-9)."""
    import python_calamine

    rows = python_calamine.CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name(
        snap.titles["weekly"]).to_python(skip_empty_area=False)
    return cells_differences(rows, layout, reports)


def cells_differences(rows: list[list], layout, reports: dict) -> tuple[list, int]:
    """Weekly-tab values (rows of cells, as computed by a spreadsheet) that differ from the report."""
    figures = report_figures(reports)
    problems = []
    for (group, week, key), (r, c) in layout.cells.items():
        want = figures[(group, week, key)]
        got = rows[r][c] if r < len(rows) and c < len(rows[r]) else None
        ok = got in (None, "") if want is None else (
            isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12))
        if not ok:
            problems.append((group, week, key, got, want))
    return problems, len(layout.cells)


def project_with_rows(folder, template, name: str, admins: list[str], locale: str, as_of, rows: int = 20) -> str:
    """A provisioned local project with `rows` sample plan rows and the sample Account rows."""
    from sheets_plan import LocalBackend, provision
    from sheets_plan.jobs.demo import fill_rows, sample_rows

    backend = LocalBackend(folder)
    path = provision(backend, name, admins=admins, locale=locale, template=template)
    plan, account = sample_rows(template, locale, as_of)
    fill_rows(backend, path, template, plan[:rows], account)
    return path
