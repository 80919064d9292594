"""A project that keeps its contacts in AmoCRM, through the AmoCRM emulator (every request and answer
checked against AmoCRM's API description): the procedure's check of the cards (per admin, masked,
linked to each card), the funnel and the admins' KPIs from the CRM (the recalculated sheet equals
`report`), tasks set once, and the account read as AmoCRM lets it be read (paged, 204, 7 a second,
401, names that are no longer there), the second time only what changed."""

from __future__ import annotations

import json
import math

import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend
from sheets_plan.cli.commands import cli
from sheets_plan.errors import RunError
from sheets_plan.jobs import project as jobs
from sheets_plan.sources.amocrm import client as amo_client
from sheets_plan.sources.amocrm.account import read_account
from sheets_plan.sources.amocrm.client import AmoClient
from sheets_plan_emulators.office.recalc import convert

from .amocrm_fixtures import DAY, ENV, TOKEN, emulated
from .helpers import weekly_differences

pytestmark = pytest.mark.slow  # each makes the demo workbook


def test_validate_flags_the_sloppy_cards_per_admin_masked_and_linked_to_each_card(tmp_path):
    crm = emulated(tmp_path)
    report = jobs.validate(LocalBackend(crm.path.parent), str(crm.path), as_of=DAY, crm=crm.link)
    on_cards = {(f.row, f.rule): f for f in report.flags if f.tab == "crm"}
    assert on_cards[(60002, "leads_required")].message == "Не заполнено: ФИО"
    assert on_cards[(60005, "leads_phone")].message == "Телефон * (***) 55-12: слишком короткий номер"
    assert on_cards[(60007, "leads_phone")].message.endswith("слишком короткий номер")   # the second of two phones
    assert on_cards[(60009, "leads_email")].message == "E-mail o***@mail: не адрес e-mail"
    assert on_cards[(60010, "leads_duplicate")].message == "Телефон: тот же контакт, что в сделке AmoCRM #60011"
    assert not [f for f in report.flags if f.tab == "crm" and f.row == 60006]  # a good number in another spelling
    assert {f.admin for f in on_cards.values()} <= {"Анна", "Борис", "Вера"}  # AmoCRM's users as the project's admins
    assert crm.emu.schema_errors == [] and not [r for r in crm.emu.requests if r.refused]
    text = jobs.render_text(report, "ru")
    assert "AmoCRM #60005" in text and "Борис: строк" in text
    import openpyxl

    check = openpyxl.load_workbook(crm.path)["Проверка"]
    links = [c.value for row in check.iter_rows() for c in row if isinstance(c.value, str) and "amocrm.ru" in c.value]
    assert '=HYPERLINK("https://zerno.amocrm.ru/leads/detail/60005","AmoCRM #60005")' in links


@pytest.mark.libreoffice
def test_the_funnel_and_the_kpis_from_the_crm_equal_report_and_libreoffice(tmp_path, monkeypatch):
    """The weekly job's Weekly and KPI tabs, recalculated by LibreOffice, against `report --format json`
    (and `--by platform`, `--by responsible`, `--by admin`) run as a person runs it, on the same account."""
    crm = emulated(tmp_path, wall_clock=True)
    monkeypatch.setattr(amo_client, "new_session", crm.emu.session)
    monkeypatch.setenv(ENV, TOKEN)
    run = jobs.run_project(LocalBackend(crm.path.parent), str(crm.path), as_of=DAY, crm=crm.link)
    reports = {}
    for by in (None, "platform", "responsible", "admin"):
        out = CliRunner().invoke(cli, ["report", str(crm.path), "--as-of", DAY.isoformat(), "--weeks", "26",
                                       "--format", "json", *(["--by", by] if by else [])])
        assert out.exit_code == 0, out.output
        reports[by] = json.loads(out.output)
    counted = sum(r["dialogs"] or 0 for r in reports[None])
    came = [c for c in run.snapshot.crm.leads if c.came >= min(run.figures.index)]
    assert counted == len(came) and counted > 50  # every lead once, in the week it came
    assert sum(r["refusals"] or 0 for r in reports[None]) == sum(1 for c in came if c.refused)
    recalculated, = convert([crm.path], "xlsx", tmp_path / "recalc")
    snap = run.snapshot
    problems, compared = weekly_differences(recalculated, snap, jobs.weekly_layout(snap),
                                            {k: v for k, v in reports.items() if k != "admin"})
    assert not problems and compared > 500, problems[:6]
    import python_calamine

    kpis = {(r["responsible"], r["week"]): r for r in reports["admin"]}
    rows = python_calamine.CalamineWorkbook.from_path(str(recalculated)).get_sheet_by_name(
        snap.titles["kpi"]).to_python(skip_empty_area=False)
    checked = 0
    for (admin, week, key), (r, c) in jobs.kpi_layout(snap, run.report).cells.items():
        if key in ("dialogs", "applications", "conversion"):
            want, got = kpis[(admin, week.isoformat())][key], rows[r][c]
            assert (got in (None, "") if want is None else math.isclose(got, want, rel_tol=1e-9)), (admin, week, key)
            checked += 1
    assert checked > 50 and sum(kpis[k]["dialogs"] or 0 for k in kpis) == counted  # each lead an admin's


