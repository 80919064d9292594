"""sheets_plan.summary: the Weekly tab requests, checked against the API schema and a real engine.

The last tests are the ones that prove the formulas: the generated cells go
into an xlsx file together with Plan and Account sheets of sample data,
LibreOffice (headless) recalculates it, and every computed figure is
compared with ``metrics.weekly_figures`` on the same data.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import random
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sheets_plan.tabs import weekly_tab
from sheets_plan.core import metrics
from sheets_plan.core.dates import monday
from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import from_serial
from sheets_plan.core.template_load import load
from sheets_plan_emulators.google.discovery import validate_request

BATCH_URL = "https://sheets.googleapis.com/v4/spreadsheets/abc:batchUpdate"
D = dt.date
WEEKS = [D(2025, 12, 1) + dt.timedelta(weeks=k) for k in range(10)]  # 2025-12-29 is ISO week 1 of 2026
PLATFORMS = ["Instagram", "VK", "Telegram", "TikTok"]  # TikTok: no posts at all
ADMINS = ["Анна", "Анна*", "Борис", "О'Нил", ">Вика", "Никто"]  # wildcard, apostrophe, operator, no posts


@pytest.fixture(scope="module")
def template():
    return load()


def build(template, locale="ru", **kw):
    args = {"sheet_id": 42, "weeks": WEEKS, "platforms": PLATFORMS, "admins": ADMINS, **kw}
    args.setdefault("plan_title", template.tab_of_kind("plan").titles.get(locale[:2], "Plan"))
    args.setdefault("account_title", template.tab_of_kind("account").titles.get(locale[:2], "Account"))
    return weekly_tab.build_weekly(template, locale, weekly_tab.WeeklyInputs(**args))


@pytest.fixture(scope="module")
def layout(template):
    return build(template)


def all_formulas(requests) -> list[str]:
    out = []

    def walk(v, key=None):
        if isinstance(v, dict):
            for k, x in v.items():
                walk(x, k)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif key == "formulaValue":
            out.append(v)

    walk(requests)
    return out


def content_rows(requests, sheet_id: int = 42) -> list[dict]:
    """The tab's rows as the requests leave them (repeated formulas moved row by row), applied by
    the model the emulator and the LocalBackend share: {"values": [CellData, ...]} per row."""
    from sheets_plan.model import Spreadsheet

    book = Spreadsheet("s1", "t")
    book.batch_update([{"addSheet": {"properties": {"sheetId": sheet_id, "title": "W"}}}])
    book.batch_update([r for r in requests if "deleteEmbeddedObject" not in r])
    sheet = book.sheet(sheet_id)
    rows = []
    for r in range(max(sheet.cells, default=-1) + 1):
        row = sheet.cells.get(r, {})
        values = []
        for c in range(max(row, default=-1) + 1):
            cell = row.get(c)
            data = {}
            if cell is not None and cell.entered():
                data["userEnteredValue"] = cell.entered()
            if cell is not None and cell.fmt:
                data["userEnteredFormat"] = cell.fmt
            values.append(data)
        rows.append({"values": values} if values else {})
    return rows


# ------------------------------------------------------------------ structure

@pytest.mark.slow
def test_formulas_use_only_shared_functions_in_internal_form(layout):
    formulas = all_formulas(layout.requests) + [c["userEnteredValue"]["formulaValue"] for row in
                                                content_rows(layout.requests) for c in row.get("values", [])
                                                if "formulaValue" in c.get("userEnteredValue", {})]
    assert len(formulas) > 500
    used = set()
    for f in formulas:
        assert f.startswith("=")
        names = formula.functions(f)
        assert names <= formula.SHARED_FUNCTIONS, names - formula.SHARED_FUNCTIONS
        used |= names
        assert ";" not in "".join(v for k, v in formula.tokens(f) if k != "string")
        formula.render(f, "ru_RU")  # raises on decimal literals
        xlsx = formula.to_xlsx(f)
        for kind, value in formula.tokens(xlsx):
            if kind == "func":
                name = value.removeprefix("_xlfn.")
                assert value.startswith("_xlfn.") == (name in formula.XLFN_FUNCTIONS), value
        assert formula.from_xlsx(xlsx) == f
    assert {"ISOWEEKNUM", "COUNTIFS", "SUMIFS", "SUMPRODUCT", "INDEX"} <= used
    assert "_xlfn.ISOWEEKNUM(" in formula.to_xlsx("=ISOWEEKNUM($A3)")


def test_requests_match_the_discovery_schema(template, layout):
    validate_request("POST", BATCH_URL, {"requests": layout.requests})
    en = build(template, "en", existing_chart_ids=[7, 8], rows_before=2000)
    validate_request("POST", BATCH_URL, {"requests": en.requests})
    validate_request("POST", BATCH_URL, {"requests": formula.render_requests(layout.requests, "ru_RU")})


def test_the_schema_check_is_strict(layout):
    bad = copy.deepcopy(layout.requests)
    bad[-1]["updateSheetProperties"]["properties"]["gridProperties"]["frozenRowCont"] = 2
    with pytest.raises(Exception, match="frozenRowCont"):
        validate_request("POST", BATCH_URL, {"requests": bad})


def test_repeated_formulas_cover_every_row_after_a_block_s_first(layout):
    """A formula is written cell by cell only in a block's first row, where it computes the
    previous week inline; every other is part of one repeatCell per column and block."""
    written = content_rows([r for r in layout.requests if "repeatCell" not in r])
    direct = 0
    for (group, week, key), (r, c) in layout.cells.items():
        cell = written[r].get("values", [])[c] if c < len(written[r].get("values", [])) else {}
        if "formulaValue" in cell.get("userEnteredValue", {}):
            direct += 1
            assert week == WEEKS[0], (group, week, key)
    assert 0 < direct < len(layout.cells) / 10


@pytest.mark.parametrize("locale, admins, limit", [("ru", 5, 1_000_000), ("ru", 10, 2_000_000),
                                                   ("en", 5, 1_000_000), ("en", 10, 2_000_000)])
def test_the_weekly_body_fits_google_s_recommended_size(template, locale, admins, limit):
    """26 weeks × 6 platforms × N admins, as the GoogleBackend sends it (rendered, UTF-8 JSON)."""
    from sheets_plan.backends.google import request_body

    weeks = [D(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(26)]
    out = build(template, locale, weeks=weeks, platforms=["Instagram", "VK", "Telegram", "TikTok", "YouTube",
                                                          "Facebook"], admins=[f"Админ {i}" for i in range(admins)])
    body = request_body(formula.render_requests(out.requests, "ru_RU" if locale == "ru" else "en_US"))
    assert len(body) <= limit
    assert len(out.cells) == 26 * (len(metrics.figure_keys()) * (1 + 6) + admins * len(metrics.figure_keys(False)))


def test_idempotent(template, layout):
    again = build(template)
    assert json.dumps(again.requests, sort_keys=True) == json.dumps(layout.requests, sort_keys=True)
    assert again.cells == layout.cells
    # a re-run deletes the charts the first run made and adds them back with the same ids
    rerun = build(template, existing_chart_ids=list(layout.chart_ids))
    assert [list(r)[0] for r in rerun.requests[:2]] == ["deleteEmbeddedObject"] * 2
    assert rerun.requests[2:] == layout.requests


def test_order_clear_resize_write_charts_freeze(layout):
    kinds = [list(r)[0] for r in layout.requests]
    widths = len(layout.columns) + 3 + 1  # one per column, then the helpers hidden
    repeats = len(kinds) - 6 - widths
    assert kinds == ["updateCells", "updateSheetProperties", "updateCells", *["repeatCell"] * repeats,
                     *["updateDimensionProperties"] * widths, "addChart", "addChart", "updateSheetProperties"]
    assert repeats > len(layout.columns)  # the repeated formulas, then one number format per column
    clear = layout.requests[0]["updateCells"]
    assert clear == {"range": {"sheetId": 42}, "fields": "userEnteredValue,userEnteredFormat,note"}
    freeze = layout.requests[-1]["updateSheetProperties"]
    assert freeze == {"properties": {"sheetId": 42, "gridProperties": {"frozenRowCount": 2}},
                      "fields": "gridProperties.frozenRowCount"}
    size = layout.requests[1]["updateSheetProperties"]["properties"]["gridProperties"]
    rows = content_rows(layout.requests)
    assert size["rowCount"] >= len(rows) and size["columnCount"] >= max(len(r.get("values", [])) for r in rows)


def test_grid_keeps_the_rows_it_had(template):
    big = build(template, rows_before=5000).requests[1]["updateSheetProperties"]["properties"]
    assert big["gridProperties"]["rowCount"] == 5000


def test_charts(layout):
    charts = [r["addChart"]["chart"] for r in layout.requests if "addChart" in r]
    assert [c["chartId"] for c in charts] == list(layout.chart_ids) == list(weekly_tab.chart_ids(42))
    assert len(set(weekly_tab.chart_ids(42)) | set(weekly_tab.chart_ids(43))) == 4
    assert all(0 < i < 2**31 for i in weekly_tab.chart_ids(2**31 - 1))
    cols = layout.columns
    n = len(WEEKS)
    for chart, keys in zip(charts, (["reach", "interactions"], ["err"])):
        basic = chart["spec"]["basicChart"]
        (domain,) = basic["domains"]
        assert domain["domain"]["sourceRange"]["sources"] == [
            {"sheetId": 42, "startRowIndex": 1, "endRowIndex": 2 + n, "startColumnIndex": 0, "endColumnIndex": 1}]
        got = [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in basic["series"]]
        assert got == [cols[k] for k in keys]
        assert basic["headerCount"] == 1
        anchor = chart["position"]["overlayPosition"]["anchorCell"]
        # where people see them: under the main block (in rows kept blank), from column D
        assert anchor["sheetId"] == 42 and anchor["rowIndex"] == 2 + n + 1 and 3 <= anchor["columnIndex"] < 14
    anchors = [c["position"]["overlayPosition"]["anchorCell"]["columnIndex"] for c in charts]
    assert anchors[0] == 3 and anchors[1] > anchors[0]  # side by side
    first_section = min(r for (group, _, _), (r, _) in layout.cells.items() if group is not None)
    assert first_section > 2 + n + weekly_tab.CHART_ROWS  # the charts cover no figure


def test_layout_rows_and_cells(layout):
    rows = content_rows(layout.requests)
    # main block: rows 2..2+n, week serials in column A, ISO week formula in B
    for i, week in enumerate(WEEKS):
        values = rows[2 + i]["values"]
        assert from_serial(values[0]["userEnteredValue"]["numberValue"]) == week
        assert values[0]["userEnteredFormat"]["numberFormat"] == {"type": "DATE", "pattern": "dd.mm.yyyy"}
        assert values[1]["userEnteredValue"]["formulaValue"] == f"=ISOWEEKNUM($A{3 + i})"
        assert layout.cells[(None, week, "posts")] == (2 + i, layout.columns["posts"])
    keys = metrics.figure_keys()
    admin_keys = metrics.figure_keys(account=False)
    expected = len(WEEKS) * (len(keys) * (1 + len(PLATFORMS)) + len(ADMINS) * len(admin_keys))
    assert len(layout.cells) == expected
    # every mapped cell holds a formula, with a number format
    for (group, week, key), (r, c) in layout.cells.items():
        cell = rows[r]["values"][c]
        assert "formulaValue" in cell["userEnteredValue"]
        assert cell["userEnteredFormat"]["numberFormat"]["type"] == "NUMBER"
        assert from_serial(rows[r]["values"][0]["userEnteredValue"]["numberValue"]) == week
        slice_text = rows[r]["values"][2]["userEnteredValue"]["stringValue"]
        assert slice_text == ("Все публикации" if group is None else group[1])
    # the rows per admin leave the account columns empty; a platform's rows have its own
    (r, _) = layout.cells[(("responsible", "Борис"), WEEKS[0], "posts")]
    assert "userEnteredValue" not in rows[r]["values"][layout.columns["followers"]]
    assert (("platform", "VK"), WEEKS[0], "followers") in layout.cells


def test_labels_and_status_follow_the_locale(template, layout):
    ru_header = [v["userEnteredValue"]["stringValue"] for v in content_rows(layout.requests)[1]["values"]]
    assert ru_header[:3] == ["Неделя (пн)", "№ недели ISO", "Срез"]
    assert "Охват" in ru_header and "ER по охвату, %" in ru_header
    # every count of posts is of published ones (a last known figure counts Account rows, MAXIFS beside)
    assert all('"опубликовано"' in f for f in all_formulas(layout.requests) if "COUNTIFS" in f and "MAXIFS" not in f)
    en = build(template, "en_US")
    en_header = [v["userEnteredValue"]["stringValue"] for v in content_rows(en.requests)[1]["values"]]
    assert "Reach" in en_header and "ERR, %" in en_header
    assert all('"published"' in f for f in all_formulas(en.requests) if "COUNTIFS" in f and "MAXIFS" not in f)
    assert any("'Plan'!$" in f for f in all_formulas(en.requests))
    with pytest.raises(ValueError):
        build(template, "de_DE")


def test_column_letters_follow_the_template(template, layout):
    plan = template.tab_of_kind("plan")
    reach = col_letter(plan.index("reach"))
    status = col_letter(plan.index("status"))
    f = layout_formula(layout, None, WEEKS[0], "reach")
    assert f.startswith(f"=SUMIFS('Контент-план'!${reach}:${reach},'Контент-план'!${status}:${status},")
    account = template.tab_of_kind("account")
    followers, platform = col_letter(account.index("followers")), col_letter(account.index("platform"))
    r, _ = layout.cells[(("platform", "VK"), WEEKS[0], "posts")]
    vk = content_rows(layout.requests)[r]["values"][layout.columns["account_row"]]["userEnteredValue"]["formulaValue"]
    assert f"('Аккаунт'!${platform}$1:${platform}$5000=$C" in vk  # that platform's rows only
    assert f"INDEX('Аккаунт'!${followers}:${followers}," in layout_formula(layout, ("platform", "VK"), WEEKS[0],
                                                                            "followers")
    # the project's followers: the platforms' last known figures of the same week (hidden cells), added
    known = layout.columns["followers_known"]
    cells = [f"${col_letter(known)}{layout.cells[(('platform', p), WEEKS[0], 'posts')][0] + 1}" for p in PLATFORMS]
    own = f"${col_letter(layout.columns['followers'])}{layout.cells[(('platform', 'VK'), WEEKS[0], 'posts')][0] + 1}"
    row = layout.cells[(("platform", "VK"), WEEKS[0], "posts")][0]
    carried = content_rows(layout.requests)[row]["values"][known]["userEnteredValue"]["formulaValue"]
    assert carried.startswith(f"=IF(ISNUMBER({own}),{own},IF(COUNTIFS(") and "MAXIFS(" in carried
    assert layout_formula(layout, None, WEEKS[0], "followers") == (
        f'=IF(COUNT({",".join(cells)})=0,"",{"+".join(f"N({c})" for c in cells)})')


def layout_formula(layout, group, week, key) -> str:
    r, c = layout.cells[(group, week, key)]
    return content_rows(layout.requests)[r]["values"][c]["userEnteredValue"]["formulaValue"]


def test_empty_denominators_are_guarded(layout):
    for key in ("err", "erview", "posts_wow", "reach_wow"):
        assert '=0,"",' in layout_formula(layout, None, WEEKS[3], key)
    assert '<>0),' in layout_formula(layout, None, WEEKS[3], "lead_rate")
    assert all("IFERROR" not in f for f in all_formulas(layout.requests))


def test_group_names_never_become_formula_text(template):
    evil = 'x"),HYPERLINK("http://evil.example","y'
    out = build(template, platforms=["VK"], admins=[evil, "=1+1"])
    for f in all_formulas(out.requests):
        assert "evil" not in f and "1+1" not in f
    texts = [v["userEnteredValue"]["stringValue"] for row in content_rows(out.requests)
             for v in row.get("values", []) if "stringValue" in v.get("userEnteredValue", {})]
    assert evil in texts and "=1+1" in texts
    assert metrics.name_criterion("$C9", "Борис") == "$C9"
    assert metrics.name_criterion("$C9", "Анна*") == (
        '"="&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE($C9,"~","~~"),"*","~*"),"?","~?")')
    assert metrics.name_criterion("$C9", "<>x").startswith('"="&')


def test_no_shared_dicts_between_cells(layout):
    """Backends may edit request dicts in place: no two cells share a dict."""
    seen: dict[int, object] = {}

    def walk(v):
        if isinstance(v, dict):
            assert id(v) not in seen, v
            seen[id(v)] = v
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    walk(layout.requests)


def test_local_model_applies_the_requests_twice(template):
    """The in-memory model (LocalBackend) takes the requests: fresh tab, then a rebuild."""
    from sheets_plan.model import Spreadsheet

    book = Spreadsheet("s1", "t", locale="ru_RU")
    book.batch_update([{"addSheet": {"properties": {"sheetId": 42, "title": "Статистика по неделям"}}}])
    first = build(template)
    book.batch_update(first.requests)
    sheet = book.sheet(42)
    assert sheet.properties["gridProperties"]["frozenRowCount"] == 2
    assert sorted(c["chartId"] for c in sheet.charts) == sorted(first.chart_ids)
    rows = sheet.properties["gridProperties"]["rowCount"]
    again = build(template, existing_chart_ids=[c["chartId"] for c in sheet.charts], rows_before=rows)
    book.batch_update(again.requests)
    assert len(sheet.charts) == 2 and sheet.properties["gridProperties"]["rowCount"] == rows


def test_empty_inputs(template):
    out = build(template, weeks=[], platforms=[], admins=["", "  "])
    validate_request("POST", BATCH_URL, {"requests": out.requests})
    assert out.cells == {}
    rows = content_rows(out.requests)
    filled = [i for i, r in enumerate(rows) if any("userEnteredValue" in v for v in r.get("values", []))]
    legend = 1 + len(metrics.figure_keys())  # "How the figures are computed" and a row per figure
    assert filled[:2] == [0, 1] and len(filled) == 2 + legend  # title and header, then only the legend
    assert sum("addChart" in r for r in out.requests) == 2


# ------------------------------------------------------------------ the real engine

STATUS_WEIGHTS = {"idea": 1, "in_progress": 1, "ready": 1, "published": 6}
NUMBERS = ["likes", "comments", "saves", "shares", "reach", "views"]
ACCOUNT_NUMBERS = ["followers", "dialogs", "warm_leads", "applications"]


@dataclass
class Scenario:
    name: str
    locale: str
    plan_title: str
    account_title: str
    plan_rows: dict[int, dict]  # sheet row index (0-based, header = 0) -> values by column key
    account_rows: dict[int, dict]
    weeks: list[dt.date]


def _plan_rows(rng: random.Random) -> dict[int, dict]:
    rows: dict[int, dict] = {}
    start, end = WEEKS[0] - dt.timedelta(days=9), WEEKS[-1] + dt.timedelta(days=12)
    statuses = list(STATUS_WEIGHTS)
    index = 1
    for i in range(220):
        index = i + 1 if i < 200 else 1000 + i  # the last rows far below: rows admins add later
        row = {
            "date": None if rng.random() < 0.04 else start + dt.timedelta(days=rng.randrange((end - start).days)),
            "platform": rng.choice(PLATFORMS[:3]) if rng.random() > 0.03 else None,
            "responsible": rng.choice(ADMINS[:5]),
            "status": rng.choices(statuses, weights=STATUS_WEIGHTS.values())[0],
            "format": "post", "topic": f"topic {i}",
        }
        for key in NUMBERS:
            blank = {"reach": 0.3, "views": 0.25}.get(key, 0.12)
            row[key] = None if rng.random() < blank else rng.randrange(0, 3000 if key in ("reach", "views") else 200)
        if i % 37 == 0:
            row["reach"] = 0  # filled with zero
        rows[index] = row
    # a whole week where no post has reach or views, and one week without published posts
    for r in rows.values():
        if r["date"] and WEEKS[2] <= r["date"] < WEEKS[2] + dt.timedelta(days=7):
            r["reach"] = r["views"] = None
        if r["date"] and WEEKS[5] <= r["date"] < WEEKS[5] + dt.timedelta(days=7):
            r["status"] = "ready"
    return rows


def _account_rows(rng: random.Random) -> dict[int, dict]:
    """A row per week and platform: Instagram with every oddity, VK missing one week (its own
    only) and typed in other letter case once, Telegram starting mid-plan; TikTok has none."""
    rows: dict[int, dict] = {}
    index = 1
    followers = {"Instagram": 5000, "VK": 1200, "Telegram": 300}
    for k, week in enumerate([WEEKS[0] - dt.timedelta(weeks=1)] + WEEKS):
        for platform in followers:
            if (platform, k) in (("Instagram", 4), ("VK", 2)) or platform == "Telegram" and k < 5:
                continue  # a missing week; Telegram not started yet
            followers[platform] += rng.randrange(-50, 200)
            row = {"week": week + dt.timedelta(days=2 if k == 3 else 0),  # a Wednesday: same week
                   "platform": "vk" if (platform, k) == ("VK", 6) else platform,
                   "followers": followers[platform], "dialogs": rng.randrange(0, 40),
                   "warm_leads": rng.randrange(0, 20), "applications": rng.randrange(0, 10)}
            if platform == "Instagram" and k == 6:
                row["followers"] = 0  # zero followers
            if platform == "Instagram" and k == 8:
                row["dialogs"] = 0
            if platform == "Instagram" and k == 9:
                row["followers"] = None  # a row without followers
            rows[index] = row
            index += 1
            if platform == "Instagram" and k == 7:  # a second row for the week, lower: it wins, blanks too
                rows[index] = {**row, "followers": row["followers"] + 7, "warm_leads": None, "applications": 3}
                index += 1
    rows[index] = {"week": None, "platform": "VK", "followers": 1, "dialogs": 1, "warm_leads": 1, "applications": 1}
    rows[index + 1] = {"week": WEEKS[1], "platform": None, "followers": 1, "dialogs": 1}  # nobody's row
    return rows


SCENARIOS = [
    Scenario("ru", "ru", "Контент-план", "Аккаунт", _plan_rows(random.Random(1)), _account_rows(random.Random(2)),
             WEEKS),
    # a gap in the weeks: the row after it cannot refer to the row above for the previous week
    Scenario("en", "en", "Plan's posts", "Account (main)", _plan_rows(random.Random(3)),
             _account_rows(random.Random(4)), WEEKS[:4] + WEEKS[5:]),
]


def write_workbook(path: Path, sheets: dict[str, dict[tuple[int, int], object]]):
    """Write sheets of cells {(row, col): value} (0-based) to an xlsx file.

    A str starting with "=" is a formula in internal form (it goes through
    formula.to_xlsx); dates are real dates. To be replaced by the project's
    own xlsx writer.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, cells in sheets.items():
        ws = wb.create_sheet(title)
        for (r, c), value in cells.items():
            if isinstance(value, str) and value.startswith("="):
                value = formula.to_xlsx(value)
            ws.cell(row=r + 1, column=c + 1, value=value)
            if isinstance(value, dt.date):
                ws.cell(row=r + 1, column=c + 1).number_format = "yyyy-mm-dd"
    wb.save(path)


