"""Values as written through the API: RAW and USER_ENTERED (typed as in the Sheets UI)."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from sheets_plan.sheets.formula import decimal_comma
from sheets_plan.sheets.values import EPOCH
from .errors import ApiError


def cell_requests(sheet_id: int, cells: dict[int, dict[int, dict]]) -> list[dict]:
    """updateCells requests (fields=userEnteredValue) for sparse cells: one per block of rows that
    write the same contiguous columns."""
    runs: list[tuple[int, int, list[dict]]] = []
    for r in sorted(cells):
        cols = sorted(cells[r])
        start = prev = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            runs.append((r, start, [cells[r][k] for k in range(start, prev + 1)]))
            if c is not None:
                start = prev = c
    out: list[dict] = []
    last = None
    for r, c0, values in runs:
        if last and last[0] + last[2] == r and last[1] == c0 and len(last[3][0]["values"]) == len(values):
            last[3].append({"values": values})
            last[2] += 1
            continue
        rows = [{"values": values}]
        out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": r, "columnIndex": c0},
                                    "rows": rows, "fields": "userEnteredValue"}})
        last = [r, c0, 1, rows]
    return out


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return f"struct_value {json.dumps(value)}"
    if isinstance(value, list):
        return f"list_value {json.dumps(value)}"
    return repr(value)



# ============================================================================ value input

def raw_value(value: Any, i: int = 0, j: int = 0) -> dict | None:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ApiError(400, f"Invalid values[{i}][{j}]: number_value {value}")
        return {"numberValue": value}
    if value == "":
        return None
    return {"stringValue": str(value)}


_DOT_DATE_LANGS = {"ru", "uk", "be", "kk", "de", "tr", "pl", "cs", "sk", "fi", "nb", "no", "da", "ro", "hr",
                   "sl", "sr", "bg", "lv", "lt", "et", "hu", "az", "ka", "hy", "uz", "is"}
GROUP_DOT_LANGS = {"de", "tr", "es", "it", "pt", "nl", "da", "id", "ro", "hr", "sl", "sr", "el"}


def language(locale: str) -> tuple[str, str]:
    lang, _, country = (locale or "en_US").replace("-", "_").partition("_")
    return lang.lower(), country.upper()


def _date_order(locale: str) -> str:
    lang, country = language(locale)
    if lang == "en" and country in ("US", "PH", ""):
        return "MDY"
    if lang in _DOT_DATE_LANGS:
        return "DMY."
    if lang in ("zh", "ja", "ko", "hu", "lt", "sv"):
        return "YMD"
    return "DMY/"


def default_pattern(kind: str, locale: str) -> str:
    order = _date_order(locale)
    date = {"MDY": "m/d/yyyy", "DMY.": "dd.mm.yyyy", "DMY/": "dd/mm/yyyy"}.get(order, "yyyy-mm-dd")
    clock = "h:mm:ss am/pm" if order == "MDY" else "h:mm:ss"
    return {"DATE": date, "TIME": clock}.get(kind, f"{date} {clock}")


_NUM_POINT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+(?:[eE][+-]?\d+)?$")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"


def _parse_number(text: str, locale: str) -> tuple[float, dict | None] | None:
    percent = text.endswith("%")
    core = text[:-1].strip() if percent else text
    if decimal_comma(locale):
        lang, _ = language(locale)
        groups = r"[ \u00a0\u202f" + (r"." if lang in GROUP_DOT_LANGS else "") + r"]"
        pattern = rf"^[+-]?(?:\d{{1,3}}(?:{groups}\d{{3}})+|\d+)(?:,\d*)?(?:[eE][+-]?\d+)?$"
        if not re.match(pattern, core):
            return None
        grouped = bool(re.search(groups, core))
        core = re.sub(groups, "", core).replace(",", ".")
    else:
        if not _NUM_POINT.match(core):
            return None
        grouped = "," in core
        core = core.replace(",", "")
    number = float(core)
    decimals = "." in core and "e" not in core.lower()
    if percent:
        return number / 100, {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
    # Typed with thousands separators: Sheets also applies a grouped number format.
    fmt = {"type": "NUMBER", "pattern": "#,##0.00" if decimals else "#,##0"} if grouped else None
    if number.is_integer() and "e" not in core.lower() and abs(number) < 2 ** 53:
        return int(number), fmt
    return number, fmt


def _serial(day: dt.date, h: int = 0, m: int = 0, s: int = 0) -> float | int:
    days = (day - EPOCH).days
    frac = (h * 3600 + m * 60 + s) / 86400
    return days + frac if frac else days


def _parse_date(text: str, locale: str) -> tuple[float, dict] | None:
    order = _date_order(locale)
    m = re.fullmatch(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?:[ T]{_TIME})?", text)
    try:
        if m:
            y, mo, d, hh, mm, ss = m.groups()
            day = dt.date(int(y), int(mo), int(d))
            pattern = "yyyy-mm-dd" + (" h:mm:ss" if hh else "")
        else:
            sep = "." if order == "DMY." else "/"
            m = re.fullmatch(rf"(\d{{1,2}})\{sep}(\d{{1,2}})\{sep}(\d{{4}})(?: {_TIME})?", text)
            if m:
                a, b, y, hh, mm, ss = m.groups()
                mo, d = (a, b) if order == "MDY" else (b, a)
                day = dt.date(int(y), int(mo), int(d))
                pattern = default_pattern("DATE_TIME" if hh else "DATE", locale)
            else:
                m = re.fullmatch(_TIME, text)
                if not m:
                    return None
                hh, mm, ss = m.groups()
                if int(hh) > 23 or int(mm) > 59 or int(ss or 0) > 59:
                    return None
                return (int(hh) * 3600 + int(mm) * 60 + int(ss or 0)) / 86400, \
                    {"type": "TIME", "pattern": default_pattern("TIME", locale)}
    except ValueError:
        return None
    h, mi, s = int(hh or 0), int(mm or 0), int(ss or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return _serial(day, h, mi, s), {"type": "DATE_TIME" if hh else "DATE", "pattern": pattern}


def user_entered(value: Any, locale: str) -> tuple[dict | None, dict | None]:
    """A value as if typed into the Sheets UI: formulas, numbers, percents, dates, booleans."""
    if not isinstance(value, str):
        return raw_value(value), None
    if value == "":
        return None, None
    if value.startswith("'"):
        return {"stringValue": value[1:]}, None
    if value.startswith("=") and len(value) > 1:
        return {"formulaValue": value}, None
    text = value.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    number = _parse_number(text, locale)
    if number is not None:
        return {"numberValue": number[0]}, number[1]
    date = _parse_date(text, locale)
    if date is not None:
        return {"numberValue": date[0]}, date[1]
    return {"stringValue": value}, None

