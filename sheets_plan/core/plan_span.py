"""The plan's span: its dates, minus the probable typos.

A date typed with a wrong year (`09.03.2016` in a 2026 plan) is a valid
date, so the reader accepts it; left alone it would stretch every week
range the product builds from the plan's dates (the weekly Account rule
asked for a row for each of 521 weeks). Dates are split into runs wherever
two consecutive dates are more than GAP_DAYS apart; the run with the most
rows is the plan's span, and a small run away from it (a few rows) is a
probable typo. A project that paused for half a year keeps both runs when
the older one has more than a handful of rows. A date typed without a year
takes the year that puts it nearest the span (`years_of`).

Pure: no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

GAP_DAYS = 183
FEW_ROWS, FEW_SHARE = 3, 0.05  # a run this small (rows, or share of dated rows) away from the span is a typo


def typos(dates: pd.Series) -> pd.Series:
    """True where a date is a probable typo (far from the plan's other dates)."""
    out = pd.Series(False, index=dates.index)
    dated = dates.dropna()
    if dated.empty:
        return out
    days = dated.dt.normalize().to_numpy()
    unique = np.unique(days)
    run_of_unique = np.concatenate([[0], np.cumsum(np.diff(unique) > np.timedelta64(GAP_DAYS, "D"))])
    runs = run_of_unique[np.searchsorted(unique, days)]
    sizes = np.bincount(runs)
    main = len(sizes) - 1 - int(np.argmax(sizes[::-1]))  # the biggest run; of equals, the latest
    small = sizes <= max(FEW_ROWS, FEW_SHARE * len(days))
    out.loc[dated.index] = (runs != main) & small[runs]
    return out


def span(dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last plausible date, or None when there is none."""
    kept = dates[dates.notna() & ~typos(dates)]
    if kept.empty:
        return None
    return kept.min().normalize(), kept.max().normalize()


def years_of(values: pd.Series, yearless: pd.Series, as_of: dt.date) -> tuple[pd.Series, pd.Index]:
    """Dates typed without a year ("31/12") get the year that puts them nearest the column's dates
    that have one (the plan's span): 31/12 in a January–March plan is the December before. Where
    no dated row settles it (none, or the nearest year still three months off), the year nearest
    the as-of day, and the rows are returned as unsure."""
    values = values.copy()
    known = span(values.drop(yearless.index))
    unsure = []
    for row in yearless.index:
        day = values[row]
        options = [day.replace(year=y) for y in (as_of.year - 1, as_of.year, as_of.year + 1)
                   if not (day.month == 2 and day.day == 29 and not calendar.isleap(y))]
        if known is None:
            values[row] = min(options, key=lambda d: abs(d - pd.Timestamp(as_of)))
            unsure.append(row)
            continue
        off = {d: max(known[0] - d, d - known[1], pd.Timedelta(0)) for d in options}
        values[row] = min(off, key=lambda d: off[d])
        if off[values[row]] > pd.Timedelta(days=92):
            unsure.append(row)
    return values, pd.Index(unsure, dtype="int64")


# The dated column of each kind of table.
DATED = (("plan", "date"), ("account", "week"), ("leads", "first_contact"))


def project_span(template, tables: dict) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """First and last plausible date of every dated row of a project (plan, Account, register)."""
    spans = []
    for kind, column in DATED:
        tab = template.optional_tab(kind)
        table = tables.get(tab.key) if tab else None
        if table is not None and column in table.frame:
            found = span(table.frame[column])  # a year typo does not stretch it
            if found is not None:
                spans.append(found)
    if not spans:
        return None
    return min(s[0] for s in spans), max(s[1] for s in spans)


def first_week(template, tables: dict, as_of: dt.date) -> dt.date:
    """The Monday of the project's first plausible dated row (of as_of's week when it has none, or
    when that row is later): where the Weekly tab's weeks and What works' all time begin."""
    found = project_span(template, tables)
    first = as_of if found is None else min(found[0].date(), as_of)
    return first - dt.timedelta(days=first.weekday())


def far_from(template, tables: dict, day) -> dict | None:
    """When `day` is more than a year from every dated row (a typo in the day), the as_of_far
    message's fields ({as_of}, {span}); else None."""
    found = project_span(template, tables)
    year = pd.Timedelta(days=366)
    day = pd.Timestamp(day)
    if found is None or found[0] - year <= day <= found[1] + year:
        return None
    return {"as_of": f"{day:%d.%m.%Y}", "span": f"{found[0]:%d.%m.%Y} – {found[1]:%d.%m.%Y}"}
