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