def test_remind_sets_each_task_once_and_a_closed_one_is_not_set_again(tmp_path):
    from sheets_plan.jobs.remind import remind

    crm = emulated(tmp_path)
    backend, team = LocalBackend(crm.path.parent), crm.link.team
    first = remind(backend, str(crm.path), team=team, channels={}, as_of=DAY, crm=crm.link)
    made = [r for r in crm.emu.requests if r.method == "POST"]
    tasks = [t for r in made for t in r.body]
    assert made and all(r.status == 200 for r in made) and all(len(r.body) <= 50 for r in made)
    assert {t["entity_id"] for t in tasks} >= {60002, 60005, 60009} and all(t["entity_type"] == "leads" for t in tasks)
    assert all(d.ok for d in first.deliveries if d.channel == "amocrm")
    again = remind(backend, str(crm.path), team=team, channels={}, as_of=DAY, crm=crm.fresh_link())
    assert [r for r in crm.emu.requests if r.method == "POST"] == made  # a rerun adds nothing
    assert all(d.items == 0 for d in again.deliveries if d.channel == "amocrm")
    ours = [t for t in crm.account.tasks.values() if "sheets-plan" in t["text"]]
    crm.account.complete_task(ours[0]["id"], result="done")  # a person closes one; its flag still stands
    remind(backend, str(crm.path), team=team, channels={}, as_of=DAY, crm=crm.fresh_link())
    assert len([t for t in crm.account.tasks.values() if "sheets-plan" in t["text"]]) == len(ours)
    assert crm.emu.schema_errors == []


def test_a_task_write_that_failed_is_set_next_run_and_never_doubled(tmp_path):
    from sheets_plan.jobs.remind import remind

    crm = emulated(tmp_path)
    backend, team = LocalBackend(crm.path.parent), crm.link.team
    crm.emu.fault = lambda r: 502 if r.method == "POST" else None
    failed = remind(backend, str(crm.path), team=team, channels={}, as_of=DAY, crm=crm.link)
    assert failed.exit_code() == 2 and [r.status for r in crm.emu.requests if r.method == "POST"] == [502]
    crm.emu.fault = None
    remind(backend, str(crm.path), team=team, channels={}, as_of=DAY, crm=crm.fresh_link())
    ours = [t for t in crm.account.tasks.values() if "sheets-plan" in t["text"]]
    marks = [t["text"].rsplit("(", 1)[-1] for t in ours]
    assert ours and len(marks) == len(set(marks))  # each flag's task once


def test_paging_204_and_the_pace(tmp_path):
    crm = emulated(tmp_path)
    client = AmoClient("zerno", TOKEN, session=crm.emu.session(), clock=crm.clock, sleep=crm.clock.sleep)
    pages = list(client.pages("leads", "leads", [("with", "contacts")], limit=25))
    assert [len(p) for p in pages] == [25, 25, 10]
    assert [r.params.get("page") for r in crm.emu.requests] == [None, "2", "3"]  # _links.next, then no more
    assert client.all("leads", "leads", [("filter[updated_at][from]", 4_000_000_000)]) == []  # 204
    assert crm.emu.requests[-1].status == 204
    before, slept = len(crm.emu.requests), sum(crm.clock.slept)
    for _ in range(21):
        client.call("GET", "users")
    assert not [r for r in crm.emu.requests[before:] if r.status == 429]  # never above 7 a second
    assert sum(crm.clock.slept) - slept >= 2.0  # 21 requests take three seconds


