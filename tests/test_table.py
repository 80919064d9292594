"""read_table: headers found however admins left them, cells typed the way they are really typed."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from sheets_plan.sheets.values import Grid, serial
from sheets_plan.core.cells import parse_date
from sheets_plan.core.table import HeaderError, read_table
from .constants import TEMPLATE as T

AS_OF = dt.date(2026, 3, 20)
PLAN = T.tab("plan")
ACCOUNT = T.tab("account")


def header(tab=PLAN, locale="ru") -> list[str]:
    return [c.label(locale) for c in tab.columns]


def grid(rows: list[dict], tab=PLAN, locale="ru", head: list | None = None) -> Grid:
    """A Grid whose data rows are given as {column key: cell}; other cells blank."""
    head = head or header(tab, locale)
    keys = {c.label(loc): c.key for c in tab.columns for loc in ("ru", "en")}
    values = [head]
    for row in rows:
        values.append([row.get(keys.get(h)) if h in keys else None for h in head])
    return Grid(tab.title(locale), values)


def read(rows, tab=PLAN, admins=(), **kw):
    return read_table(tab, grid(rows, tab, **kw), as_of=AS_OF, admins=admins)


def column(rows_values: list, key: str, tab=PLAN, admins=()):
    """Read one column's cells (one per row, with a topic so every row is kept)."""
    t = read([{key: v, "topic": "t"} for v in rows_values], tab, admins)
    return t.frame[key].tolist(), t.invalid[key].tolist(), t.blank[key].tolist()


# ------------------------------------------------------------------ headers

class TestHeaders:
    def test_russian_headers_in_template_order(self):
        t = read([{"date": serial(AS_OF), "topic": "x"}])
        assert t.positions == {c.key: i for i, c in enumerate(PLAN.columns)}
        assert list(t.frame.columns) == [c.key for c in PLAN.columns]

    def test_english_headers(self):
        t = read([{"topic": "x"}], locale="en")
        assert t.frame.loc[2, "topic"] == "x"

    def test_reordered_with_extra_columns_case_and_spaces(self):
        head = header()
        head.reverse()
        head.insert(3, "Заметки")  # an admin's own column
        head.insert(0, None)
        head[5] = "  " + head[5].upper().replace(" ", "   ") + " "
        t = read([{"topic": "x", "status": "идея", "likes": 5}], head=head)
        assert t.positions["topic"] == head.index(PLAN.column("topic").label("ru"))
        assert t.frame.loc[2, ["topic", "status", "likes"]].tolist() == ["x", "idea", 5.0]

    def test_mixed_locales(self):
        head = header()
        head[0] = "date"
        t = read([{"date": serial(AS_OF)}], head=head)
        assert t.positions["date"] == 0

    @pytest.mark.parametrize("key", ["status", "week"])  # input and computed columns both matter
    def test_missing_header_names_tab_and_label(self, key):
        head = [h for h in header() if h != PLAN.column(key).label("ru")]
        with pytest.raises(HeaderError) as e:
            read_table(PLAN, Grid("Контент-план", [head]), as_of=AS_OF)
        label = PLAN.column(key).label("ru")
        assert str(e.value) == f"tab “Контент-план”: no column “{label}” (renamed or deleted?)"
        assert isinstance(e.value, ValueError)

    def test_missing_header_in_english_sheet_speaks_english(self):
        head = [h for h in header(locale="en") if h != "Status"]
        with pytest.raises(HeaderError, match="no column “Status”"):
            read_table(PLAN, Grid("Plan", [head]), as_of=AS_OF)

    def test_empty_tab(self):
        with pytest.raises(HeaderError):
            read_table(PLAN, Grid("Контент-план", []), as_of=AS_OF)


# ------------------------------------------------------------------ rows

