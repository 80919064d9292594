"""`sheets-plan fix`: lists the admin cells the statistics do not count as
typed, changes nothing without --apply, and with it changes exactly those
cells (one atomic write; one batchUpdate on Google) and logs the count.
Also the flags that make the check less noisy and blame the right cell."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.cli.commands import cli
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial
from sheets_plan.backends.xlsx.book import Book

from .constants import RUN_AT
from .google_fixtures import google_backend
from .person import listed_admins

AS_OF = dt.date(2026, 3, 20)
ADMINS = {"ru": ["Аня", "Боря"], "en": ["Anna", "Boris"]}


def plan_row(date, platform, responsible, status, likes=10, reach=100, link="https://t.me/c/1", fmt="пост"):
    return [date, None, platform, fmt, None, "topic", "caption", responsible, status, link,
            likes, 2, 3, 1, reach, 300]


def messy_rows() -> tuple[list[list], list[list]]:
    """What the issue saw admins type, one case per row."""
    plan = [
        plan_row(serial(dt.date(2026, 3, 2)), "Instagram", "Аня", "опубликовано", likes="1 520"),
        plan_row(serial(dt.date(2026, 3, 3)), "Instagram", "Аня", "Published ", link="https://t.me/c/2"),
        plan_row("12 марта", "VK", "Боря", "опубликовано", link="https://t.me/c/3"),
        plan_row("2026.03.03", "VK", "Боря", "опубликовано", link="https://t.me/c/4"),
        plan_row("02.03.2026 18:00", "VK", "Боря", "опубликовано", link="https://t.me/c/5"),
        plan_row(serial(dt.date(2026, 3, 10)), "instagram ", " аня ", "опубликовано", link="https://t.me/c/6"),
        plan_row(serial(dt.date(2026, 3, 11)), "Telegram", "Боря", "опубликовано", reach="1\u00a0200",
                 link="https://t.me/c/7"),
    ]
    account = [[serial(dt.date(2026, 3, 2)), "Instagram", 4100, 10, 3, 1],
               [serial(dt.date(2026, 3, 9)), "Instagram", "4 200", 12, 4, 1],
               [serial(dt.date(2026, 3, 2)), "VK", 900, 2, 1, 0], [serial(dt.date(2026, 3, 9)), "VK", 910, 1, 0, 0],
               [serial(dt.date(2026, 3, 9)), "Telegram", 300, 0, 0, 0]]
    return plan, account


@pytest.fixture
def messy(tmp_path, template) -> Path:
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Messy", admins=ADMINS["ru"], locale="ru", template=template)
    demo.fill_rows(backend, path, template, *messy_rows())
    return Path(path)


def fix(path, *extra):
    result = CliRunner().invoke(cli, ["fix", str(path), "--as-of", AS_OF.isoformat(), *extra])
    assert result.exit_code == 0, result.output
    return result


def cells(path: Path) -> dict:
    """Every cell of every tab: (tab, row, column) -> value or formula, as the workbook holds them."""
    book = Book(path)
    out = {}
    for sheet in book.resource()["sheets"]:
        title = sheet["properties"]["title"]
        grid = book.read([f"'{title}'"])[0]
        for r, row in enumerate(grid.values):
            for c, v in enumerate(row):
                f = grid.formulas[r][c] if grid.formulas and r < len(grid.formulas) and c < len(grid.formulas[r]) \
                    else None
                if v is not None or f:
                    out[(title, r, c)] = f or v
    return out


@pytest.mark.slow
def test_dry_run_lists_per_admin_and_leaves_the_file_byte_identical(messy):
    before = messy.read_bytes()
    text = fix(messy).output
    assert messy.read_bytes() == before
    assert "ячеек к исправлению: 9" in text and "--apply" in text
    for line in ["Контент-план!K2  «1 520» → число 1520", "Контент-план!I3  «Published » → «опубликовано»",
                 "Контент-план!A4  «12 марта» → дата 12.03.2026", "Контент-план!A5  «2026.03.03» → дата 03.03.2026",
                 "Контент-план!A6  «02.03.2026 18:00» → дата 02.03.2026 18:00",
                 "Контент-план!C7  «instagram » → «Instagram»", "Контент-план!H7  « аня » → «Аня»",
                 "Контент-план!O8  «1\u00a0200» → число 1200", "Аккаунт!C3  «4 200» → число 4200"]:
        assert line in text, (line, text)
    assert text.index("Аня:") < text.index("Контент-план!K2") < text.index("Боря:") < text.index("Контент-план!A4")
    data = json.loads(fix(messy, "--format", "json").output)
    assert data["applied"] is False and data["count"] == 9 and messy.read_bytes() == before
    assert {(c["tab"], c["cell"], c["problem"]) for c in data["changes"]} >= {
        ("plan", "K2", "text_number"), ("plan", "A4", "text_date"), ("plan", "I3", "spelling"),
        ("account", "C3", "text_number")}


@pytest.mark.slow
def test_apply_changes_exactly_the_listed_cells_then_nothing_is_left(messy, template):
    listed = json.loads(fix(messy, "--format", "json").output)["changes"]
    before = cells(messy)
    assert "исправлено ячеек: 9" in fix(messy, "--apply").output
    after = cells(messy)
    titles = {"plan": "Контент-план", "account": "Аккаунт"}
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    log = {k for k in changed if k[0] == "Журнал проверок"}
    assert {(k[0], k[1] + 1) for k in changed - log} == {(titles[c["tab"]], c["row"]) for c in listed}
    assert len(changed - log) == len(listed)
    plan = {k[2]: v for k, v in after.items() if k[0] == "Контент-план"}
    assert after[("Контент-план", 1, 10)] == 1520 and after[("Контент-план", 2, 8)] == "опубликовано"
    assert after[("Контент-план", 3, 0)] == serial(dt.date(2026, 3, 12))
    assert after[("Контент-план", 5, 0)] == serial(dt.date(2026, 3, 2)) + 0.75  # the time of day kept
    assert after[("Контент-план", 6, 7)] == "Аня" and after[("Аккаунт", 2, 2)] == 4200
    assert plan  # the plan tab was read
    # the Log: the count in its own column, on the as-of date's row
    header = [after.get(("Журнал проверок", 0, c)) for c in range(12)]
    column = header.index("Исправлено командой fix")
    assert after[("Журнал проверок", 1, column)] == 9 and after[("Журнал проверок", 1, 1)] == serial(AS_OF)
    # idempotent: nothing left to list, and a second --apply writes nothing
    again = fix(messy, "--apply")
    assert "исправлять нечего" in again.output and cells(messy) == after
    # and the check has nothing left to say about counting
    flags = jobs.validate(LocalBackend(messy.parent), str(messy), template=template, as_of=AS_OF).flags
    assert not [f for f in flags if f.rule in ("counted", "account_counted")]


@pytest.mark.slow
def test_after_fix_report_counts_what_the_admins_meant(messy, template):
    backend = LocalBackend(messy.parent)
    _, before = jobs.report(backend, str(messy), template=template, as_of=AS_OF, weeks=3)
    fix(messy, "--apply")
    _, after = jobs.report(backend, str(messy), template=template, as_of=AS_OF, weeks=3)
    week = dt.date(2026, 3, 2)
    assert before.loc[week, "posts"] == 1 and after.loc[week, "posts"] == 4  # the status, two text dates
    assert before.loc[week, "likes"] == 0 and after.loc[week, "likes"] == 1520 + 3 * 10
    # the project's followers: Instagram's (the fixed "4 200"; before, its last known 4100), VK's and Telegram's
    assert before.loc[dt.date(2026, 3, 9), "followers"] == 4100 + 910 + 300
    assert after.loc[dt.date(2026, 3, 9), "followers"] == 4200 + 910 + 300 and after.loc[week, "followers"] == 4100 + 900


@pytest.mark.slow
def test_a_validate_log_row_and_the_fix_count_share_the_day(messy, template):
    backend = LocalBackend(messy.parent)
    jobs.validate(backend, str(messy), template=template, as_of=AS_OF, run_at=RUN_AT)
    fix(messy, "--apply")
    jobs.validate(backend, str(messy), template=template, as_of=AS_OF, run_at=RUN_AT)
    log = Book(messy).read(["'Журнал проверок'"])[0].values
    assert len([r for r in log[1:] if r and r[1] == serial(AS_OF)]) == 1
    row = log[1]
    assert row[log[0].index("Исправлено командой fix")] == 9 and row[3] == 0  # no errors left after the fix


@pytest.mark.slow
def test_fix_on_google_is_one_batch_update(emu, template):
    folder = emu.add_folder("Team drive")
    backend = google_backend(emu, folder)
    sid = provision(backend, "Messy", admins=["anna@agency.com"], locale="ru", template=template)
    plan, account = messy_rows()
    for row in plan:
        row[7] = row[7].replace("Аня", "anna@agency.com").replace("аня", "ANNA@agency.com").replace(
            "Боря", "anna@agency.com")
    demo.fill_rows(backend, sid, template, plan, account)
    emu.requests.clear()
    dry = jobs.fix(backend, sid, template=template, as_of=AS_OF)
    assert len(dry.changes) == 9 and not dry.applied
    assert [r.method_id for r in emu.requests] == ["sheets.spreadsheets.get"] * 2
    emu.requests.clear()
    done = jobs.fix(backend, sid, template=template, as_of=AS_OF, apply=True, run_at=RUN_AT)
    assert done.applied and [r.method_id for r in emu.requests].count("sheets.spreadsheets.batchUpdate") == 1
    assert jobs.fix(backend, sid, template=template, as_of=AS_OF).changes == []
    _, figures = jobs.report(backend, sid, template=template, as_of=AS_OF, weeks=3)
    assert figures.loc[dt.date(2026, 3, 2), "posts"] == 4


# ------------------------------------------------------------------ less noise, right blame

@pytest.mark.slow
def test_a_year_typo_is_one_flag_on_its_cell_and_moves_no_week(tmp_path, template):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Typo", admins=ADMINS["ru"], locale="ru", template=template)
    plan = [plan_row(serial(dt.date(2026, 3, 2) + dt.timedelta(days=d)), "VK", "Аня", "опубликовано",
                     link=f"https://t.me/c/{d}") for d in range(18)]
    account = [[serial(dt.date(2026, 3, 2) + dt.timedelta(weeks=w)), "VK", 4000 + w, 1, 1, 1] for w in range(2)]
    demo.fill_rows(backend, path, template, plan, account)
    clean = jobs.run_project(backend, path, template=template, as_of=AS_OF)
    plan[4][0] = serial(dt.date(2016, 3, 9))  # 09.03.2016 for 09.03.2026
    demo.fill_rows(backend, path, template, plan, account)
    typo = jobs.run_project(backend, path, template=template, as_of=AS_OF)
    new = [f for f in typo.report.flags if f not in clean.report.flags]
    assert [(f.rule, f.cell, f.admin) for f in new] == [("date_typo", "A6", "Аня")]
    assert "09.03.2016" in new[0].message and "02.03.2026 – 19.03.2026" in new[0].message
    assert jobs.plan_weeks(typo.snapshot) == jobs.plan_weeks(clean.snapshot)
    assert list(typo.figures.index) == list(clean.figures.index)


def test_consecutive_missing_account_weeks_are_one_flag(tmp_path, template):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Gaps", admins=ADMINS["en"], locale="en", template=template)
    first = dt.date(2026, 1, 5)
    plan = [plan_row(serial(first + dt.timedelta(weeks=w)), "VK", "Anna", "published", fmt="post",
                     link=f"https://t.me/c/{w}") for w in range(10)]
    weeks_with_rows = {0, 1, 5, 7}  # missing: 2-4 (a run), 6 (alone), 8-9 (a run up to the last complete week)
    account = [[serial(first + dt.timedelta(weeks=w)), "VK", 4000, 1, 1, 1] for w in sorted(weeks_with_rows)]
    demo.fill_rows(backend, path, template, plan, account)
    as_of = first + dt.timedelta(weeks=10, days=2)
    flags = [f for f in jobs.validate(backend, path, template=template, as_of=as_of, write=False).flags
             if f.rule == "weekly"]
    assert [f.message for f in flags] == [
        "VK: no row with followers: the weeks 19.01.2026 – 02.02.2026 (3 weeks)",
        "VK: no row with followers: the week of 16.02.2026",
        "VK: no row with followers: the weeks 02.03.2026 – 09.03.2026 (2 weeks)"]


@pytest.mark.slow
def test_a_second_account_row_for_a_week_is_flagged_on_that_row(messy, template):
    backend = LocalBackend(messy.parent)
    plan, account = messy_rows()
    account.append([serial(dt.date(2026, 3, 4)), "Instagram", 4150, 11, 3, 1])  # Wednesday of the first week
    demo.fill_rows(backend, str(messy), template, plan, account)
    flags = [f for f in jobs.validate(backend, str(messy), template=template, as_of=AS_OF, write=False).flags
             if f.rule == "duplicate_week"]
    assert [(f.cell, f.severity) for f in flags] == [("A7", "warning")]
    assert "02.03.2026" in flags[0].message and "строка 2" in flags[0].message and "строка 7" in flags[0].message
    _, figures = jobs.report(backend, str(messy), template=template, as_of=AS_OF, weeks=3)
    _, instagram = jobs.report(backend, str(messy), template=template, as_of=AS_OF, weeks=3, by="platform")
    assert instagram.loc[("Instagram", dt.date(2026, 3, 2)), "followers"] == 4150  # the lowest row, as the formula
    assert figures.loc[dt.date(2026, 3, 2), "followers"] == 4150 + 900


def test_a_phone_in_another_spelling_is_no_flag_and_fix_rewrites_it_masked(tmp_path, template):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Phones", admins=ADMINS["ru"], locale="ru", template=template)
    typed = ["8 (999) 123-45-67", "89161234567", "+7 916 555-12-34", "8 (916) 55-12"]
    leads = [[serial(dt.date(2026, 3, 2)), "Instagram", "Аня", f"Иванова Анна {n}", phone,
              f"https://instagram.com/anna_{n}", f"anna{n}@example.com", "Кейтеринг", "диалог",
              serial(dt.date(2026, 3, 3)), ""] for n, phone in enumerate(typed)]
    demo.fill_rows(backend, path, template, [], [], leads)
    report = jobs.validate(backend, path, template=template, as_of=AS_OF, write=False)
    assert [(f.rule, f.cell) for f in report.flags if f.tab == "leads"] == [("leads_phone", "E5")]

    listed = fix(path).output
    assert "«* (***) ***-45-67» → тот же номер в одном написании: +7 *** ***-45-67" in listed
    assert "«*******4567» → тот же номер в одном написании: +7 *** ***-45-67" in listed
    machine = fix(path, "--format", "json").output
    for text in (listed, machine):  # the numbers themselves never leave the sheet
        assert not any(d in text.replace(" ", "").replace("-", "") for d in ("9991234567", "9161234567", "999123", "916123"))
    assert [(c["cell"], c["problem"]) for c in json.loads(machine)["changes"]] == [
        ("E2", "phone_spelling"), ("E3", "phone_spelling")]

    before = cells(Path(path))
    fix(path, "--apply")
    after = cells(Path(path))
    changed = {k: after[k] for k in after if before.get(k) != after[k] and k[0] == "Лиды"}
    assert changed == {("Лиды", 1, 4): "+7 999 123-45-67", ("Лиды", 2, 4): "+7 916 123-45-67"}
    assert "исправлять нечего" in fix(path).output


def test_a_count_typed_with_a_dot_between_thousands_is_read_as_the_count(messy, template, office):
    """“1.520” typed in Calc into a Russian plan's Likes is 1520 written as many Russians write it,
    not 1.52 (a count is whole): the check names 1520 and `fix` writes it, and nothing else."""
    office.edit(messy, [["unprotect", "Контент-план"], ["set", "Контент-план", "K3", "1.520"],
                        ["set", "Контент-план", "O3", 4000], ["set", "Контент-план", "P3", 9000]])
    flags = jobs.validate(LocalBackend(messy.parent), str(messy), template=template, as_of=AS_OF, write=False).flags
    k3 = [(f.rule, f.message) for f in flags if f.cell == "K3"]
    assert k3 == [("counted", "Лайки: «1.520» не входит в статистику — число записано как текст; "
                              "должно быть: число 1520 (исправит sheets-plan fix)")]
    listed = json.loads(fix(messy, "--format", "json").output)["changes"]
    assert [(c["old"], c["new"]) for c in listed if c["cell"] == "K3"] == [("1.520", "1520")]
    before = cells(messy)
    fix(messy, "--apply")
    after = cells(messy)
    assert after[("Контент-план", 2, 10)] == 1520
    changed = {f"{col_letter(k[2])}{k[1] + 1}" for k in after if k[0] == "Контент-план" and before.get(k) != after[k]}
    assert changed == {c["cell"] for c in listed if c["tab"] == "plan"}


def test_a_date_typed_without_a_year_takes_the_plan_s_year_or_is_left_to_the_admin(tmp_path, template, office):
    """In Calc, a published post dated “31/12” in a January–March plan is 31.12.2025, not a future
    31.12.2026; “15 июля”, months from any dated row, is listed for the admin and never written."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Years", admins=ADMINS["ru"], locale="ru", template=template)
    plan = [plan_row(serial(dt.date(2026, 1, 5) + dt.timedelta(weeks=i)), "VK", "Аня", "опубликовано",
                     link=f"https://t.me/c/{i}") for i in range(10)]
    demo.fill_rows(backend, path, template, plan + [plan_row(serial(dt.date(2026, 3, 12)), "VK", "Боря", "идея",
                                                             link=f"https://t.me/c/{n}") for n in (11, 12)], [])
    office.edit(path, [["unprotect", "Контент-план"], ["set", "Контент-план", "A12", "31/12"],
                       ["set", "Контент-план", "I12", "опубликовано"], ["set", "Контент-план", "A13", "15 июля"]])
    report = jobs.validate(backend, path, template=template, as_of=AS_OF, write=False)
    flags = {f.cell: (f.rule, f.message) for f in report.flags if f.cell in ("A12", "A13")}
    # one mistake, one flag: the text date asks for no Account rows back to December
    weekly = [f.message for f in report.flags if f.rule == "weekly"]
    assert weekly and not [m for m in weekly if "2025" in m], weekly
    assert flags == {
        "A12": ("counted", "Дата: «31/12» не входит в статистику — дата записана как текст; должно быть: "
                           "дата 31.12.2025 (исправит sheets-plan fix)"),
        "A13": ("counted", "Дата: «15 июля» не входит в статистику — дата записана как текст, без года; должно быть: "
                           "дата с годом (15.07.2026?): год не ясен, впишите его сами")}
    listed = fix(path).output
    assert "«31/12» → дата 31.12.2025" in listed and "«15 июля» → дата с годом (15.07.2026?)" in listed
    before = cells(Path(path))
    assert "исправлено ячеек: 1" in fix(path, "--apply").output
    after = cells(Path(path))
    changed = {k: after[k] for k in after if k[0] == "Контент-план" and before.get(k) != after[k]}
    assert changed == {("Контент-план", 11, 0): serial(dt.date(2025, 12, 31))}
    assert after[("Контент-план", 12, 0)] == "15 июля"  # the admin's to settle