def _label(column, key, locale):
    if key is None or not isinstance(column.choices, tuple):
        return key
    return next(ch.label(locale) for ch in column.choices if ch.key == key)


def _sheet_cells(template, sc: Scenario, layout) -> dict[str, dict]:
    plan, account = template.tab_of_kind("plan"), template.tab_of_kind("account")
    plan_cells: dict[tuple[int, int], object] = {}
    for c, col in enumerate(plan.columns):
        plan_cells[(0, c)] = col.label(sc.locale)
    for r, row in sc.plan_rows.items():
        refs = {col.key: f"{col_letter(i)}{r + 1}" for i, col in enumerate(plan.columns)}
        for c, col in enumerate(plan.columns):
            if col.computed:
                plan_cells[(r, c)] = formula.fill(col.formula, refs)
            elif row.get(col.key) is not None:
                plan_cells[(r, c)] = _label(col, row[col.key], sc.locale)
    account_cells: dict[tuple[int, int], object] = {}
    for c, col in enumerate(account.columns):
        account_cells[(0, c)] = col.label(sc.locale)
    for r, row in sc.account_rows.items():
        for c, col in enumerate(account.columns):
            if row.get(col.key) is not None:
                account_cells[(r, c)] = row[col.key]
    weekly: dict[tuple[int, int], object] = {}
    for r, row in enumerate(content_rows(layout.requests)):
        for c, cell in enumerate(row.get("values", [])):
            value = cell.get("userEnteredValue", {})
            for kind in ("formulaValue", "numberValue", "stringValue"):
                if kind in value:
                    weekly[(r, c)] = value[kind]
    weekly_title = template.tab_of_kind("weekly").title(sc.locale)
    return {sc.plan_title: plan_cells, sc.account_title: account_cells, weekly_title: weekly}


