"""Values as read through the API: FORMATTED_VALUE, UNFORMATTED_VALUE, FORMULA."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sheets_plan import model
from sheets_plan.sheets.formula import decimal_comma
from .cells import GROUP_DOT_LANGS, default_pattern, language


# ============================================================================ value output

def plain_number(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def rendered(cell: model.Cell | None, value: Any, render: str, dt_render: str, locale: str) -> Any:
    """A cell as values.get answers: ``value`` is what it holds or its formula computes."""
    if cell is None:
        return None
    if render == "FORMULA" and cell.formula is not None:
        return cell.formula
    if value is None or value == "":
        return None
    if hasattr(value, "text"):  # an error value: its text in every render option
        return value.text
    fmt = (cell.fmt or {}).get("numberFormat")
    if render == "FORMATTED_VALUE":
        return _format(value, fmt, locale)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if dt_render == "FORMATTED_STRING" and fmt and fmt.get("type") in ("DATE", "TIME", "DATE_TIME"):
            return _format(value, fmt, locale)
        return plain_number(value)
    return value


def _format(value: Any, fmt: dict | None, locale: str) -> str:
    """FORMATTED_VALUE: the common number formats; unknown patterns fall back to 'automatic'."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    kind, pattern = (fmt or {}).get("type"), (fmt or {}).get("pattern")
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return _format_date(value, pattern or default_pattern(kind, locale))
    if kind == "PERCENT" and not pattern:
        pattern = "0.00%"
    if kind == "CURRENCY" and not pattern:
        pattern = "#,##0.00"
    if pattern and kind != "TEXT":
        return _format_pattern(value, pattern, locale)
    return _automatic(value, locale)


def _localize(text: str, locale: str, grouping_used: bool = False) -> str:
    if not decimal_comma(locale):
        return text
    lang, _ = language(locale)
    group = "." if lang in GROUP_DOT_LANGS else "\u00a0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", group)


def _automatic(value: float | int, locale: str) -> str:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if abs(value) >= 1e15 or abs(value) < 1e-10:
        text = f"{value:.2E}"
    else:
        text = f"{round(value, 10):.10f}".rstrip("0").rstrip(".")
    return _localize(text, locale)


def _literal(section: str) -> str:
    """A number format's literal text: [$€-407] -> €, "text" -> text, \\x -> x; padding (_x, *x) dropped."""
    return re.sub(r'\[\$([^\]-]*)[^\]]*\]|"([^"]*)"|\\(.)|[_*].',
                  lambda g: next((x for x in g.groups() if x is not None), ""), section)


def _format_pattern(value: float | int, pattern: str, locale: str) -> str:
    section = pattern.split(";")[0]
    m = re.search(r"[#0?][#0?,]*(\.[#0?]*)?", section)
    if not m:
        return _automatic(value, locale)
    prefix, suffix = section[:m.start()], section[m.end():]
    prefix, suffix = _literal(prefix), _literal(suffix)
    if "%" in prefix + suffix:
        value = value * 100
    decimals = len(m.group(1)) - 1 if m.group(1) else 0
    grouping = "," in m.group(0).split(".")[0]
    text = f"{abs(value):,.{decimals}f}" if grouping else f"{abs(value):.{decimals}f}"
    optional = len(m.group(1) or "") - len((m.group(1) or "").rstrip("#"))
    if optional and "." in text:
        keep = len(text) - optional
        while len(text) > keep and text.endswith("0"):
            text = text[:-1]
        text = text.rstrip(".")
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    return sign + prefix + _localize(text, locale) + suffix


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|.',
                         re.IGNORECASE)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _format_date(serial: float, pattern: str) -> str:
    moment = dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(serial * 86400))
    toks = _DATE_TOKEN.findall(pattern)
    lower = [t.lower() for t in toks]
    twelve = any(t in ("am/pm", "a/p") for t in lower)
    minute = [False] * len(toks)
    for i, t in enumerate(lower):
        if t in ("m", "mm"):
            before = next((x for x in reversed(lower[:i]) if x[0] in "hsdym"), "")
            after = next((x for x in lower[i + 1:] if x[0] in "hsdym"), "")
            minute[i] = before.startswith("h") or after.startswith("s")
    out = []
    for i, (t, low) in enumerate(zip(toks, lower)):
        hour = moment.hour % 12 or 12 if twelve else moment.hour
        value = {
            "yyyy": f"{moment.year:04d}", "yy": f"{moment.year % 100:02d}",
            "mmmmm": _MONTHS[moment.month - 1][0], "mmmm": _MONTHS[moment.month - 1],
            "mmm": _MONTHS[moment.month - 1][:3],
            "mm": f"{moment.minute:02d}" if minute[i] else f"{moment.month:02d}",
            "m": str(moment.minute) if minute[i] else str(moment.month),
            "dddd": _DAYS[moment.weekday()], "ddd": _DAYS[moment.weekday()][:3],
            "dd": f"{moment.day:02d}", "d": str(moment.day),
            "hh": f"{hour:02d}", "h": str(hour), "ss": f"{moment.second:02d}", "s": str(moment.second),
            "am/pm": "AM" if moment.hour < 12 else "PM", "a/p": "A" if moment.hour < 12 else "P",
        }.get(low)
        if value is None:
            if t.startswith('"'):
                value = t[1:-1]
            elif t.startswith("\\"):
                value = t[1:]
            elif t.startswith(".0"):
                value = ""
            else:
                value = t
        out.append(value)
    return "".join(out)

