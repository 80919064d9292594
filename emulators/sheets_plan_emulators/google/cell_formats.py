"""What Google adds to the grid data it returns: each cell's effectiveFormat and formattedValue.

The effective format is the spreadsheet's default format with the cell's own (userEnteredFormat)
laid over it, then the format of each conditional-format rule that holds for the cell (a custom
formula, evaluated as the cell's own formula would be, relative to the rule's first cell; the
first matching rule wins, as Sheets applies them in order). The formatted value is the effective
value as values.get's FORMATTED_VALUE renders it (`render.py`: one rendering for both answers).

Not certain, so refused with 501 rather than guessed: a colour scale's interpolated colour and a
boolean rule of another condition type than a custom formula.
"""

from __future__ import annotations

import copy

from sheets_plan import model
from sheets_plan.sheets.formula import shift
from .errors import ApiError
from .formula_parser import parse
from .formula_values import is_number
from .render import rendered

SHOWN = ("effectiveFormat", "formattedValue")


def add_shown(ss: model.Spreadsheet, resource: dict, default: dict, wanted=SHOWN) -> None:
    """Each cell of the resource's grid data that holds a value or a format gets its effective
    format and formatted value (those of `wanted`)."""
    evaluator = ss.computed()
    by_title = {s.title: s for s in ss.sheets}
    for sheet_json in resource.get("sheets", []):
        sheet = by_title.get(sheet_json.get("properties", {}).get("title"))
        for block in sheet_json.get("data", []) if sheet is not None else []:
            r0, c0 = block.get("startRow", 0), block.get("startColumn", 0)
            for i, row in enumerate(block.get("rowData", [])):
                for j, cell in enumerate(row.get("values", [])):
                    if "userEnteredValue" in cell or "userEnteredFormat" in cell:
                        _shown(ss, evaluator, sheet, r0 + i, c0 + j, cell, default, wanted)


def _shown(ss, evaluator, sheet: model.Sheet, r: int, c: int, cell: dict, default: dict, wanted) -> None:
    fmt = copy.deepcopy(default)
    _lay(fmt, cell.get("userEnteredFormat") or {})
    for rule in sheet.conditional_formats:
        first = next((gr for gr in rule.get("ranges", []) if _inside(gr, r, c)), None)
        if first is None:
            continue
        if "booleanRule" not in rule:
            raise ApiError(501, "emulator: effectiveFormat of a cell under a gradient (colour scale) rule is not "
                                "computed", reason="notImplemented")
        if _holds(ss, evaluator, sheet, rule["booleanRule"]["condition"], first, r, c):
            _lay(fmt, rule["booleanRule"].get("format") or {})
            break
    if "effectiveFormat" in wanted:
        cell["effectiveFormat"] = fmt
    if "formattedValue" in wanted and "effectiveValue" in cell:
        value = evaluator.value(sheet, r, c) if evaluator is not None else sheet.peek(r, c).value
        cell["formattedValue"] = rendered(sheet.peek(r, c), value, "FORMATTED_VALUE", "SERIAL_NUMBER",
                                          ss.properties.get("locale", "en_US"))


def _lay(base: dict, over: dict) -> None:
    """`over` laid onto `base`, nested objects field by field (a colour replaces a colour whole)."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and not key.lower().endswith("color"):
            _lay(base[key], value)
        else:
            base[key] = copy.deepcopy(value)


def _inside(gr: dict, r: int, c: int) -> bool:
    return (gr.get("startRowIndex", 0) <= r < gr.get("endRowIndex", 1 << 30)
            and gr.get("startColumnIndex", 0) <= c < gr.get("endColumnIndex", 1 << 30))


def _holds(ss, evaluator, sheet: model.Sheet, condition: dict, gr: dict, r: int, c: int) -> bool:
    if condition.get("type") != "CUSTOM_FORMULA":
        raise ApiError(501, f"emulator: effectiveFormat under a {condition.get('type')} rule is not computed",
                       reason="notImplemented")
    text = condition["values"][0]["userEnteredValue"]
    moved = shift(text, r - gr.get("startRowIndex", 0), c - gr.get("startColumnIndex", 0))
    node = parse(moved if moved.startswith("=") else "=" + moved, evaluator.comma)[0]
    value = evaluator.scalar(evaluator.eval(node, (sheet, r, c)))
    return value is True or (is_number(value) and value != 0)


__all__ = ["add_shown", "SHOWN"]
