"""A column's cells as admins type them: what each cell holds, and its typed value.

`Cells` splits a raw column by kind (text, number, date...); `typed` reads it as its template
column's type (dates typed as text, `1 520` for a number, a choice in any spelling) and says
which cells are invalid. The reader (`table`) and the slips it finds share it.

Vectorized over columns; the only per-value Python work is on *unique* texts.
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

from sheets_plan.sheets.values import EPOCH, serial
from . import plan_span
from .template import Column

# Problem codes for an invalid cell; `procedure` turns them into words.
NOT_NUMBER, NEGATIVE, NOT_WHOLE, NOT_DATE, NOT_IN_LIST, NOT_TIME = (
    "not_number", "negative", "not_whole", "not_date", "not_in_list", "not_time")

# Dates a plan can hold: 2000-01-01 .. 2099-12-31. Anything outside is a
# typo (a day number typed into a date column: 7 is 05.01.1900 as a serial),
# which would otherwise pass as a date and make every week since 1900 "missing".
MIN_SERIAL = serial(dt.date(2000, 1, 1))
MAX_SERIAL = serial(dt.date(2100, 1, 1))  # exclusive
_EPOCH = pd.Timestamp(EPOCH)


def norm(text) -> str:
    """How a header or a choice is compared: case-insensitive, whitespace collapsed."""
    return " ".join(str(text).split()).casefold()


TEXT, NUMBER, BOOL, NONE, DATE, OTHER = range(6)


def _kind(t: type) -> int:
    if issubclass(t, str):
        return TEXT
    if issubclass(t, (bool, np.bool_)):  # before numbers: bool is an int
        return BOOL
    if issubclass(t, numbers.Real):
        return NUMBER
    if t is type(None):
        return NONE
    if issubclass(t, (dt.date, np.datetime64)):  # lenient: a backend may hand dates over
        return DATE
    return OTHER


# Whole columns of one kind are recognised at C speed; only mixed ones look at each cell's type.
_UNIFORM = {"string": TEXT, "integer": NUMBER, "floating": NUMBER, "mixed-integer-float": NUMBER,
            "empty": NONE}


def _kinds(raw: pd.Series) -> np.ndarray:
    uniform = _UNIFORM.get(pd.api.types.infer_dtype(raw, skipna=True))
    if uniform is not None:
        return np.where(raw.isna().to_numpy(), NONE, uniform).astype(np.int8)
    types = raw.map(type)
    return types.map({t: _kind(t) for t in types.unique()}).to_numpy(dtype=np.int8)


class Cells:
    """One raw column split by what the cells hold (`kind`: TEXT, NUMBER, ...)."""

    def __init__(self, raw: pd.Series):
        self.raw = raw
        self.kind = _kinds(raw)
        texts = raw[self.kind == TEXT].str.strip()
        self.text = texts.reindex(raw.index)  # stripped strings, NaN elsewhere
        self.number = pd.Series(np.where(self.kind == NUMBER, raw, None).astype("float64"), index=raw.index)
        self.blank = pd.Series(
            (self.kind == NONE) | ((self.kind == NUMBER) & self.number.isna().to_numpy())
            | (self.text.to_numpy() == ""), index=raw.index)

    # Rows of a date column whose text named no year and whose year the other dates did not settle
    # (set by the read): `fix` lists them and does not write them.
    year_unsure: pd.Index = pd.Index([], dtype="int64")

    def subset(self, keep: np.ndarray, raw: pd.Series | None = None) -> Cells:
        out = object.__new__(Cells)
        out.raw = self.raw[keep] if raw is None else raw
        out.kind, out.text = self.kind[keep], self.text[keep]
        out.number, out.blank = self.number[keep], self.blank[keep]
        return out

    def shown(self) -> pd.Series:
        """Every filled cell as text (stripped strings, numbers without a stray .0)."""
        other = self.raw[(self.kind != TEXT) & ~self.blank.to_numpy()]
        return self.text.where(self.kind == TEXT, other.map(show).reindex(self.raw.index))


def show(value) -> str:
    """A raw cell as an admin would recognise it in a message."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


# ------------------------------------------------------------------ typing

# The project's lists a choice column may offer, by name (template.PROJECT_LISTS): the admins (names,
# or each spelling -> the admin it stands for) and the rubrics.
Lists = Mapping[str, Sequence[str] | Mapping[str, str]]


def typed(column: Column, cells: Cells, as_of, lists: Lists) -> tuple[pd.Series, pd.Series]:
    """(typed values, invalid mask) of one column's kept rows."""
    if column.type == "date":
        return _dates(cells, as_of)
    if column.type in ("int", "percent"):
        values, problem = _numbers(cells, integer=column.type == "int")
        return values, problem.notna()
    if column.type == "choice":
        return _choices(column, cells, lists)
    if column.type == "time":
        values = _times(cells)
        return values, _missing(values, cells)
    return cells.shown().astype(object).where(~cells.blank, None), _false(cells)


