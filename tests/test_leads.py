"""The contacts register: the Leads tab's rules one by one, phones as people type them,
and personal data that never leaves the sheet unmasked, through every command, on both backends."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan.jobs import project as jobs
from sheets_plan.core import personal
from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.core.flags import render_text
from sheets_plan.sheets.values import Grid, serial
from sheets_plan.backends.local import LocalBackend
from sheets_plan.core.procedure import check
from sheets_plan.jobs.provision import provision
from sheets_plan.core.table import read_table
from sheets_plan_emulators.google import Emulator

from .constants import RUN_AT
from .google_fixtures import google_backend
from .constants import AS_OF, TEMPLATE as T
from .person import person_parts

LEADS = T.tab("leads")
ADMINS = ["Anna", "Bob"]
D = lambda y, m, d: serial(dt.date(y, m, d))  # noqa: E731


def contact(**cells) -> dict:
    """A contact that satisfies every rule: an application with a phone, an e-mail and a profile."""
    row = {"first_contact": D(2026, 3, 2), "platform": "Instagram", "responsible": "Anna", "name": "Иванова Анна",
           "phone": "+7 999 123-45-67", "profile": "https://instagram.com/anna_i", "email": "anna@example.com",
           "product": "Абонемент", "stage": "заявка", "stage_date": D(2026, 3, 4)}
    row.update(cells)
    return row


def run(rows: list[dict], locale: str = "ru"):
    grid = Grid(LEADS.title(locale), [[c.label(locale) for c in LEADS.columns]]
                + [[r.get(c.key) for c in LEADS.columns] for r in rows])
    return check(T, {"leads": read_table(LEADS, grid, as_of=AS_OF, admins=ADMINS)}, as_of=AS_OF, locale=locale)


def hits(report) -> list[tuple[str, str]]:
    return [(f.rule, f.cell) for f in report.flags]


def test_a_tidy_register_has_no_flags():
    second = contact(name="Петров Пётр", phone="+7 916 555-12-34", profile="https://vk.com/petrov",
                     email="petrov@example.com", platform="VK", stage="диалог")
    assert run([contact(), second]).flags == []


# ------------------------------------------------------------------ one test per rule

def test_required_cells():
    assert hits(run([contact(name=None)])) == [("leads_required", "D2")]
    assert hits(run([contact(stage="  ")])) == [("leads_required", "I2")]


def test_a_choice_not_in_the_list():
    assert hits(run([contact(stage="думает")])) == [("leads_types", "I2")]


def test_a_warm_lead_needs_a_way_to_reach_them():
    report = run([contact(stage="тёплый лид", phone=None, email=None, profile=None)])
    assert hits(report) == [("leads_contact", "E2")]
    assert report.flags[0].message == "Нет ни телефона, ни e-mail, ни профиля при этапе «тёплый лид»"
    assert run([contact(stage="диалог", phone=None, email=None, profile=None)]).flags == []  # a dialog needs none


def test_an_application_needs_a_phone_or_an_e_mail():
    assert hits(run([contact(phone=None, email=None)])) == [("leads_reachable", "E2")]
    assert run([contact(phone=None)]).flags == [] and run([contact(email=None)]).flags == []


def test_a_phone_that_is_no_number():
    report = run([contact(phone="8 (916) 55-12")], locale="en")
    assert hits(report) == [("leads_phone", "E2")]
    assert report.flags[0].message == "Phone * (***) 55-12: too short a number"
    assert report.unmasked[report.flags[0]] == "Phone 8 (916) 55-12: too short a number"


def test_a_good_number_spelled_otherwise_is_no_flag():
    """Another spelling of a good number is not a slip to warn about: `fix` rewrites it (test_fix)."""
    assert run([contact(phone="8 (999) 123-45-67"), contact(phone="89161234567", name="Петров Пётр",
                                                            profile="https://vk.com/petrov")]).flags == []


def test_an_e_mail_address():
    report = run([contact(email="anna@mail")])
    assert hits(report) == [("leads_email", "G2")] and report.flags[0].message == "E-mail a***@mail: не адрес e-mail"
    assert run([contact(email="anna@@example.com")]).flags[0].rule == "leads_email"


def test_a_profile_link_of_a_known_network():
    assert hits(run([contact(profile="instagram.com/anna")])) == [("leads_profile", "F2")]
    report = run([contact(profile="https://example.com/anna")], locale="en")
    assert report.flags[0].message == "Profile https://example.com/***: not a link to a social network profile"
    assert run([contact(profile="https://www.instagram.com/anna_i/?hl=ru")]).flags == []


def test_the_same_contact_twice():
    first = contact()
    same_phone = contact(name="Анна И.", phone="89991234567", profile=None, email=None, stage="диалог")
    same_profile = contact(name="А. Иванова", phone=None, email="other@example.com",
                           profile="https://www.Instagram.com/anna_i/")
    report = run([first, same_phone, same_profile])
    assert [(f.rule, f.cell) for f in report.flags if f.rule == "leads_duplicate"] == [("leads_duplicate", "E3"),
                                                                                      ("leads_duplicate", "F4")]
    assert "тот же контакт, что в строке 2" in report.flags[-1].message


def test_a_stage_before_the_first_contact():
    assert hits(run([contact(stage_date=D(2026, 3, 1))])) == [("leads_stage_date", "J2")]
    assert run([contact(stage_date=D(2026, 3, 2))]).flags == []  # the same day is fine


# ------------------------------------------------------------------ phones as people type them

PHONES = [  # (typed, the one spelling or None, the problem or None)
    ("+7 999 123-45-67", "+7 999 123-45-67", None),
    ("8 (999) 123-45-67", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("+7 999 1234567", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("89991234567", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("7-999-123-45-67", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("9991234567", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("8(999)1234567", "+7 999 123-45-67", personal.PHONE_FORMAT),
    (" +7 (999) 123 45 67 ", "+7 999 123-45-67", personal.PHONE_FORMAT),
    ("+7 (495) 123-45-67", "+7 495 123-45-67", personal.PHONE_FORMAT),
    ("8-800-555-35-35", "+7 800 555-35-35", personal.PHONE_FORMAT),
    ("+7 999 123-45-67 доб. 12", "+7 999 123-45-67 доб. 12", None),
    ("+7 999 123-45-67 ext. 12", "+7 999 123-45-67 доб. 12", personal.PHONE_FORMAT),
    ("+44 20 7946 0958", "+44 20 7946 0958", None),
    ("+1 202-555-0143", "+1 202-555-0143", None),
    ("+380 44 123 4567", "+380 44 123 4567", None),
    ("+49 30 123456", "+49 30 123456", None),
    ("позвонить вечером", None, personal.PHONE_UNREADABLE),
    ("8 999 12З 45 67", None, personal.PHONE_UNREADABLE),  # a Cyrillic З for a 3
    ("abc", None, personal.PHONE_UNREADABLE),
    ("123", None, personal.PHONE_SHORT),
    ("8 (916) 55-12", None, personal.PHONE_SHORT),
    ("+7 999 123 45 67 89", None, personal.PHONE_LONG),
    ("+7 000 000-00-00", None, personal.PHONE_INVALID),
]


@pytest.mark.parametrize("typed, shown, problem", PHONES, ids=[p[0] for p in PHONES])
def test_phone_spellings(typed, shown, problem):
    assert personal.read_phone(typed) == (shown, problem)


def test_phone_spellings_cover_enough_of_the_real_world():
    assert len(PHONES) >= 20 and {p for _, _, p in PHONES} == {
        None, personal.PHONE_FORMAT, personal.PHONE_UNREADABLE, personal.PHONE_SHORT, personal.PHONE_LONG,
        personal.PHONE_INVALID}


def test_masks():
    assert personal.mask("8 (999) 123-45-67", "phone") == "+7 *** ***-45-67"
    assert personal.mask("anna.k@mail.ru", "email") == "a***@mail.ru"
    assert personal.mask("https://instagram.com/anna_k", "url") == "https://instagram.com/***"
    assert personal.mask("Иванова Анна Петровна", "text") == "И*** А*** П***"
    assert personal.mask("Ivan calls back", "phone") == "**** ***** ****"  # no readable number: nothing shown


# ------------------------------------------------------------------ personal data stays in the sheet

PEOPLE = [("Смирнова Ольга", "+7 915 321-54-76", "olga.smirnova@example.com", "https://instagram.com/olga_sm"),
          ("Kuznetsov Ivan", "8 (926) 444-19-08", "ivan.k@example.org", "https://vk.com/ivan_kuz"),
          ("Попова Мария", "89031112233", "maria@mail", "https://example.com/maria"),          # two mistakes
          ("Васильев Пётр", "8 926 44", "petr@example.com", "https://t.me/petr_v"),           # too short
          ("Lebedeva Irina", "+7 915 321-54-76", None, None)]                               # the same phone


def secrets() -> list[str]:
    """Every piece of the people's data a leak would show: names, phones (typed and as digits), e-mails'
    local parts, profile handles."""
    out = []
    for name, phone, email, profile in PEOPLE:
        out += name.split()
        digits = re.sub(r"\D", "", phone)
        out += [phone, digits, digits[1:], digits[-7:-4] + digits[-4:-2]]  # e.g. "3215476" minus the code
        if email:
            out += [email, email.split("@")[0]]
        if profile:
            out.append(profile.rstrip("/").rsplit("/", 1)[-1])
    return [s for s in out if len(s) >= 4]


def leads_rows() -> list[list]:
    rows = []
    for n, (name, phone, email, profile) in enumerate(PEOPLE):
        rows.append([D(2026, 3, 2 + n), "Instagram", ADMINS[n % 2], name, phone, profile, email, "Кейтеринг",
                     "заявка", D(2026, 3, 3 + n), "перезвонить"])
    return rows


@pytest.fixture
def full_of_people(tmp_path) -> Path:
    backend = LocalBackend(tmp_path)
    path = provision(backend, "People", admins=ADMINS, locale="ru", template=T)
    plan, account = sample_rows(T, "ru", AS_OF)
    fill_rows(backend, path, T, plan[:20], account, leads_rows())
    return Path(path)


def _leaks(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in secrets() if s.lower() in lowered]


@pytest.mark.slow
def test_no_command_prints_a_contact_s_data(full_of_people, caplog):
    path, folder = full_of_people, full_of_people.parent
    commands = [["validate", path], ["validate", path, "--format", "json"], ["validate", path, "--format", "csv"],
                ["validate", path, "--no-write"], ["summarize", path], ["report", path],
                ["report", path, "--by", "responsible", "--format", "json"], ["fix", path],
                ["fix", path, "--format", "json"], ["fix", path, "--apply"], ["weekly", "--dir", folder],
                ["weekly", "--dir", folder, "--format", "json"], ["list", "--dir", folder], ["upgrade", path]]
    runner = CliRunner()
    seen = []
    for command in commands:
        result = runner.invoke(cli, [str(a) for a in command + (["--as-of", AS_OF.isoformat()]
                                                                 if command[0] not in ("list", "upgrade") else [])])
        assert result.exit_code in (0, 1), (command, result.output)
        seen.append(result.output)
        assert not _leaks(result.output + (result.stderr if result.stderr_bytes else "")), command
    assert not _leaks(caplog.text)
    # the tool's tabs: the Check tab's flags, the Log, the Weekly tab
    wb = openpyxl.load_workbook(path)
    for title in ("Проверка", "Журнал проверок", "Статистика по неделям"):
        text = "\n".join(str(v) for row in wb[title].iter_rows(values_only=True) for v in row if v is not None)
        assert not _leaks(text), title
    check_tab = "\n".join(str(v) for row in wb["Проверка"].iter_rows(values_only=True) for v in row if v)
    assert "* *26 44" in check_tab and "m***@mail" in check_tab  # masked, and linked to their cells
    # the data is in the sheet, and the check did see it: the test could fail
    assert _leaks("\n".join(str(v) for row in wb["Лиды"].iter_rows(values_only=True) for v in row if v))
    assert "leads_phone" in seen[0] and "leads_duplicate" in seen[0]


def test_show_personal_data_lifts_the_mask_on_the_terminal_only(full_of_people):
    runner = CliRunner()
    shown = runner.invoke(cli, ["validate", str(full_of_people), "--no-write", "--show-personal-data",
                                "--as-of", AS_OF.isoformat()])
    assert shown.exit_code == 1 and "8 926 44" in shown.output and "maria@mail" in shown.output
    refused = runner.invoke(cli, ["validate", str(full_of_people), "--format", "json", "--show-personal-data"])
    assert refused.exit_code == 2 and "text output" in refused.output


def test_cassettes_hold_no_contact_s_data():
    from sheets_plan.jobs.demo import sample_leads

    cassettes = Path(__file__).parent / "cassettes"
    rows = sample_leads(T, "ru", jobs_as_of())
    people = {str(v) for row in rows for v in (row[3], row[4], row[6]) if v}
    text = "".join(p.read_text(encoding="utf-8") for p in cassettes.glob("*.yaml"))
    assert "Лиды" in text  # the flows read a register
    assert not [p for p in people if p in text]


def jobs_as_of() -> dt.date:
    from .test_cassettes import AS_OF as CASSETTE_AS_OF

    return CASSETTE_AS_OF


# ------------------------------------------------------------------ both backends

@pytest.mark.slow
def test_the_same_flags_locally_and_on_google(tmp_path):
    emu = Emulator()
    google = google_backend(emu, emu.add_folder("Team"))
    local = LocalBackend(tmp_path)
    reports = []
    for backend in (google, local):
        sid = provision(backend, "People", admins=ADMINS, locale="ru", template=T)
        plan, account = sample_rows(T, "ru", AS_OF)
        fill_rows(backend, sid, T, plan[:20], account, leads_rows())
        reports.append(jobs.validate(backend, sid, template=T, as_of=AS_OF, run_at=RUN_AT))
    on_google, on_disk = reports
    assert [f for f in on_google.flags if f.tab == "leads"] == [f for f in on_disk.flags if f.tab == "leads"]
    assert {f.rule for f in on_disk.flags if f.tab == "leads"} == {
        "leads_phone", "leads_email", "leads_profile", "leads_duplicate"}
    assert render_text(on_google, "ru") == render_text(on_disk, "ru")


@pytest.mark.slow
def test_the_funnel_and_the_kpis_are_the_same_through_the_emulator(tmp_path):
    """The KPI tab as the emulator computes its formulas (in ru_RU syntax) equals `report --by admin`,
    and both backends give the same KPI and funnel figures."""
    import math

    from sheets_plan.jobs.demo import sample_leads
    from sheets_plan.sheets.a1 import quote_title

    emu = Emulator()
    google = google_backend(emu, emu.add_folder("Team"))
    local = LocalBackend(tmp_path)
    out = {}
    for name, backend in (("google", google), ("local", local)):
        sid = provision(backend, "Кофейня", admins=["Анна", "Борис", "Вера"], locale="ru", template=T)
        plan, account = sample_rows(T, "ru", AS_OF)
        fill_rows(backend, sid, T, plan, account, sample_leads(T, "ru", AS_OF))
        run = jobs.run_project(backend, sid, template=T, as_of=AS_OF, run_at=RUN_AT)
        out[name] = (backend, sid, run, jobs.kpi_figures(run.snapshot, run.report))
    (backend, sid, run, kpis), (_, _, local_run, local_kpis) = out["google"], out["local"]
    assert kpis.equals(local_kpis) and run.figures.equals(local_run.figures)
    assert kpis["dialogs"].sum() > 0 and run.figures["applications"].sum() > 0  # the register was counted

    layout = jobs.kpi_layout(run.snapshot, run.report)
    grid = backend.read(sid, [quote_title(run.snapshot.titles["kpi"])])[0]
    compared = 0
    for (admin, week, key), (r, c) in layout.cells.items():
        want = kpis.loc[(admin, week), key]
        got = grid.values[r][c] if c < len(grid.values[r]) else None
        if isinstance(want, float) and math.isnan(want):
            assert got in (None, ""), (admin, week, key, got)
        else:
            assert isinstance(got, (int, float)) and math.isclose(got, want, rel_tol=1e-9), (admin, week, key, got)
            compared += 1
    assert compared > 100


def test_a_contact_dated_in_the_future_is_flagged_when_a_person_types_it(tmp_path, office):
    """In Calc, a person dates one contact next month and another 2062 (a year typo): both flagged,
    neither counts in a week that has come, and the check changes nothing the person typed."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Future", admins=ADMINS, locale="ru", template=T)
    plan, account = sample_rows(T, "ru", AS_OF)
    fill_rows(backend, path, T, plan[:20], account, leads_rows())
    before = jobs.report(backend, path, template=T, as_of=AS_OF, weeks=4)[1]
    office.edit(path, [["set", "Лиды", "A2", D(2026, 4, 20)], ["set", "Лиды", "A3", D(2062, 3, 10)]])
    typed = person_parts(path)["Лиды"]
    report = jobs.validate(backend, path, template=T, as_of=AS_OF, run_at=RUN_AT)
    assert person_parts(path)["Лиды"] == typed
    found = [(f.rule, f.cell, f.message) for f in report.flags if f.rule in ("leads_future", "leads_date_typo")]
    assert found == [("leads_future", "A2", "Первый контакт: дата в будущем"),  # one mistake, one flag: 2062 a typo
                     ("leads_date_typo", "A3", "Дата 10.03.2062 далеко от остальных дат реестра "
                                               "(04.03.2026 – 20.04.2026) — опечатка в годе?")]
    after = jobs.report(backend, path, template=T, as_of=AS_OF, weeks=4)[1]
    week = dt.date(2026, 3, 2)  # the two contacts' week before the edit: two applications fewer
    assert after.loc[week, "applications"] == before.loc[week, "applications"] - 2
    assert list(after.index) == list(before.index)  # no week beyond the as-of week appears


