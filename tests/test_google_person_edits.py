"""Google Sheets as admins really use it: edits made through gspread (the requests Sheets' own
editor makes: insert a column, delete one, sort, filter, hide, merge, rename, add a tab), then
the weekly job. Flags and figures stay right, the person's edits stay, the tool's parts follow the
headers, the request budget does not change. And the Weekly tab's figures are the same three
ways: computed by the emulator, recalculated by LibreOffice, and printed by `report`."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest

from sheets_plan.jobs import project as jobs
from sheets_plan.core import report_table
from sheets_plan.errors import RunError
from sheets_plan.jobs.demo import fill_rows, sample_leads, sample_rows
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision
from sheets_plan_emulators.office import recalc
from sheets_plan_emulators.google import Emulator

from .constants import AS_OF, RUN_AT
from .google_fixtures import google_backend
from .helpers import cells_differences, weekly_differences

WEEKS = 26


def counts(emu) -> dict:
    return dict(collections.Counter(r.method_id for r in emu.requests))


def flag_keys(report) -> collections.Counter:
    """What the flags are about, whatever row or column letter their cell has now (a duplicate
    link is flagged on its later row, and the sort changed which one that is)."""
    return collections.Counter((f.rule, f.column, f.severity) for f in report.flags)


def headers(ws) -> dict[str, int]:
    return {h: i for i, h in enumerate(ws.row_values(1))}


def person_view(emu, sid) -> dict:
    """What the person made, read from the emulator's state: the plan's own column, the sort
    (the order of the topics), the hidden column, the filter, the own tab and its merge, the titles."""
    book = emu.spreadsheets[sid]
    plan = book.sheet(1001)
    head = {c.value: i for i, c in plan.cells[0].items()}
    column = lambda name: [plan.peek(r, head[name]).value if plan.peek(r, head[name]) else None  # noqa: E731
                           for r in range(1, 31)]
    ideas = book.sheet_by_title("Ideas")
    return {"titles": [s.title for s in book.sheets], "hashtags": column("Hashtags"), "topics": column("Topic"),
            "hidden": sorted(i for i, p in plan.dims["COLUMNS"].items() if p.get("hiddenByUser")),
            "filter": plan.basic_filter, "ideas": [ideas.peek(r, 0).value for r in range(2)],
            "ideas merges": ideas.merges}


@pytest.fixture(scope="module")
def edited(template):
    """A project with rows and one weekly run; then an admin's morning in Sheets."""
    emu = Emulator()
    folder = emu.add_folder("Team")
    backend = google_backend(emu, folder)
    sid = provision(backend, "Acme", admins=["Anna", "Boris"], locale="en", template=template)
    plan, account = sample_rows(template, "en", AS_OF)
    fill_rows(backend, sid, template, plan[:30], account)
    before = jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    sh = emu.client().open_by_key(sid)
    ws = sh.worksheet("Plan")
    ws.insert_cols([["Hashtags"] + [f"#tag{i}" for i in range(30)]], headers(ws)["Likes"] + 1)
    ws.delete_columns(headers(ws)["Rubric"] + 1)
    last = len(ws.row_values(1))
    ws.sort((headers(ws)["Date"] + 1, "des"), range=f"A2:{chr(64 + last)}31")
    ws.set_basic_filter(f"A1:{chr(64 + last)}31")
    sh.batch_update({"requests": [{"setBasicFilter": {"filter": {
        "range": {"sheetId": ws.id, "startRowIndex": 0, "endRowIndex": 31, "startColumnIndex": 0,
                  "endColumnIndex": last},
        "filterSpecs": [{"columnIndex": headers(ws)["Responsible"],
                         "filterCriteria": {"hiddenValues": ["Boris"]}}]}}}]})
    caption = headers(ws)["Caption"]
    ws.hide_columns(caption, caption + 1)
    ideas = sh.add_worksheet("Ideas", 20, 5)
    ideas.update([["Ideas for next month"], ["latte art"]], "A1:A2")
    ideas.merge_cells("A1:C1")
    ws.update_title("Content plan")
    return emu, backend, sid, before