def test_429_and_5xx_are_retried_and_401_is_one_line_with_where_to_get_a_token(tmp_path):
    crm = emulated(tmp_path)
    statuses = iter([429, 503, None, None])
    crm.emu.fault = lambda r: next(statuses, None)
    client = AmoClient("zerno", TOKEN, session=crm.emu.session(), clock=crm.clock, sleep=crm.clock.sleep)
    assert client.all("users", "users")
    assert [r.status for r in crm.emu.requests] == [429, 503, 200]
    crm.emu.tokens[TOKEN].revoked = True
    with pytest.raises(RunError) as e:
        read_account(client, events_from=0)
    assert "401" in str(e.value) and "Keys and scopes" in str(e.value) and TOKEN not in str(e.value)


def test_the_command_line_on_an_emulated_account(tmp_path, monkeypatch):
    """validate, report and a revoked token through the CLI: exit codes, JSON, no contact's data out."""
    crm = emulated(tmp_path, wall_clock=True)
    monkeypatch.setattr(amo_client, "new_session", crm.emu.session)
    monkeypatch.setenv(ENV, TOKEN)
    runner = CliRunner()
    out = runner.invoke(cli, ["validate", str(crm.path), "--as-of", DAY.isoformat(), "--format", "json"])
    assert out.exit_code == 1, out.output
    flags = json.loads(out.output)["flags"]
    assert {f["rule"] for f in flags if f["tab"] == "crm"} >= {"leads_required", "leads_phone", "leads_email"}
    outputs = [out.output]
    for args in (["validate", "--format", "csv"], ["validate"], ["report", "--format", "json"], ["report"]):
        result = runner.invoke(cli, [args[0], str(crm.path), "--as-of", DAY.isoformat(), *args[1:]])
        assert result.exit_code in (0, 1), result.output
        outputs.append(result.output)
    import openpyxl

    wb = openpyxl.load_workbook(crm.path)
    outputs += [str(c.value) for ws in wb.worksheets if ws.title != "Лиды" for row in ws.iter_rows() for c in row
                if c.value is not None]
    everything = "\n".join(outputs)
    leaked = [p for p in crm.personal() if p in everything]
    assert not leaked, leaked[:5]
    assert TOKEN not in everything
    crm.emu.tokens[TOKEN].revoked = True
    denied = runner.invoke(cli, ["validate", str(crm.path), "--as-of", DAY.isoformat()])
    assert denied.exit_code == 2 and "401" in denied.output and TOKEN not in denied.output
    assert len(denied.output.strip().splitlines()) == 1


def test_a_status_renamed_in_amocrm_is_one_line_naming_it(tmp_path):
    crm = emulated(tmp_path)
    pipeline = next(iter(crm.account.pipelines))
    crm.account.rename_status(pipeline, crm.account.status_id(pipeline, "Тёплый лид"), "Горячий лид")
    with pytest.raises(RunError) as e:
        jobs.validate(LocalBackend(crm.path.parent), str(crm.path), as_of=DAY, crm=crm.link)
    message = str(e.value)
    assert "\n" not in message and "stages.warm_lead" in message and "«Тёплый лид»" in message
    assert "«Горячий лид»" in message and "«Первичный контакт»" in message  # what the account has


def test_a_second_run_asks_only_for_what_changed_and_sees_it(tmp_path):
    crm = emulated(tmp_path)
    backend = LocalBackend(crm.path.parent)
    first = jobs.validate(backend, str(crm.path), as_of=DAY, crm=crm.link)
    count = len(crm.emu.requests)
    pipeline = next(iter(crm.account.pipelines))
    crm.clock.advance(3600)
    crm.account.move_lead(60009, crm.account.status_id(pipeline, "Заявка"))       # moved on in AmoCRM
    crm.account.edit_contact(80005, phones=["+7 916 555-12-99"])                   # the short number fixed
    run = jobs.run_project(backend, str(crm.path), as_of=DAY, crm=crm.fresh_link())
    second = run.report
    asked = crm.emu.requests[count:]
    lists = [r for r in asked if r.path.rsplit("/", 1)[-1] in ("leads", "contacts", "tasks")]
    assert lists and all("updated_at" in r.params.get("filter", {}) for r in lists)
    assert ((60005, "leads_phone") in {(f.row, f.rule) for f in first.flags if f.tab == "crm"}
            and (60005, "leads_phone") not in {(f.row, f.rule) for f in second.flags if f.tab == "crm"})
    assert next(c for c in run.snapshot.crm.leads if c.id == 60009).furthest == "application"