def _false(cells: Cells) -> pd.Series:
    return pd.Series(False, index=cells.raw.index)


def _missing(values: pd.Series, cells: Cells) -> pd.Series:
    return ~cells.blank & values.isna()


# numbers ------------------------------------------------------------------

_SPACES = re.compile(r"\s+")  # also matches nbsp (U+00A0) and thin spaces (U+2009, U+202F)


def _numbers(cells: Cells, integer: bool) -> tuple[pd.Series, pd.Series]:
    """float64 values (NaN when blank or invalid) and the problem code of invalid cells."""
    text = cells.text[cells.kind == TEXT]
    values = cells.number.copy()
    if len(text):
        values.loc[text.index] = text.map(_text_numbers(text.unique(), integer))
    values.loc[~np.isfinite(values)] = np.nan  # "inf", "nan" typed as text
    problem = pd.Series(None, index=values.index, dtype=object)
    problem.loc[~cells.blank & values.isna()] = NOT_NUMBER
    if integer:
        problem.loc[values < 0] = NEGATIVE
        problem.loc[(values >= 0) & (values % 1 != 0)] = NOT_WHOLE
    return values.where(problem.isna()), problem


# Digits in groups of three after a dot or a comma: a thousands separator ("1.520" is how many
# Russians write 1520). In a count, which is whole, it can mean nothing else.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")


def _text_numbers(texts: np.ndarray, integer: bool) -> dict[str, float]:
    """Unique number texts -> value: "1 520", "1\u00a0520", "3,5", and in a count "1.520" (NaN when
    not a number)."""
    cleaned = pd.Series(texts, dtype=object).str.replace(_SPACES, "", regex=True)
    if integer:
        grouped = cleaned.map(lambda t: isinstance(t, str) and _GROUPED.fullmatch(t) is not None).astype(bool)
        cleaned = cleaned.where(~grouped, cleaned.str.replace(r"[.,]", "", regex=True))
    cleaned = (cleaned.str.replace(",", ".", regex=False)
               .str.replace("\u2212", "-", regex=False))  # a typographic minus from copy-paste
    if not integer:
        cleaned = cleaned.str.removesuffix("%")
    return dict(zip(texts, pd.to_numeric(cleaned, errors="coerce").astype("float64")))


def problems(column: Column, raw: pd.Series) -> pd.Series:
    """Problem code of each (invalid) raw cell of `column`, for messages."""
    if column.type in ("int", "percent"):
        return _numbers(Cells(raw), column.type == "int")[1]
    code = {"date": NOT_DATE, "choice": NOT_IN_LIST, "time": NOT_TIME}.get(column.type)
    return pd.Series(code, index=raw.index, dtype=object)


# dates --------------------------------------------------------------------

def _dates(cells: Cells, as_of: dt.date) -> tuple[pd.Series, pd.Series]:
    days = np.floor(cells.number)  # a fractional serial is a time of day: drop it
    days = days.where((days >= MIN_SERIAL) & (days < MAX_SERIAL))
    values = _EPOCH + pd.to_timedelta(days, unit="D")
    texts = cells.text[(cells.kind == TEXT) & ~cells.blank.to_numpy()]
    later = dt.date(as_of.year + 1 if as_of.year < 2099 else as_of.year - 1, 1, 1)  # tells a text without a year
    yearless: dict[str, pd.Timestamp] = {}
    if len(texts):
        parsed = {t: parse_date(t, as_of) for t in texts.unique()}
        yearless = {t: d for t, d in parsed.items() if d is not None and parse_date(t, later) != d}
        values[texts.index] = pd.to_datetime(texts.map(parsed))
    objects = cells.raw[cells.kind == DATE]
    if len(objects):
        values[objects.index] = pd.to_datetime(objects).dt.normalize()
    values = values.astype("datetime64[ns]")
    if yearless:
        values, cells.year_unsure = plan_span.years_of(values, texts[texts.isin(list(yearless))], as_of)
    return values, _missing(values, cells)