@pytest.mark.slow
def test_the_weekly_job_survives_what_admins_do_in_sheets(edited, template):
    emu, backend, sid, before = edited
    # A template column deleted: the job stops with the fix in one line, and writes nothing.
    emu.requests.clear()
    with pytest.raises(RunError, match="no column “Rubric”.*sheets-plan provision"):
        jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert counts(emu) == {"sheets.spreadsheets.get": 2}
    provision(backend, "Acme", template=template)  # puts the Rubric column back, after the others
    mine = person_view(emu, sid)
    assert mine["filter"] and mine["hidden"] and sorted(mine["hashtags"]) == sorted(f"#tag{i}" for i in range(30))
    assert mine["hashtags"] != [f"#tag{i}" for i in range(30)]  # the sort moved them with their rows

    emu.requests.clear()
    after = jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert counts(emu) == {"sheets.spreadsheets.get": 2, "sheets.spreadsheets.batchUpdate": 1}  # the budget
    # the Rubric column came back empty: each published post now says it has no rubric, nothing else changed
    rubric = collections.Counter({k: n for k, n in flag_keys(after.report).items() if k[0] == "rubric"})
    assert flag_keys(after.report) - rubric == flag_keys(before.report) and after.report.flags
    assert sum(rubric.values()) == sum(1 for f in after.report.flags if f.rule == "rubric") > 0
    assert after.figures.equals(before.figures)
    assert person_view(emu, sid) == mine  # nothing of the person's changed
    jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert person_view(emu, sid) == mine


@pytest.mark.slow
def test_the_tools_parts_sit_where_their_headers_are_now(edited, template):
    emu, backend, sid, _ = edited
    provision(backend, "Acme", template=template)
    jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    plan = emu.spreadsheets[sid].sheet(1001)
    head = {c.value: i for i, c in plan.cells[0].items()}
    kinds = {name: (plan.peek(2, i).validation or {}).get("condition", {}).get("type")
             for name, i in head.items() if plan.peek(2, i)}
    assert kinds["Status"] == "ONE_OF_LIST" and kinds["Responsible"] == "ONE_OF_RANGE"
    assert kinds["Likes"] == kinds["Views"] == "NUMBER_GREATER_THAN_EQ"
    assert kinds.get("Hashtags") is None
    protected = {c for p in plan.protected_ranges for c in range(p["range"].get("startColumnIndex", 0),
                                                                   p["range"].get("endColumnIndex", 0))}
    assert {head["Week"], head["Interactions"], head["ERR, %"]} <= protected
    assert not {head["Hashtags"], head["Likes"], head["Status"]} & protected
    lit = {c for rule in plan.conditional_formats for r in rule["ranges"]
           for c in range(r.get("startColumnIndex", 0), r.get("endColumnIndex", 0))}
    assert head["Views"] in lit and head["Hashtags"] not in lit


@pytest.fixture(scope="module")
def twins(template, tmp_path_factory):
    """The same rows in a Google project (ru: formulas in ';' syntax) and a local workbook."""
    emu = Emulator()
    backend = google_backend(emu, emu.add_folder("Team"))
    sid = provision(backend, "Кофейня", admins=["Аня", "Боря"], locale="ru", template=template)
    local = LocalBackend(tmp_path_factory.mktemp("twins"))
    path = provision(local, "Кофейня", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    leads = sample_leads(template, "ru", AS_OF)  # the funnel counts the register: the same on both
    for b, target in ((backend, sid), (local, path)):
        fill_rows(b, target, template, plan, account, leads)
        jobs.run_project(b, target, template=template, as_of=AS_OF, run_at=RUN_AT)
    reports = {by: json.loads(json.dumps(report_table.to_json(
        jobs.report(backend, sid, template=template, as_of=AS_OF, weeks=WEEKS, by=by)[1])))
        for by in (None, "platform", "responsible")}
    return emu, backend, sid, local, path, reports


@pytest.mark.libreoffice
def test_the_same_weekly_figures_three_ways(twins, template, tmp_path):
    emu, backend, sid, local, path, reports = twins
    snap = jobs.report(backend, sid, template=template, as_of=AS_OF)[0]
    layout = jobs.weekly_layout(snap)
    # 1. the emulator computes the Weekly tab's formulas (read through the Sheets API)
    ws = emu.client().open_by_key(sid).worksheet(snap.titles["weekly"])
    computed = ws.get_all_values(value_render_option="UNFORMATTED_VALUE")
    problems, compared = cells_differences(computed, layout, reports)
    assert not problems and compared > 900, problems[:6]
    # 2. LibreOffice recalculates the local workbook with the same rows
    recalculated, = recalc.convert([Path(path)], "xlsx", tmp_path)
    local_snap = jobs.report(local, str(path), template=template, as_of=AS_OF)[0]
    problems, _ = weekly_differences(recalculated, local_snap, jobs.weekly_layout(local_snap), reports)
    assert not problems, problems[:6]
    # 3. `report` reads the same figures from both
    for by in (None, "platform", "responsible"):
        here = report_table.to_json(jobs.report(local, str(path), template=template, as_of=AS_OF, weeks=WEEKS, by=by)[1])
        assert json.loads(json.dumps(here)) == reports[by]
