"""What the sheet's formulas count, and the clean-up that makes the rest count.

The reader (`table.read_table`) accepts what admins really type: `1 520`
as text, `12.03` as a date, `Published ` in a Russian workbook. The
sheet's formulas do not: SUMIFS skips a number stored as text, a date
stored as text is in no week, and a criterion matches a choice only when
it is spelled as the dropdown item (letter case aside, padding not).

One truth, chosen here: the statistics are what the formulas compute.
:func:`sheet_view` gives a table's cells as the formulas see them, and
`report`/`weekly` compute their figures from it, so they equal the Weekly
tab on every input. :func:`cleanups` lists each cell the reader accepts but
the formulas do not see as typed; the `counted` rule flags those they do not
count, and `sheets-plan fix` writes the clean value.

Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from sheets_plan.words import Words
from sheets_plan.sheets.values import EPOCH, serial
from . import personal
from .cells import DATE, TEXT, Cells, show
from .table import Table
from .template import ADMINS, Column

__all__ = ["sheet_view", "seen", "cleanups", "shown_date", "named", "TEXT_NUMBER", "TEXT_DATE", "SPELLING",
           "PHONE_SPELLING", "YEAR_UNSURE", "RENAMED", "TEXT_TIME"]

TEXT_NUMBER, TEXT_DATE, SPELLING, PHONE_SPELLING = "text_number", "text_date", "spelling", "phone_spelling"
YEAR_UNSURE = "year_unsure"  # a date typed without a year that no other date settles
TEXT_TIME = "text_time"  # "18.00" typed as text: the reader's time, in no hour slot of a formula
RENAMED = "renamed"  # an admin's former name (`provision --rename-admin`): the manager's `fix`, no admin's mistake
_EPOCH = pd.Timestamp(EPOCH)
# pandas' last day (2262-04-11): a serial beyond it is no week the tab can show anyway
_LAST_SERIAL = serial(pd.Timestamp.max.date())
_TIME = re.compile(r"(?:\s|T)(\d{1,2}):(\d{2})(?::(\d{2}))?")


# How a clean value is named in a message: "the number 1520", "the date 08.10.2026", "“Instagram”".
# A phone is a person's data, shown masked: the words say what changes, the mask which number.
_NAMED = Words(lambda _: {
    TEXT_NUMBER: _("the number {}"),
    TEXT_DATE: _("the date {}"),
    SPELLING: _("“{}”"),
    TEXT_TIME: _("the time {}"),
    PHONE_SPELLING: _("the same number in the one spelling: {}"),
    YEAR_UNSURE: _("a date with its year ({}?): the year is unclear, type it yourself"),
    RENAMED: _("the new name “{}” (the admin was renamed)")})


def named(problem: str, shown: str, locale: str) -> str:
    return _NAMED.get(locale, _NAMED["en"])[problem].format(shown)


# ------------------------------------------------------------------ the formulas' view

def sheet_view(table: Table) -> pd.DataFrame:
    """The table's kept rows as the sheet's formulas see them.

    Numbers: only cells holding a number (any number: the check's range
    rules do not stop a SUMIFS). Dates: only cells holding a date serial.
    Choices: the text exactly as typed (the metrics compare it as a
    spreadsheet criterion does: letter case ignored, nothing else). Other
    columns: as the reader typed them.
    """
    out = table.frame.copy()
    for column in table.tab.columns:
        if column.type in ("int", "percent", "date", "choice"):
            out[column.key] = seen(table, column.key)
    return out


def seen(table: Table, key: str) -> pd.Series:
    """One column of :func:`sheet_view`."""
    column = table.tab.column(key)
    if column.type not in ("int", "percent", "date", "choice"):
        return table.frame[key]
    cells = table.cells[key]
    if column.type in ("int", "percent"):
        return cells.number
    if column.type == "date":
        days = np.floor(cells.number)
        days = days.where((days >= 1) & (days < _LAST_SERIAL))
        values = _EPOCH + pd.to_timedelta(days, unit="D")
        objects = cells.raw[cells.kind == DATE]
        if len(objects):
            values[objects.index] = pd.to_datetime(objects).dt.normalize()
        return values.astype("datetime64[ns]")
    return cells.raw.where(cells.kind == TEXT, None).astype(object)


# ------------------------------------------------------------------ clean-ups

def cleanups(table: Table, locale: str) -> pd.DataFrame:
    """Cells the reader accepts but not as the dropdown or the number format
    wants them: one row per cell, sheet rows in the index order.

    Columns: ``row`` (sheet row), ``column`` (key), ``old`` (the cell as
    typed, for messages), ``new`` (the clean value to write: a float for
    numbers and dates, a string for choices), ``new_shown`` (as a person
    reads it), ``problem`` (TEXT_NUMBER, TEXT_DATE, SPELLING) and
    ``counted`` (whether the formulas count the old value all the same:
    only a choice that differs in letter case).
    """
    parts = [part for column in table.tab.input_columns
             if (part := _column_cleanups(table, column, locale)) is not None]
    if not parts:
        return pd.DataFrame({k: pd.Series(dtype=object) for k in
                             ("row", "column", "old", "new", "new_shown", "problem", "counted")})
    out = pd.concat(parts)
    out.insert(0, "row", out.index)
    order = out["column"].map({c.key: i for i, c in enumerate(table.tab.columns)})
    return out.assign(_order=order).sort_values(["row", "_order"]).drop(columns="_order").reset_index(drop=True)


def _column_cleanups(table: Table, column: Column, locale: str) -> pd.DataFrame | None:
    key = column.key
    cells = table.cells[key]
    value = table.frame[key]
    usable = ~table.blank[key].to_numpy() & ~table.invalid[key].to_numpy() & value.notna().to_numpy()
    text = cells.kind == TEXT
    if column.type in ("int", "percent"):
        mask = usable & text
        new = value[mask].map(_number)
        return _part(key, cells, mask, new, new.map(show), TEXT_NUMBER, False)
    if column.type == "date":
        mask = usable & text
        new = pd.Series([_date_serial(d, t) for d, t in zip(value[mask], cells.raw[mask])], index=value[mask].index,
                        dtype=object)
        part = _part(key, cells, mask, new, new.map(shown_date), TEXT_DATE, False)
        if part is not None:  # typed without a year that no other date settles: listed, not written
            part.loc[part.index.isin(cells.year_unsure), "problem"] = YEAR_UNSURE
        return part
    if column.type == "choice":
        if column.project_list:  # the list's own spelling
            wanted = value.astype(object)
        else:
            labels = {c.key: c.label(locale) for c in column.fixed_choices}
            wanted = value.map(labels)
        typed = cells.raw.where(text, None)
        mask = usable & (typed != wanted).to_numpy()
        new = wanted[mask].astype(object)
        same_case = typed[mask].map(lambda v: isinstance(v, str) and v.lower()) == new.str.lower()
        part = _part(key, cells, mask, new, new, SPELLING, same_case)
        if part is not None and column.choices == ADMINS:  # another name read as this admin's: a former one
            former = part["old"].map(lambda v: " ".join(str(v).split()).casefold()) != part["new"].str.casefold()
            part.loc[former.to_numpy(), "problem"] = RENAMED
        return part
    if column.type == "time":  # a time typed as text counts in no hour slot (the What works tab)
        mask = usable & text
        hhmm = value[mask]
        new = hhmm.map(lambda t: (int(t[:2]) * 60 + int(t[3:])) / 1440)
        return _part(key, cells, mask, new, hhmm, TEXT_TIME, False)
    if column.type == "phone":  # a good number in another spelling: no formula reads it, one spelling helps find it
        read = value.where(usable).dropna().astype(str).map(personal.read_phone)
        mask = usable & value.index.isin(read.index[read.map(lambda r: r[1] == personal.PHONE_FORMAT)])
        new = read.map(lambda r: r[0]).reindex(value.index[mask]).astype(object)
        return _part(key, cells, mask, new, new, PHONE_SPELLING, True)
    return None


def _part(key, cells: Cells, mask: np.ndarray, new: pd.Series, new_shown: pd.Series, problem: str,
          counted) -> pd.DataFrame | None:
    if not mask.any():
        return None
    index = cells.raw.index[mask]
    return pd.DataFrame({"column": key, "old": cells.raw[mask].map(_typed_as).to_numpy(),
                         "new": new.to_numpy(dtype=object), "new_shown": new_shown.to_numpy(dtype=object),
                         "problem": problem, "counted": np.broadcast_to(np.asarray(counted), len(index)).copy()},
                        index=index)


def _typed_as(value) -> str:
    """The cell as the admin typed it, spaces kept (they are often the problem)."""
    return value if isinstance(value, str) else show(value)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


def _date_serial(day: pd.Timestamp, text: str) -> float | int:
    """The date's serial, with the time of day the text named (`02.03.2026 18:00`): nothing lost."""
    whole = serial(day.date())
    m = _TIME.search(text)
    if not m:
        return whole
    hours, minutes, seconds = int(m[1]), int(m[2]), int(m[3] or 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return whole
    return whole + (hours * 3600 + minutes * 60 + seconds) / 86400


def shown_date(value: float) -> str:
    """A date serial as a person reads it: 02.03.2026, or 02.03.2026 18:00 with a time."""
    moment = dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))
    moment = moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))
    return moment.strftime("%d.%m.%Y %H:%M" if float(value) % 1 else "%d.%m.%Y")