# A date may trail a dot, a time of day ("12.03.2026 10:00", ISO "T10:00:00") or "г.".
_TAIL = r"\.?(?:(?:\s+|T)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:\s*(?:г\.?|года))?"
_Y_M_D = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})" + _TAIL)
_D_M_Y = re.compile(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?" + _TAIL)
_RU_MONTHS = re.compile(
    r"\b(янв|фев|мар|апр|ма[йя]|июн|июл|авг|сен|окт|ноя|дек)[а-яё]*\.?", re.IGNORECASE)
_EN_MONTH = dict(zip(["янв", "фев", "мар", "апр", "май", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"],
                     ["Jan", "Feb", "Mar", "Apr", "May", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]))
_DEFAULTS = (dt.datetime(2001, 1, 1), dt.datetime(2002, 2, 2))


def parse_date(text: str, as_of: dt.date) -> pd.Timestamp | None:
    """A date typed as text, day first; None unless it names a day and a month.

    All-digit forms are matched strictly here, because dateutil's `dayfirst`
    is only a preference (it reads "2026-03-12" as 3 December and silently
    swaps "12.13.2026"). dateutil only handles texts with a month name.
    """
    text = text.strip()
    if m := _Y_M_D.fullmatch(text):
        return _date(int(m[1]), int(m[2]), int(m[3]))
    if m := _D_M_Y.fullmatch(text):
        year = as_of.year if m[3] is None else int(m[3]) + (2000 if len(m[3]) == 2 else 0)
        return _date(year, int(m[2]), int(m[1]))
    if re.search(r"[^\W\d_]", text) and re.search(r"\d", text):
        return _named_month(text, as_of)
    return None


def _named_month(text: str, as_of: dt.date) -> pd.Timestamp | None:
    text = _RU_MONTHS.sub(lambda m: _EN_MONTH[m[1].lower()[:3]] + " ", text)
    text = re.sub(r"\s(г\.?|года)\s*$", "", text)
    try:
        first, second = (dateutil_parser.parse(text, dayfirst=True, default=d) for d in _DEFAULTS)
    except (ValueError, OverflowError):
        return None
    # Parsing twice with different defaults tells which parts the text named.
    if first.day != second.day or first.month != second.month:
        return None
    year = first.year if first.year == second.year else as_of.year
    return _date(year, first.month, first.day)


def _date(year: int, month: int, day: int) -> pd.Timestamp | None:
    try:
        day = dt.date(year, month, day)
    except ValueError:
        return None
    ok = MIN_SERIAL <= serial(day) < MAX_SERIAL
    return pd.Timestamp(day) if ok else None


# choices ------------------------------------------------------------------

def _choices(column: Column, cells: Cells, lists: Lists) -> tuple[pd.Series, pd.Series]:
    filled = cells.shown()[~cells.blank.to_numpy()]
    names = filled.unique()  # a handful of distinct values: compare those, then map
    if column.project_list:
        # "anna" is Anna: the list's own spelling, so one admin (rubric) is one group everywhere; a
        # mapping also reads a renamed admin's old name as the new one (`fix` then writes it). An
        # empty list (no rubrics listed) leaves the column free text.
        listed = lists.get(column.project_list, ())
        known = {norm(k): v for k, v in listed.items()} if isinstance(listed, Mapping) else {norm(a): a for a in listed}
        values = filled.map({n: known.get(norm(n)) for n in names}) if known else filled
    else:
        lookup = choice_lookup(column)
        values = filled.map({n: lookup.get(norm(n)) for n in names})
    values = values.reindex(cells.raw.index).astype(object)
    values = values.where(values.notna(), None)
    return values, _missing(values, cells)


def choice_lookup(column: Column) -> dict[str, str]:
    """Normalized label (any locale) or key -> choice key."""
    lookup = {}
    for ch in column.choices:
        for name in (ch.key, *ch.labels.values()):
            lookup.setdefault(norm(name), ch.key)
    return lookup


# times --------------------------------------------------------------------

# A time of day as people type it: 10:00, 9.30, 18:30:00, 6 pm, 6:30 PM.
_TIME_TEXT = re.compile(r"(\d{1,2})(?:[:.](\d{2})(?::(\d{2}))?)?\s*([ap]\.?m\.?)?", re.IGNORECASE)


def _time_text(text: str) -> str | None:
    m = _TIME_TEXT.fullmatch(text.strip())
    if not m or (m.group(2) is None and m.group(4) is None):
        return None  # a bare number is no time
    hours, minutes = int(m.group(1)), int(m.group(2) or 0)
    if m.group(4):
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if m.group(4)[0].lower() == "p" else 0)
    if hours > 23 or minutes > 59 or int(m.group(3) or 0) > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


def _times(cells: Cells) -> pd.Series:
    """HH:MM: from a serial (the fraction of a day) or from a time typed as text; None when
    blank or not a time ("вечер")."""
    minutes = (cells.number % 1 * 1440).round()
    hhmm = minutes.dropna().map(lambda m: f"{int(m) // 60 % 24:02d}:{int(m) % 60:02d}")
    texts = cells.text[(cells.kind == TEXT) & ~cells.blank.to_numpy()]
    out = pd.Series(None, index=cells.raw.index, dtype=object)
    out[hhmm.index] = hhmm
    if len(texts):
        out[texts.index] = texts.map({t: _time_text(t) for t in texts.unique()})
    return out.where(~cells.blank, None)
