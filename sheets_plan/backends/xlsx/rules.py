"""Conditional formats, data validations and hyperlinks of a worksheet, in the Sheets API's shapes.

Rules are read from the sheet as it is now (a person's program shifts them
when columns move), and written back in xlsx form. A rule the tool does
not understand is carried as its own text (`_xlsx`) and written back as it
was.
"""

from __future__ import annotations

import re

from sheets_plan.sheets import formula
from . import cells, xml
from .styles import Styles, argb, color_of

MAX_ROWS, MAX_COLS = 1_048_576, 16_384
Rect = tuple[int, int, int, int]  # r0, r1, c0, c1: 0-based, half-open, closed at the sheet's limits


# ---------------------------------------------------------------- ranges
def rects(sqref: str) -> list[Rect]:
    out = []
    for part in sqref.split():
        first, _, last = part.replace("$", "").partition(":")
        last = last or first
        (r0, c0), (r1, c1) = _corner(first, True), _corner(last, False)
        out.append((r0, r1, c0, c1))
    return out


def _corner(text: str, start: bool) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]*)(\d*)", text)
    col = cells.ref(m.group(1) + "1")[1] if m.group(1) else (0 if start else MAX_COLS - 1)
    row = int(m.group(2)) - 1 if m.group(2) else (0 if start else MAX_ROWS - 1)
    return (row, col) if start else (row + 1, col + 1)


def sqref(rs: list[Rect]) -> str:
    out = []
    for r0, r1, c0, c1 in rs:
        if r0 == 0 and r1 == MAX_ROWS:
            out.append(f"{cells.letters(c0)}:{cells.letters(c1 - 1)}")
        elif r0 + 1 == r1 and c0 + 1 == c1:
            out.append(f"{cells.letters(c0)}{r0 + 1}")
        else:
            out.append(f"{cells.letters(c0)}{r0 + 1}:{cells.letters(c1 - 1)}{r1}")
    return " ".join(out)


def rect_of(gr: dict) -> Rect:
    return (gr.get("startRowIndex", 0), gr.get("endRowIndex", MAX_ROWS),
            gr.get("startColumnIndex", 0), gr.get("endColumnIndex", MAX_COLS))


def grid_range_of(sheet_id: int, rect: Rect) -> dict:
    r0, r1, c0, c1 = rect
    out = {"sheetId": sheet_id}
    if r0:
        out["startRowIndex"] = r0
    if r1 != MAX_ROWS:
        out["endRowIndex"] = r1
    if c0:
        out["startColumnIndex"] = c0
    if c1 != MAX_COLS:
        out["endColumnIndex"] = c1
    return out


def subtract(a: Rect, b: Rect) -> list[Rect]:
    """a minus b, as at most four rectangles."""
    r0, r1, c0, c1 = a
    s0, s1, d0, d1 = b
    if s0 >= r1 or s1 <= r0 or d0 >= c1 or d1 <= c0:
        return [a]
    out = []
    if s0 > r0:
        out.append((r0, s0, c0, c1))
    if s1 < r1:
        out.append((s1, r1, c0, c1))
    mid0, mid1 = max(r0, s0), min(r1, s1)
    if d0 > c0:
        out.append((mid0, mid1, c0, d0))
    if d1 < c1:
        out.append((mid0, mid1, d1, c1))
    return out


# ---------------------------------------------------------------- conditional formats
def conditional_formats(items: list[str], sheet_id: int, styles: Styles) -> list[dict]:
    """Every cfRule of the sheet, in priority order, as a Sheets ConditionalFormatRule."""
    found = []
    for block in items:
        ref = xml.attr(block, "sqref") or ""
        ranges = [grid_range_of(sheet_id, r) for r in rects(ref)]
        for rule in xml.elements(block, "cfRule"):
            a = xml.attrs(rule)
            out = {"ranges": ranges, "_xlsx": [ref, rule]}
            text = xml.text_of(xml.first(rule, "formula"))
            if a.get("type") == "expression" and text:
                color = styles.dxf_color(int(a["dxfId"])) if "dxfId" in a else None
                out["booleanRule"] = {"condition": {"type": "CUSTOM_FORMULA", "values": [
                    {"userEnteredValue": formula.from_xlsx("=" + text)}]},
                    "format": {"backgroundColor": color} if color else {}}
            elif a.get("type") == "colorScale":
                out["gradientRule"] = _gradient(rule)
            found.append((int(a.get("priority", 10 ** 6)), len(found), out))
    return [r for _, _, r in sorted(found, key=lambda t: t[:2])]


def conditional_xml(rules: list[dict], styles: Styles) -> list[str]:
    out = []
    for priority, rule in enumerate(rules, 1):
        if "_xlsx" in rule:
            ref, body = rule["_xlsx"]
            body = xml.set_attrs(body, priority=str(priority))
        elif "gradientRule" in rule:
            ref = sqref([rect_of(gr) for gr in rule["ranges"]])
            body = _color_scale(rule["gradientRule"], priority)
        else:
            ref = sqref([rect_of(gr) for gr in rule["ranges"]])
            boolean = rule["booleanRule"]
            text = boolean["condition"]["values"][0]["userEnteredValue"]
            color = boolean.get("format", {}).get("backgroundColor")
            dxf = f' dxfId="{styles.dxf_fill(color)}"' if color else ""
            body = (f'<cfRule type="expression"{dxf} priority="{priority}">'
                    f"<formula>{xml.esc(formula.to_xlsx(text)[1:])}</formula></cfRule>")
        out.append(f'<conditionalFormatting sqref="{ref}">{body}</conditionalFormatting>')
    return out


