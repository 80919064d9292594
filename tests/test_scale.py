"""The check at scale: a Check tab a person can act on at any size, every request within the 2 MB
Google recommends, computed columns repaired a run of rows at a time, and the Weekly tab's weeks
over every dated row (the register's too)."""

from __future__ import annotations

import datetime as dt
import json

import python_calamine
import pytest
from hypothesis import given, settings, strategies as st

from sheets_plan.backends.google import request_body
from sheets_plan.backends.local import LocalBackend
from sheets_plan.core.flags import Flag, CheckResult
from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.jobs.provision import provision
from sheets_plan.jobs.read import load_snapshot
from sheets_plan.sheets import formula
from sheets_plan.sheets.batches import batches, request_size
from sheets_plan.sheets.values import serial
from sheets_plan.tabs import check_tab
from sheets_plan.tabs.repairs import formula_repairs

from .constants import AS_OF, RUN_AT, TEMPLATE as T
from .google_fixtures import google_backend

ADMINS = ["Anna", "Bob"]
PLAN = T.tab("plan")


def typed_below(rows: int) -> tuple[list[list], list[list]]:
    """`rows` plan rows as admins type them below the provisioned ones, likes/comments/saves left out."""
    plan, account = sample_rows(T, "ru", AS_OF)
    inputs = len(PLAN.input_columns)
    likes = [c.key for c in PLAN.input_columns].index("likes")
    typed = [r[:inputs] for r in (plan * (rows // len(plan) + 1))[:rows]]
    return [r[:likes] + [None, None, None] + r[likes + 3:] if len(r) > likes else r for r in typed], account


def sheet_rows(path: str, title: str) -> list[list]:
    return python_calamine.CalamineWorkbook.from_path(path).get_sheet_by_name(title).to_python()


# ------------------------------------------------------------------ the Check tab's cap

def test_the_check_tab_shows_the_first_flags_of_each_admin_and_rule_and_counts_the_rest(tmp_path):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Big", admins=ADMINS, locale="ru", template=T)
    plan, account = typed_below(400)
    fill_rows(backend, path, T, plan, account)
    report = jobs.validate(backend, path, as_of=AS_OF, run_at=RUN_AT)
    per_kind: dict[tuple, int] = {}
    for f in report.flags:
        per_kind[(f.admin, f.rule)] = per_kind.get((f.admin, f.rule), 0) + 1
    cut = {k: n for k, n in per_kind.items() if n > check_tab.PER_ADMIN_AND_RULE}
    assert cut, per_kind  # the case cuts something short

    rows = sheet_rows(path, T.tab("check").title("ru"))[2:]
    flagged = [r for r in rows if r[0]]
    more = [r for r in rows if not r[0] and r[4]]
    expected = sum(min(n, check_tab.PER_ADMIN_AND_RULE) for n in per_kind.values())
    assert len(flagged) == expected < len(report.flags)
    names = {r.id: r.name("ru") for r in T.rules}
    count = lambda n: f"{n - check_tab.PER_ADMIN_AND_RULE:,}".replace(",", " ")  # noqa: E731
    assert sorted((r[1] or "", r[3], r[4]) for r in more) == sorted(
        (admin or "", names[rule], f"… и ещё {count(n)} ({names[rule]}, {admin or '(без ответственного)'}): "
                                   "весь список — sheets-plan validate --format json (или csv)")
        for (admin, rule), n in cut.items())
    # the whole list is where the tab says it is
    assert len(report.to_json()["flags"]) == len(report.flags)


def test_shown_flags_keep_the_check_s_order():
    flags = [Flag("plan", r, "likes", f"K{r}", "stats", "error", "m", a) for r in range(2, 200) for a in ("A", "B")]
    shown, cut = check_tab.shown_flags(CheckResult("p", AS_OF, flags, 198), per=3)
    assert [(f.row, f.admin) for f in shown] == [(2, "A"), (2, "B"), (3, "A"), (3, "B"), (4, "A"), (4, "B")]
    assert cut == [("A", "stats", 195), ("B", "stats", 195)]


# ------------------------------------------------------------------ 2 MB a request

def test_the_check_write_of_300_000_flags_stays_under_2_mb(tmp_path):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Huge", admins=ADMINS, locale="ru", template=T)
    snap = load_snapshot(backend, path, T, as_of=AS_OF)
    rules = [r.id for r in T.rules][:6]
    flags = [Flag("plan", 2 + n // 3, "likes", f"K{2 + n // 3}", rules[n % 6], "error",
                  "Не заполнено: Лайки " + "x" * 40, ADMINS[n % 2]) for n in range(300_000)]
    report = CheckResult("Huge", AS_OF, flags, rows_checked=100_000)
    reqs = jobs.check_requests(backend, snap, report, RUN_AT)
    body = request_body(formula.render_requests(reqs, "ru_RU"))
    assert len(body) < 2_000_000 / 4
    assert len(batches(formula.render_requests(reqs, "ru_RU"))) == 1


def _rows_of(batch: list[dict]) -> list:
    return [(r["updateCells"]["start"], r["updateCells"]["rows"]) for r in batch if "updateCells" in r]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(
    st.builds(lambda n, s: {"updateCells": {"start": {"sheetId": 1, "rowIndex": s}, "fields": "userEnteredValue",
                                            "rows": [{"values": [{"userEnteredValue": {"stringValue": "я" * 30}}]}] * n}},
              st.integers(1, 120), st.integers(0, 50)),
    st.builds(lambda n: {"repeatCell": {"range": {"sheetId": 1}, "cell": {"note": "n" * n}, "fields": "note"}},
              st.integers(0, 900))), max_size=30), st.integers(400, 5000))
def test_batches_stay_within_the_bound_and_keep_every_request_in_order(requests, limit):
    out = batches(requests, limit)
    for batch in out:
        assert len(request_body(batch)) <= limit or len(batch) == 1
    # cut updateCells put back together give the requests as they were
    joined, k = [], 0
    flat = [r for b in out for r in b]
    for r in requests:
        if "updateCells" not in r:
            assert flat[k] == r
            joined.append(r)
            k += 1
            continue
        rows, start = [], r["updateCells"]["start"]["rowIndex"]
        while len(rows) < len(r["updateCells"]["rows"]):
            part = flat[k]["updateCells"]
            assert part["start"]["rowIndex"] == start + len(rows) and part["fields"] == r["updateCells"]["fields"]
            rows += part["rows"]
            k += 1
        assert rows == r["updateCells"]["rows"]
    assert k == len(flat)
    if len(request_body(requests)) <= limit:
        assert out == ([requests] if requests else [])


def test_request_size_is_the_body_s_bytes():
    r = {"updateCells": {"rows": [{"values": [{"userEnteredValue": {"stringValue": "Лайки"}}]}]}}
    assert len(request_body([r])) == len('{"requests":[]}') + request_size(r)


@pytest.mark.slow
def test_a_write_over_the_bound_is_sent_in_several_requests_with_the_same_result(emu, template):
    """On the emulator: the same project written with a small bound (several requests, each within it)
    ends exactly as written in one request."""
    folder = emu.add_folder("Team drive")
    plan, account = typed_below(150)
    books = []
    for bound in (None, 40_000):
        backend = google_backend(emu, folder)
        sid = provision(backend, f"Split {bound}", admins=ADMINS, locale="ru", template=template)
        emu.spreadsheets[sid].batch_update([{"appendDimension": {"sheetId": 1001, "dimension": "ROWS", "length": 200}}])
        fill_rows(backend, sid, template, plan, account)
        if bound:
            backend.max_body = bound
        emu.requests.clear()
        run = jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
        writes = [r for r in emu.requests if r.method_id == "sheets.spreadsheets.batchUpdate"]
        assert all(r.status == 200 for r in writes)
        if bound:
            assert len(writes) > 1 and max(r.size for r in writes) <= bound
            # the Log's entry is the write's last request, and only the last batch holds it
            log = next(s.id for s in emu.spreadsheets[sid].sheets if s.title == template.tab("log").title("ru"))
            touches = lambda r: f'"sheetId": {log}' in json.dumps(r)  # noqa: E731
            assert touches(writes[-1].json["requests"][-1])
            assert not [r for w in writes[:-1] for r in w.json["requests"] if touches(r)]
        else:
            assert len(writes) == 1 and writes[0].size > 40_000
        books.append((emu.spreadsheets[sid], run.report.to_json()["flags"]))
    (one, flags_one), (split, flags_split) = books
    assert flags_one == flags_split
    for a, b in zip(one.sheets, split.sheets):
        cells = lambda s: {(r, c): (cell.entered(), cell.fmt) for r, row in s.cells.items()  # noqa: E731
                           for c, cell in row.items()}
        assert cells(a) == cells(b), a.title


# ------------------------------------------------------------------ computed columns repaired by the run

def test_rows_typed_below_get_the_computed_column_as_one_run_without_a_flag(tmp_path):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Below", admins=ADMINS, locale="ru", template=T)
    plan, account = typed_below(700)
    fill_rows(backend, path, T, plan, account)
    snap = load_snapshot(backend, path, T, as_of=AS_OF)
    repairs = formula_repairs(snap)
    computed = [c for c in PLAN.columns if c.formula]
    assert len(repairs) == len(computed)  # one run per column, not one request per row
    assert all("repeatCell" in r for r in repairs)
    report = jobs.validate(backend, path, as_of=AS_OF, run_at=RUN_AT)
    assert not [f for f in report.flags if f.rule == "computed"]
    again = load_snapshot(backend, path, T, as_of=AS_OF)
    assert formula_repairs(again) == []  # idempotent: nothing lacks the formula now
    expected = again.expected_formulas()
    for key, formulas in expected.items():
        actual = again.tables[PLAN.key].formulas[key].reindex(formulas.index)
        assert (actual.dropna().str.replace(" ", "") == formulas[actual.notna()].str.replace(" ", "")).all()
        assert actual.notna().sum() >= 700


def test_flags_as_json_are_the_flags_fields():
    f = Flag("plan", 3, "likes", "K3", "stats", "error", "m", "A")
    assert CheckResult("p", AS_OF, [f], 1).to_json()["flags"] == [
        {"tab": "plan", "row": 3, "column": "likes", "cell": "K3", "rule": "stats", "severity": "error",
         "message": "m", "admin": "A"}]


def test_the_json_text_is_the_report_s_json():
    """`validate --format json` writes the report in pieces, a flag a line: the same JSON."""
    flags = [Flag("plan", r, "likes", f"K{r}", "stats", "error", f"«{r}» \"x\"\n", "Анна") for r in range(2, 7)]
    for shown in ([], flags[:1], flags):
        report = CheckResult("Кофе \"Дом\"", AS_OF, shown, 5, by_admin={"Анна": {"rows": 5}})
        text = "".join(report.json_text(block=2))
        assert json.loads(text) == report.to_json()
        assert text.count("\n    {") == len(shown)  # one line a flag


# ------------------------------------------------------------------ weeks over every dated row

def test_a_register_only_project_has_its_weeks(tmp_path):
    """Contacts from January, no post planned yet: the Weekly tab starts at the first contact's week."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Register", admins=ADMINS, locale="ru", template=T)
    stages = ["диалог", "тёплый", "заявка"]
    leads = [[serial(dt.date(2026, 1, 5) + dt.timedelta(weeks=n)), "Instagram", "Anna", "Иванова Анна",
              "+7 999 123-45-67", "https://instagram.com/anna_i", "anna@example.com", "Кейтеринг", stages[n % 3],
              serial(dt.date(2026, 1, 6) + dt.timedelta(weeks=n)), ""] for n in range(6)]
    fill_rows(backend, path, T, [], [], leads)
    figures = jobs.summarize(backend, path, as_of=AS_OF)
    assert figures.index[0] == dt.date(2026, 1, 5) and figures.index[-1] == dt.date(2026, 3, 9) + dt.timedelta(weeks=1)
    assert figures.loc[dt.date(2026, 1, 19), "applications"] == 1
    assert figures[["dialogs", "warm_leads", "applications"]].sum().sum() > 0
    weekly = sheet_rows(path, T.tab("weekly").title("ru"))
    assert any(dt.date(2026, 1, 5) in row or "05.01.2026" in [str(v) for v in row] for row in weekly)


def test_the_weeks_start_at_the_earliest_dated_row_of_any_table(tmp_path):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Early", admins=ADMINS, locale="ru", template=T)
    plan, account = sample_rows(T, "ru", AS_OF)
    fill_rows(backend, path, T, plan, account)
    first_post_week = jobs.plan_weeks(load_snapshot(backend, path, T, as_of=AS_OF), limit=None)[0]
    early = first_post_week - dt.timedelta(weeks=3) + dt.timedelta(days=2)
    fill_rows(backend, path, T, plan, account, [[serial(early), "Instagram", "Anna", "Иванова Анна",
                                                 "+7 999 123-45-67", "https://instagram.com/anna_i",
                                                 "anna@example.com", "Кейтеринг", "диалог", serial(early), ""]])
    weeks = jobs.plan_weeks(load_snapshot(backend, path, T, as_of=AS_OF), limit=None)
    assert weeks[0] == first_post_week - dt.timedelta(weeks=3)


def test_a_header_pasted_among_rows_typed_below_is_not_written_over(tmp_path):
    """The computed columns are restored either side of a header row pasted again, never on it."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Walls", admins=ADMINS, locale="ru", template=T)
    plan, account = typed_below(700)
    header = [c.label("ru") for c in PLAN.input_columns]
    plan = plan[:650] + [header] + plan[650:]  # sheet row 652, below the provisioned rows
    fill_rows(backend, path, T, plan, account)
    snap = load_snapshot(backend, path, T, as_of=AS_OF)
    assert list(snap.tables[PLAN.key].header_rows) == [652]
    repairs = formula_repairs(snap)
    spans = {(r["repeatCell"]["range"]["startRowIndex"] + 1, r["repeatCell"]["range"]["endRowIndex"]) for r in repairs}
    assert len(repairs) == 2 * len([c for c in PLAN.columns if c.formula])
    assert all(not (first <= 652 <= last) for first, last in spans) and {last for _, last in spans} >= {651, 702}
