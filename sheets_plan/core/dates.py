"""Days and weeks as the procedure counts them: ISO weeks, Monday to Sunday, in the template's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd


def now(time_zone: str) -> dt.datetime:
    """The wall-clock time in the time zone, to the minute (naive, as a sheet shows it)."""
    return dt.datetime.now(ZoneInfo(time_zone)).replace(tzinfo=None, second=0, microsecond=0)


def today(time_zone: str) -> dt.date:
    return now(time_zone).date()


def monday(value) -> dt.date:
    """The Monday on or before a date (the ISO week's start)."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        value = value.date()
    return value - dt.timedelta(days=value.weekday())


def mondays(dates: pd.Series) -> pd.Series:
    """Each date's Monday, vectorized (datetime64; NaT where a cell holds no date)."""
    d = pd.to_datetime(dates, errors="coerce").astype("datetime64[ns]").dt.normalize()
    return d - pd.to_timedelta(d.dt.day_of_week, unit="D")


def weeks_from(first: dt.date, last: dt.date) -> list[dt.date]:
    """The Mondays of the weeks from `first`'s to `last`'s, both included."""
    start, end = monday(first), monday(last)
    return [start + dt.timedelta(weeks=i) for i in range((end - start).days // 7 + 1)]
