"""Reading a tab the way admins really fill it.

A `Grid` holds raw cells (numbers, strings, booleans, None). `read_table`
finds the template's columns by their header labels, drops empty rows and
types every column, keeping three views side by side: the typed `frame`,
the `blank` and `invalid` masks, and the `raw` cells for messages.

Everything here is vectorized over columns; the only per-value Python work
is on *unique* texts (date strings, odd numbers), which are few in practice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from sheets_plan.sheets.values import Grid
from .cells import Cells, Lists, norm, typed
from .template import ADMINS, LOCALES, RUBRICS, Column, Tab


class HeaderError(ValueError):
    """A template column has no header in the tab (renamed or deleted by hand)."""

    def __init__(self, title: str, label: str, key: str = ""):
        super().__init__(f"tab “{title}”: no column “{label}” (renamed or deleted?)")
        self.title, self.label, self.key = title, label, key


@dataclass
class Table:
    tab: Tab
    frame: pd.DataFrame
    blank: pd.DataFrame
    invalid: pd.DataFrame
    raw: pd.DataFrame
    positions: dict[str, int]
    formulas: pd.DataFrame | None
    cells: dict[str, Cells] = field(default_factory=dict, repr=False)  # kept rows split by kind, per column
    # rows that repeat the header (pasted again in the middle): not read as data, one flag each
    header_rows: pd.Index = field(default_factory=lambda: pd.Index([], dtype="int64"))
    # rows pasted one column to the right: not read as data either, one flag each
    shifted_rows: pd.Index = field(default_factory=lambda: pd.Index([], dtype="int64"))




def read_table(tab: Tab, grid: Grid, *, as_of: dt.date, admins: Sequence[str] | Mapping[str, str] = (),
               rubrics: Sequence[str] = ()) -> Table:
    """The tab as read; `admins` and `rubrics`: the project's lists (the Lists tab), which the
    choice columns offering them are read against."""
    lists = {ADMINS: admins, RUBRICS: rubrics}
    tab = _free_text(tab, lists)
    header = grid.values[0] if grid.values else []
    positions = find_columns(tab, grid.title, header)
    width = max([len(header), *(p + 1 for p in positions.values())])
    index = pd.RangeIndex(2, len(grid.values) + 1)
    raw = _frame(_linked(tab, grid, positions)[1:], width, positions, index, [c.key for c in tab.columns])
    cells = {c.key: Cells(raw[c.key]) for c in tab.columns}
    blank = pd.DataFrame({k: v.blank for k, v in cells.items()}, index=index)
    # Admins leave empty rows between filled ones: an empty row is not a
    # post, so it is not read at all (computed columns do not count: their
    # formulas run down the whole buffer).
    keep = ~blank[[c.key for c in tab.input_columns]].all(axis=1).to_numpy()
    headers = _header_rows(tab, cells, keep)
    keep &= ~index.isin(headers)
    shifted = _shifted_rows(tab, raw, positions, keep, as_of, lists)
    keep &= ~index.isin(shifted)
    kept_raw = raw[keep]
    kept = {key: column.subset(keep, kept_raw[key]) for key, column in cells.items()}  # raw held once
    read = {c.key: typed(c, kept[c.key], as_of, lists) for c in tab.columns}
    frame = pd.DataFrame({k: v[0] for k, v in read.items()})
    invalid = pd.DataFrame({k: v[1] for k, v in read.items()}, index=frame.index)
    formulas = _formulas(tab, grid, width, positions, index)
    return Table(tab, frame, blank[keep], invalid, kept_raw, positions,
                 None if formulas is None else formulas[keep], kept, headers, shifted)


def _free_text(tab: Tab, lists: Lists) -> Tab:
    """The tab with a column that offers an empty list of rubrics read as text: the team keeps no
    such list, so any value goes and none is "spelled otherwise". (The Responsible column stays the
    admins' with none listed: it still says whose each row is.)"""
    columns = tuple(replace(c, type="text", choices=None) if c.project_list == RUBRICS and not lists.get(RUBRICS)
                    else c for c in tab.columns)
    return tab if columns == tab.columns else replace(tab, columns=columns)


_TYPED = ("date", "int", "percent", "choice", "time")  # the columns whose cells can be wrong by type


def _shifted_rows(tab: Tab, raw: pd.DataFrame, positions: dict[str, int], keep: np.ndarray, as_of,
                  lists: Lists) -> pd.Index:
    """Rows pasted one column to the right: the first column empty, and at least three typed cells
    that are wrong where they stand and right one column to the left (a date under Platform, the
    platform under Responsible...). One slip, not a wrong cell in every column."""
    inputs = sorted(tab.input_columns, key=lambda c: positions.get(c.key, 1 << 30))
    if not inputs or inputs[0].key not in positions:
        return pd.Index([], dtype="int64")
    rows = raw.index[keep & Cells(raw[inputs[0].key]).blank.to_numpy()]
    if not len(rows):
        return pd.Index([], dtype="int64")
    by_position = {p: k for k, p in positions.items()}
    here = there = pd.Series(0, index=rows)
    for column in (c for c in inputs if c.type in _TYPED and c.key in positions):
        right = by_position.get(positions[column.key] + 1)
        here = here + _valid(column, raw.loc[rows, column.key], as_of, lists)
        if right is not None:
            there = there + _valid(column, raw.loc[rows, right], as_of, lists)
    return rows[((there >= 3) & (there >= here + 2)).to_numpy()]


def _valid(column: Column, values: pd.Series, as_of, lists: Lists) -> pd.Series:
    cells = Cells(values)
    _, invalid = typed(column, cells, as_of, lists)
    return (~cells.blank & ~invalid).astype(int)


def _header_rows(tab: Tab, cells: dict[str, Cells], keep: np.ndarray) -> pd.Index:
    """Rows whose input cells are mostly the columns' own headers (in any locale), three at least:
    the header pasted again. Each is one slip, not a dozen wrong cells."""
    hits = filled = 0
    for c in tab.input_columns:
        labels = {norm(label) for label in c.labels.values()}
        text, longest = cells[c.key].text, max(map(len, labels)) + 4
        # compared per distinct text, and only texts as short as a header (captions, links are not)
        hits = hits + text.isin([t for t in text.dropna().unique() if len(t) <= longest and norm(t) in labels])
        filled = filled + ~cells[c.key].blank
    if not isinstance(hits, pd.Series):
        return pd.Index([], dtype="int64")
    return hits.index[keep & (hits >= 3).to_numpy() & (hits * 2 >= filled).to_numpy()]


# ------------------------------------------------------------------ headers



def find_columns(tab: Tab, title: str, header: Sequence) -> dict[str, int]:
    """Column key -> 0-based position of its header, in whatever order admins left them."""
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h is not None:
            seen.setdefault(norm(h), i)
    locale = _header_locale(tab, seen)
    positions = {}
    for c in tab.columns:
        found = [seen[norm(c.labels[loc])] for loc in (locale, *LOCALES) if norm(c.labels[loc]) in seen]
        if not found:
            raise HeaderError(title, c.labels[locale], c.key)
        positions[c.key] = found[0]
    return positions


def _header_locale(tab: Tab, seen: dict[str, int]) -> str:
    """The locale most headers are written in (for messages about the others)."""
    score = {loc: sum(norm(c.labels[loc]) in seen for c in tab.columns) for loc in LOCALES}
    return max(LOCALES, key=lambda loc: score[loc])  # ties: the first locale


# ------------------------------------------------------------------ raw cells

def _linked(tab: Tab, grid: Grid, positions: dict[str, int]) -> list[list]:
    """The rows, with a link cell that shows text ("ссылка") but carries a
    hyperlink read as that hyperlink's address: the link is what a reader clicks."""
    url_columns = {positions[c.key] for c in tab.columns if c.type == "url"}
    links = {rc: u for rc, u in (grid.links or {}).items() if rc[1] in url_columns and rc[0] >= 1}
    if not links:
        return grid.values
    rows = list(grid.values)
    for (r, c), url in links.items():
        if r >= len(rows):
            continue
        row = rows[r] = list(rows[r]) + [None] * max(0, c + 1 - len(rows[r]))
        shown = row[c]
        if not (isinstance(shown, str) and shown.strip().lower().startswith(("http://", "https://"))):
            row[c] = url
    return rows


def _frame(rows: list[list], width: int, positions: dict[str, int], index, keys) -> pd.DataFrame:
    # Sheets omits trailing blanks, so rows come ragged: pad, then pick columns.
    pad = [None] * width
    padded = [r if len(r) == width else r[:width] if len(r) > width else r + pad[len(r):] for r in rows]
    grid = np.empty((len(rows), width), dtype=object)
    if rows:
        grid[:] = padded
    return pd.DataFrame({k: grid[:, positions[k]] for k in keys}, index=index, dtype=object)


def _formulas(tab: Tab, grid: Grid, width: int, positions, index) -> pd.DataFrame | None:
    """The computed columns' formulas (text, None where a cell holds none), picked column by
    column: most rows hold none (rows typed below the provisioned ones), no grid is padded."""
    if grid.formulas is None:
        return None
    rows = grid.formulas[1:len(grid.values)]
    out = {}
    for key in [c.key for c in tab.columns if c.computed]:
        p = positions[key]
        column = [row[p] if len(row) > p else None for row in rows] + [None] * (len(index) - len(rows))
        out[key] = [f.strip() or None if isinstance(f, str) else None for f in column]
    return pd.DataFrame(out, index=index, dtype=object)