def _frames(sc: Scenario) -> tuple[pd.DataFrame, pd.DataFrame]:
    plan = pd.DataFrame([{k: row.get(k) for k in ["date", "platform", "responsible", "status"] + NUMBERS}
                         for row in sc.plan_rows.values()])
    plan["date"] = pd.to_datetime(plan["date"])
    for k in NUMBERS:
        plan[k] = pd.to_numeric(plan[k]).astype("float64")
    account = pd.DataFrame([sc.account_rows[i] for i in sorted(sc.account_rows)])
    account["week"] = pd.to_datetime(account["week"])
    for k in ACCOUNT_NUMBERS:
        account[k] = pd.to_numeric(account[k]).astype("float64")
    return plan, account


def _profile(path: Path) -> str:
    """A private LibreOffice profile that recalculates xlsx files on load."""
    user = path / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
        "</oor:items>\n", encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def recalculated(template, tmp_path_factory):
    """Each scenario's layout and its workbook after LibreOffice recalculated it (one soffice run)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    import openpyxl

    base = tmp_path_factory.mktemp("lo")
    inputs, layouts = [], {}
    for sc in SCENARIOS:
        layout = build(template, sc.locale, plan_title=sc.plan_title, account_title=sc.account_title,
                       weeks=sc.weeks)
        layouts[sc.name] = layout
        path = base / f"weekly_{sc.name}.xlsx"
        write_workbook(path, _sheet_cells(template, sc, layout))
        inputs.append(path)
    out = base / "out"
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={_profile(base / 'profile')}",
         "--convert-to", "xlsx", "--outdir", str(out), *map(str, inputs)],
        capture_output=True, text=True, timeout=300)
    books = {}
    for sc, path in zip(SCENARIOS, inputs):
        result = out / path.name
        assert result.exists(), f"LibreOffice did not convert {path.name}: {proc.stdout} {proc.stderr}"
        books[sc.name] = openpyxl.load_workbook(result, data_only=True)
    return layouts, books


def _blank(value) -> bool:
    return value is None or value == ""


@pytest.mark.slow
@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.name)
def test_libreoffice_values_equal_pandas_figures(template, recalculated, sc):
    layouts, books = recalculated
    layout, wb = layouts[sc.name], books[sc.name]
    ws = wb[template.tab_of_kind("weekly").title(sc.locale)]
    plan, account = _frames(sc)
    expected = {None: metrics.weekly_figures(plan, account, sc.weeks, platforms=PLATFORMS)}
    for by, groups in (("platform", PLATFORMS), ("responsible", ADMINS)):
        frame = metrics.weekly_figures(plan, account, sc.weeks, by=by, groups=groups)
        for g in groups:
            expected[(by, g)] = frame.loc[g]

    problems, compared, blanks = [], 0, 0
    for (group, week, key), (r, c) in layout.cells.items():
        want = expected[group].loc[week, key]
        got = ws.cell(row=r + 1, column=c + 1).value
        compared += 1
        if isinstance(got, str) and got.startswith("#"):
            problems.append((group, week, key, got, want))
        elif np.isnan(want):
            blanks += 1
            if not _blank(got):
                problems.append((group, week, key, got, want))
        elif _blank(got) or not isinstance(got, (int, float)) or not math.isclose(
                got, want, rel_tol=1e-9, abs_tol=1e-12):
            problems.append((group, week, key, got, want))
    assert not problems, f"{len(problems)} of {compared} cells differ, e.g. {problems[:15]}"
    assert compared == len(layout.cells) > 1500
    assert 0.1 < blanks / compared < 0.6  # the data really exercises both blanks and numbers

    # the ISO week column, and no error value anywhere on the tab
    for i, week in enumerate(sc.weeks):
        assert ws.cell(row=3 + i, column=2).value == week.isocalendar().week
    for row in ws.iter_rows(values_only=True):
        assert not any(isinstance(v, str) and v.startswith("#") for v in row), row


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.name)
def test_libreoffice_figures_are_not_trivial(template, recalculated, sc):
    """Guard against a scenario that would compare mostly zeros and blanks."""
    plan, account = _frames(sc)
    f = metrics.weekly_figures(plan, account, WEEKS)
    assert (f["posts"] > 0).sum() >= 8 and f["posts"].eq(0).any()
    assert f["err"].notna().sum() >= 6 and f["err"].isna().any()
    assert f["follower_growth"].notna().sum() >= 3 and f["conversion"].notna().sum() >= 3
    p = metrics.weekly_figures(plan, account, WEEKS, by="platform", groups=PLATFORMS)
    assert p.loc["Instagram", "followers"].isna().any() and p.loc["Instagram", "followers"].eq(0).any()
    assert p.loc["VK", "followers"].isna().sum() == 1  # its one missing week
    assert p.loc["Telegram", "followers"].isna().sum() == 4 and p.loc["Telegram", "follower_growth"].notna().sum() >= 3
    assert p.loc["VK", "views_per_follower"].notna().sum() >= 6 and p.loc["TikTok", "followers"].isna().all()
    g = metrics.weekly_figures(plan, account, WEEKS, by="responsible", groups=ADMINS)
    assert g.loc["Анна*", "posts"].sum() > 0 and g.loc["Никто", "posts"].sum() == 0


@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.name)
def test_libreoffice_plan_computed_columns(template, recalculated, sc):
    """The template's own computed-column formulas, recalculated: the week column is the Monday."""
    _, books = recalculated
    ws = books[sc.name][sc.plan_title]
    plan = template.tab_of_kind("plan")
    date_c, week_c, inter_c = plan.index("date") + 1, plan.index("week") + 1, plan.index("interactions") + 1
    checked = 0
    for r, row in sc.plan_rows.items():
        week = ws.cell(row=r + 1, column=week_c).value
        if row["date"] is None:
            assert _blank(week)
            continue
        assert ws.cell(row=r + 1, column=date_c).value.date() == row["date"]
        week = week.date() if hasattr(week, "date") else from_serial(week)  # INT() drops the date type in LO
        assert week == monday(row["date"])
        parts = [row[k] for k in metrics.INTERACTION_COLUMNS if row[k] is not None]
        got = ws.cell(row=r + 1, column=inter_c).value
        assert (_blank(got) and not parts) or got == sum(parts)
        checked += 1
    assert checked > 150