def test_a_person_s_data_typed_in_the_wrong_column_is_masked_everywhere(tmp_path, office):
    """In Calc, a contact's name typed into Responsible and a phone into Stage: the flags quote them
    masked in the text, JSON and CSV output and the Check tab; the register stays as typed."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Wrong column", admins=ADMINS, locale="ru", template=T)
    plan, account = sample_rows(T, "ru", AS_OF)
    fill_rows(backend, path, T, plan[:20], account, leads_rows())
    office.edit(path, [["set", "Лиды", "C2", "Козлова Ирина"], ["set", "Лиды", "I3", "+7 903 765-43-21"]])
    typed = person_parts(path)["Лиды"]
    leaks = ("Козлова", "Ирина", "903", "765-43", "7654321")
    outputs = []
    for extra in ([], ["--format", "json"], ["--format", "csv"]):
        result = CliRunner().invoke(cli, ["validate", path, "--as-of", AS_OF.isoformat(), *extra])
        assert result.exit_code == 1, result.output
        outputs.append(result.output)
    check_tab = "\n".join(str(v) for row in openpyxl.load_workbook(path)["Проверка"].iter_rows(values_only=True)
                          for v in row if v)
    for text in outputs + [check_tab]:
        assert not [s for s in leaks if s in text.replace(" ", "") or s in text]
        assert "«К*** И***» — нет в списке" in text
        assert "+7 *** ***-43-21" in text
    assert person_parts(path)["Лиды"] == typed
    shown = CliRunner().invoke(cli, ["validate", path, "--as-of", AS_OF.isoformat(), "--no-write",
                                     "--show-personal-data"]).output
    assert "«Козлова Ирина» — нет в списке" in shown and "«+7 903 765-43-21» — нет в списке" in shown