# A colour scale's points: Sheets' InterpolationPoint types and xlsx's cfvo types.
_POINTS = {"MIN": "min", "MAX": "max", "NUMBER": "num", "PERCENT": "percent", "PERCENTILE": "percentile"}


def _color_scale(gradient: dict, priority: int) -> str:
    """A Sheets gradientRule as an xlsx colour scale (two or three points)."""
    points = [gradient[k] for k in ("minpoint", "midpoint", "maxpoint") if k in gradient]
    cfvo = "".join(f'<cfvo type="{_POINTS[p["type"]]}"' + (f' val="{xml.esc(str(p["value"]))}"' if "value" in p else "")
                   + "/>" for p in points)
    colors = "".join(f'<color rgb="{argb(p.get("color", {}))}"/>' for p in points)
    return f'<cfRule type="colorScale" priority="{priority}"><colorScale>{cfvo}{colors}</colorScale></cfRule>'


def _gradient(rule: str) -> dict:
    """An xlsx colour scale as a Sheets gradientRule."""
    kinds = {v: k for k, v in _POINTS.items()}
    points = []
    for cfvo, color in zip(xml.elements(rule, "cfvo"), xml.elements(rule, "color")):
        a = xml.attrs(cfvo)
        point = {"color": color_of(xml.attr(color, "rgb") or "FFFFFFFF"), "type": kinds.get(a.get("type"), "MIN")}
        if "val" in a:
            point["value"] = a["val"]
        points.append(point)
    names = ("minpoint", "maxpoint") if len(points) == 2 else ("minpoint", "midpoint", "maxpoint")
    return dict(zip(names, points))


# ---------------------------------------------------------------- data validation
def set_validations(items: list[str], writes: list[tuple[dict, dict | None]]) -> str | None:
    """The sheet's <dataValidations> after Sheets `setDataValidation` requests, in order:
    each rule replaces whatever validation the cells of its range had."""
    rules: list[list] = [[rects(xml.attr(v, "sqref") or ""), v] for v in items]
    for gr, rule in writes:
        cut = rect_of(gr)
        for entry in rules:
            entry[0] = [piece for rect in entry[0] for piece in subtract(rect, cut)]
        if rule:
            rules.append([[cut], _validation_xml(rule)])
    kept = [xml.set_attrs(v, sqref=sqref(rs)) for rs, v in rules if rs]
    if not kept:
        return None
    return f'<dataValidations count="{len(kept)}">' + "".join(kept) + "</dataValidations>"


def _validation_xml(rule: dict) -> str:
    cond = rule["condition"]
    values = [v.get("userEnteredValue", "") for v in cond.get("values", [])]
    style = "stop" if rule.get("strict") else "warning"
    common = f'allowBlank="1" showErrorMessage="1" errorStyle="{style}"'
    if rule.get("inputMessage"):
        common += f' showInputMessage="1" prompt="{xml.esc(rule["inputMessage"])}"'
    kind = cond["type"]
    if kind == "ONE_OF_LIST":
        items = ",".join(v.replace('"', '""') for v in values)
        return f'<dataValidation type="list" {common} sqref="A1"><formula1>"{xml.esc(items)}"</formula1></dataValidation>'
    if kind == "ONE_OF_RANGE":  # a list kept in cells: 'Lists'!$A$1:$A$12
        return (f'<dataValidation type="list" {common} sqref="A1">'
                f"<formula1>{xml.esc(values[0].removeprefix('='))}</formula1></dataValidation>")
    if kind == "NUMBER_GREATER_THAN_EQ":
        return (f'<dataValidation type="decimal" operator="greaterThanOrEqual" {common} sqref="A1">'
                f"<formula1>{xml.esc(values[0])}</formula1></dataValidation>")
    if kind == "DATE_IS_VALID":
        return (f'<dataValidation type="date" operator="greaterThan" {common} sqref="A1">'
                '<formula1>0</formula1></dataValidation>')
    raise ValueError(f"data validation {kind} is not supported in .xlsx")


# ---------------------------------------------------------------- hyperlinks
def hyperlinks(element: str | None, targets: dict[str, str]) -> dict[tuple[int, int], str]:
    """(row, col) -> URL of every cell that carries an external hyperlink."""
    out = {}
    for link in xml.elements(element or "", "hyperlink"):
        rid = xml.local_attr(link, "id")
        url = targets.get(rid or "")
        if not url:
            continue
        for r0, r1, c0, c1 in rects(xml.attr(link, "ref") or ""):
            for r in range(r0, min(r1, r0 + 10_000)):
                for c in range(c0, min(c1, c0 + 100)):
                    out[(r, c)] = url
    return out