class TestRows:
    def test_empty_rows_dropped_and_index_is_sheet_row(self):
        g = grid([{"topic": "a"}, {}, {"topic": "  ", "caption": "\u00a0"}, {"topic": "b"}])
        g.values.append([])  # a short row
        g.values.append([None] * 3)
        t = read_table(PLAN, g, as_of=AS_OF)
        assert t.frame.index.tolist() == [2, 5]
        assert t.frame["topic"].tolist() == ["a", "b"]
        for part in (t.blank, t.invalid, t.raw):
            assert part.index.tolist() == [2, 5]

    def test_computed_columns_do_not_keep_a_row(self):
        t = read([{"topic": "a"}, {"week": 46000, "interactions": 0}])
        assert t.frame.index.tolist() == [2]

    def test_short_rows_padded(self):
        g = Grid("P", [header(), [serial(AS_OF)]])
        t = read_table(PLAN, g, as_of=AS_OF)
        assert t.blank.loc[2].sum() == len(PLAN.columns) - 1
        assert t.frame.loc[2, "topic"] is None

    def test_shapes_and_dtypes(self):
        t = read([{"date": serial(AS_OF), "topic": " x ", "likes": 3, "status": "идея"}])
        assert t.frame.shape == t.blank.shape == t.invalid.shape == t.raw.shape
        assert t.frame["date"].dtype == "datetime64[ns]"
        assert t.frame["week"].dtype == "datetime64[ns]"
        assert t.frame["likes"].dtype == "float64"
        assert t.frame["err"].dtype == "float64"
        assert t.frame.loc[2, "topic"] == "x"
        assert t.raw.loc[2, "topic"] == " x "
        assert t.blank.dtypes.eq(bool).all() and t.invalid.dtypes.eq(bool).all()

    def test_text_blank_is_none(self):
        values, invalid, blank = column(["", "   ", "\u00a0", None, " ok "], "caption")
        assert values == [None, None, None, None, "ok"]
        assert blank == [True, True, True, True, False]
        assert not any(invalid)

    def test_formulas(self):
        g = grid([{"topic": "a"}, {"topic": "b"}, {"topic": "c"}])
        g.formulas = [[None] * len(PLAN.columns) for _ in g.values]
        week = PLAN.index("week")
        g.formulas[1][week] = "=IF(A2,1,2)"
        g.formulas[2][week] = ""
        t = read_table(PLAN, g, as_of=AS_OF)
        assert list(t.formulas.columns) == ["week", "interactions", "err"]
        assert t.formulas["week"].tolist() == ["=IF(A2,1,2)", None, None]

    def test_no_formulas_read(self):
        assert read([{"topic": "a"}]).formulas is None


# ------------------------------------------------------------------ dates

class TestDates:
    @pytest.mark.parametrize("cell", [
        serial(dt.date(2026, 3, 12)),
        float(serial(dt.date(2026, 3, 12))) + 0.75,  # 18:00 that day
        "12.03.2026", "12.03.26", "12.03", "12/03/2026", "2026-03-12", " 12.03.2026 ",
        "12 марта 2026", "12 March 2026", "12.03.2026 10:00", "2026-03-12T10:00:00",
    ])
    def test_forms_of_one_day(self, cell):
        values, invalid, blank = column([cell], "date")
        assert values == [pd.Timestamp(2026, 3, 12)]
        assert invalid == [False] and blank == [False]

    @pytest.mark.parametrize("cell", ["garbage", "3", "march", "2026", "31.02.2026", "12.13.2026", True, -5, 7,
                                      10**7, "46093", "01.01.1999", serial(dt.date(1999, 12, 31)),
                                      serial(dt.date(2100, 1, 1))])
    def test_not_a_date(self, cell):
        values, invalid, blank = column([cell], "date")
        assert pd.isna(values[0]) and invalid == [True] and blank == [False]

    def test_blank(self):
        values, invalid, blank = column([None, "  "], "date")
        assert all(pd.isna(v) for v in values) and invalid == [False, False] and blank == [True, True]

    def test_range_edges(self):
        values, invalid, _ = column([serial(dt.date(2000, 1, 1)), "31.12.2099"], "date")
        assert values == [pd.Timestamp(2000, 1, 1), pd.Timestamp(2099, 12, 31)] and invalid == [False, False]

    def test_year_from_as_of(self):
        assert parse_date("1.2", dt.date(2031, 5, 5)) == pd.Timestamp(2031, 2, 1)

    def test_many_rows_few_texts(self):
        cells = ["12.03.2026", serial(dt.date(2026, 3, 1)), "x"] * 1000
        values, invalid, _ = column(cells, "date")
        assert values[:2] == [pd.Timestamp(2026, 3, 12), pd.Timestamp(2026, 3, 1)]
        assert sum(invalid) == 1000

    def test_account_week(self):
        t = read([{"week": "09.03.2026", "followers": "1 200"}], tab=ACCOUNT)
        assert t.frame.loc[2, "week"] == pd.Timestamp(2026, 3, 9)
        assert t.frame.loc[2, "followers"] == 1200.0