def test_a_renamed_admin_keeps_their_history(tmp_path, template):
    """The manager renames Боря to Борис with provision: the dropdown offers Борис, Боря's rows are
    Борис's (flagged as spelled otherwise, not as nobody's), `fix --apply` writes the new name, and
    the KPIs count Борис's posts of the weeks before the rename."""
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Renamed", admins=ADMINS["ru"], locale="ru", template=template)
    monday = dt.date(2026, 3, 9)
    demo.fill_rows(backend, path, template, [
        plan_row(serial(monday), "VK", "Боря", "опубликовано", link="https://t.me/c/1"),
        plan_row(serial(monday + dt.timedelta(days=1)), "VK", "Боря", "опубликовано", link="https://t.me/c/2"),
        plan_row(serial(monday), "VK", "Аня", "опубликовано", link="https://t.me/c/3")], [])

    def kpis() -> dict:
        out = CliRunner().invoke(cli, ["report", path, "--as-of", AS_OF.isoformat(), "--by", "admin", "--format",
                                       "json", "--weeks", "2"]).output
        return {(r["responsible"], r["week"]): r["posts"] for r in json.loads(out)}

    assert kpis()[("Боря", monday.isoformat())] == 2
    done = CliRunner().invoke(cli, ["provision", "Renamed", "--dir", str(tmp_path), "--rename-admin", "Боря=Борис"])
    assert done.exit_code == 0, done.output
    assert listed_admins(path) == ["Аня", "Борис"]
    flags = jobs.validate(backend, path, template=template, as_of=AS_OF, write=False).flags
    on_h = [(f.cell, f.rule, f.admin, f.message) for f in flags if f.column == "responsible"]
    # the manager's rename, not Борис's mistake: charged to no admin (no reminder sends it to him)
    assert on_h == [(c, "counted", "", "Ответственный: «Боря» не входит в статистику — прежнее имя "
                                       "администратора; должно быть: новое имя «Борис» (администратор "
                                       "переименован) (исправит sheets-plan fix)") for c in ("H2", "H3")]
    assert "исправлено ячеек: 2" in fix(path, "--apply").output
    assert [r[0] for r in openpyxl.load_workbook(path)["Контент-план"].iter_rows(min_row=2, max_row=4, min_col=8,
                                                                                  max_col=8, values_only=True)] \
        == ["Борис", "Борис", "Аня"]
    after = kpis()
    assert after[("Борис", monday.isoformat())] == 2 and not [k for k in after if k[0] == "Боря"]
    bad = CliRunner().invoke(cli, ["provision", "Renamed", "--dir", str(tmp_path), "--rename-admin", "Вася=Петя"])
    assert bad.exit_code == 2 and "no admin “Вася” to rename (the admins: Аня, Борис)" in bad.output
