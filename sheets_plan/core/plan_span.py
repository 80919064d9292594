"""The plan's span: its dates, minus the probable typos.

A date typed with a wrong year (`09.03.2016` in a 2026 plan) is a valid
date, so the reader accepts it; left alone it would stretch every week
range the product builds from the plan's dates (the weekly Account rule
asked for a row for each of 521 weeks). Dates are split into runs wherever
two consecutive dates are more than GAP_DAYS apart; the run with the most
rows is the plan's span, and a small run away from it (a few rows) is a
probable typo. A project that paused for half a year keeps both runs when
the older one has more than a handful of rows.

Pure: no I/O.
"""

from __future__ import annotations

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