def test_a_register_moved_twice_into_amocrm_creates_each_person_once(tmp_path):
    """The demo's Leads tab into an account that already holds one of its people under another spelling
    of the phone: a dry run lists, --apply creates through leads/complex in batches of 50, matching
    that person by E.164; a second run creates nothing."""
    from sheets_plan.jobs.crm_import import move_register
    from sheets_plan.jobs.demo import run_demo

    crm = emulated(tmp_path)
    sheet = run_demo(tmp_path / "sheet", locale="ru", as_of=DAY).path  # a project that kept the Leads tab
    (tmp_path / "sheet" / "team.toml").write_text((crm.path.parent / "team.toml").read_text(encoding="utf-8"),
                                                  encoding="utf-8")
    import openpyxl

    leads = openpyxl.load_workbook(sheet)["Лиды"]
    header = [c.value for c in leads[1]]
    phone = leads.cell(row=2, column=header.index("Телефон") + 1).value
    digits = "".join(ch for ch in phone if ch.isdigit())
    other_spelling = f"8 ({digits[1:4]}) {digits[4:7]}-{digits[7:9]}-{digits[9:]}"
    known = crm.account.add_contact("Знакомый контакт", phones=[other_spelling])
    before = (len(crm.account.contacts), len(crm.account.leads))
    backend = LocalBackend(tmp_path / "sheet")
    dry = move_register(backend, sheet, link=crm.fresh_link(), as_of=DAY)
    assert (len(crm.account.contacts), len(crm.account.leads)) == before  # a dry run creates nothing
    assert dry.created() > 15 and next(m for m in dry.moves if m.row == 2).action == "existing"
    # the register's one person typed twice (+7 916 555-12-35 and 89165551235), whom the account holds already
    assert [m.action for m in dry.moves if m.row in (10, 11)] == ["there", "there"]
    done = move_register(backend, sheet, link=crm.fresh_link(), as_of=DAY, apply=True)
    posts = [r for r in crm.emu.requests if r.method == "POST"]
    assert posts and all(r.path == "/api/v4/leads/complex" and len(r.body) <= 50 and r.status == 200 for r in posts)
    made = [m for m in done.moves if m.action in ("new", "existing") and m.lead]
    assert len(crm.account.leads) == before[1] + len(made) and len(made) == dry.created()
    assert next(m for m in done.moves if m.row == 2).contact == known  # matched in another spelling: no duplicate
    again = move_register(backend, sheet, link=crm.fresh_link(), as_of=DAY, apply=True)
    assert again.created() == 0 and len(crm.account.leads) == before[1] + len(made)
    assert [r for r in crm.emu.requests if r.method == "POST"] == posts
    assert crm.emu.schema_errors == []
    for m in done.moves:  # the output names rows and masks people
        assert "***" in m.person or not m.person


def test_a_lead_s_platform_from_its_source_and_a_token_without_rights(tmp_path):
    crm = emulated(tmp_path, platform="source")
    source = crm.account.add_source("Instagram Direct")
    crm.account.leads[60003]["source_id"] = source
    run = jobs.run_project(LocalBackend(crm.path.parent), str(crm.path), as_of=DAY, crm=crm.link)
    platforms = {c.id: c.platform for c in run.snapshot.crm.leads}
    assert platforms[60003] == "Instagram" and platforms[60004] is None  # no source: "Missing: Platform"
    assert (60004, "leads_required") in {(f.row, f.rule) for f in run.report.flags if f.tab == "crm"}
    assert any(r.operation == "Sources_list" for r in crm.emu.requests) and crm.emu.schema_errors == []
    crm.emu.tokens[TOKEN].denied = {"events"}
    with pytest.raises(RunError) as e:
        jobs.validate(LocalBackend(crm.path.parent), str(crm.path), as_of=DAY, crm=crm.fresh_link(full=True))
    assert "403" in str(e.value) and "events" in str(e.value) and "\n" not in str(e.value)