# ------------------------------------------------------------------ numbers

class TestNumbers:
    @pytest.mark.parametrize("cell, value", [
        (1520, 1520.0), (1520.0, 1520.0), ("1 520", 1520.0), ("1\u00a0520", 1520.0), ("1\u202f520", 1520.0),
        ("1\u2009520", 1520.0), ("15 ", 15.0), (0, 0.0), ("0", 0.0),
    ])
    def test_whole_numbers(self, cell, value):
        values, invalid, _ = column([cell], "likes")
        assert values == [value] and invalid == [False]

    @pytest.mark.parametrize("cell", ["3,5", 3.5, "-4", -4, "abc", True, False, "1 5 2 0 x", "inf", "nan"])
    def test_invalid_int(self, cell):
        values, invalid, blank = column([cell], "likes")
        assert np.isnan(values[0]) and invalid == [True] and blank == [False]

    def test_percent_may_be_fractional(self):
        t = read([{"topic": "t", "err": "3,5"}, {"topic": "t", "err": 2.25}, {"topic": "t", "err": "x"}])
        assert t.frame["err"].tolist()[:2] == [3.5, 2.25]
        assert t.invalid["err"].tolist() == [False, False, True]

    def test_blank_numbers(self):
        values, invalid, blank = column([None, "", " "], "likes")
        assert all(np.isnan(values)) and not any(invalid) and all(blank)


# ------------------------------------------------------------------ choices

class TestChoices:
    @pytest.mark.parametrize("cell, key", [
        ("опубликовано", "published"), ("Published", "published"), (" ОПУБЛИКОВАНО ", "published"),
        ("в работе", "in_progress"), ("In  Progress", "in_progress"), ("in_progress", "in_progress"),
        ("готово", "ready"),
    ])
    def test_status_any_locale_case_and_key(self, cell, key):
        values, invalid, _ = column([cell], "status")
        assert values == [key] and invalid == [False]

    def test_platform_and_format(self):
        t = read([{"platform": "instagram", "format": "Карусель"}, {"platform": "VK", "format": "video"}])
        assert t.frame["platform"].tolist() == ["Instagram", "VK"]
        assert t.frame["format"].tolist() == ["carousel", "video"]

    @pytest.mark.parametrize("cell", ["опубл.", "done", 5, True])
    def test_unknown_choice(self, cell):
        values, invalid, _ = column([cell], "status")
        assert values == [None] and invalid == [True]

    def test_admins(self):
        values, invalid, _ = column([" anna ", "Bob", "Zed", None], "responsible", admins=["Anna", "Bob"])
        assert values == ["Anna", "Bob", None, None]  # the admin's own spelling
        assert invalid == [False, False, True, False]

    def test_any_admin_when_none_listed(self):
        values, invalid, _ = column(["Zed ", "Ann"], "responsible")
        assert values == ["Zed", "Ann"] and invalid == [False, False]


def test_time_serial_shown_as_clock():
    values, invalid, _ = column([0.5, "10:30", 46093.25], "time")
    assert values == ["12:00", "10:30", "06:00"] and not any(invalid)