def test_every_figure_says_what_it_is_on_its_header_and_in_the_legend(template):
    from sheets_plan.core.metrics import glossary
    from sheets_plan.model import Spreadsheet

    for locale in ("ru", "en"):
        out = build(template, locale)
        book = Spreadsheet("s", "t")
        book.batch_update([{"addSheet": {"properties": {"sheetId": 42, "title": "W"}}}])
        book.batch_update(out.requests)
        sheet = book.sheet(42)
        header = {sheet.peek(1, c).value: sheet.peek(1, c).note for c in sheet.cells[1]}
        for key in metrics.figure_keys():
            text = glossary.definition(key, locale)
            assert header[metrics.label(key, locale)] == text
            assert any(cell.value == text for row in sheet.cells.values() for cell in row.values())
    assert set(glossary.DEFINITIONS) == set(metrics.figure_keys())
    assert "TGStat" in glossary.definition("views_per_follower", "en")


def test_the_docs_list_every_definition():
    from pathlib import Path

    from sheets_plan.core.metrics import glossary

    readme = (Path(__file__).parent.parent / "docs" / "metrics.md").read_text(encoding="utf-8")
    for key in metrics.figure_keys():
        assert f"| {metrics.label(key, 'en')} | {glossary.definition(key, 'en')} |" in readme, key
    for key in glossary.REGISTER_DEFINITIONS:
        assert f"| {metrics.label(key, 'en')} | {glossary.definition(key, 'en', register=True)} |" in readme, key
