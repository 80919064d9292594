"""`sheets-plan upgrade`: workbooks of template 1.0 moved to 2.0 (an Account row per
week and platform). The inputs are workbooks people have: the 1.0 demo in ru and en with admin
edits made in LibreOffice (tests/fixtures/make_v1.py), and projects that 1.0 provisioned on
Google (the emulator). Every admin cell is kept, value by value; the commands work on the result;
a second upgrade changes nothing; on Google, one batchUpdate per project."""

from __future__ import annotations

import collections
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_plan.jobs import project as jobs
from sheets_plan.cli.commands import cli
from sheets_plan.errors import RunError
from sheets_plan.backends.google import MARKER
from sheets_plan_emulators.google import Emulator
from sheets_plan.jobs.upgrade import upgrade_folder
from sheets_plan.backends.xlsx import read_tags

from .constants import AS_OF as GOOGLE_AS_OF, RUN_AT
from .google_fixtures import google_backend, schema_errors
from .person import person_parts
from .test_emulator_formulas import workbook_model
from .constants import AS_OF_TEXT as AS_OF, TEMPLATE

FIXTURES = Path(__file__).parent / "fixtures"


def run(*args) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def added_cells(before: dict, after: dict) -> dict[str, dict]:
    """Per tab, the cells `after` has and `before` has not; asserts every cell of `before` is
    in `after` unchanged (value, font, fill, number format, hyperlink, comment)."""
    added = {}
    for tab in before["tabs"]:
        if tab not in before:
            continue  # a tool tab
        old, new = before[tab], after[tab]
        changed = {k: (v, new["cells"].get(k)) for k, v in old["cells"].items() if new["cells"].get(k) != v}
        assert not changed, (tab, changed)
        assert {k: v for k, v in old.items() if k != "cells"} == {k: v for k, v in new.items() if k != "cells"}, tab
        added[tab] = {k: v[0] for k, v in new["cells"].items() if k not in old["cells"]}
    return added


@pytest.mark.parametrize("locale, account, platform_label", [("ru", "Аккаунт", "Соцсеть"),
                                                             ("en", "Account", "Platform")])
@pytest.mark.slow
def test_upgrade_keeps_every_admin_cell_of_a_version_1_workbook(tmp_path, locale, account, platform_label):
    path = tmp_path / f"v1-demo-{locale}.xlsx"
    shutil.copy(FIXTURES / path.name, path)
    before = person_parts(path)

    # Before the upgrade: every command says so in one line, exit 2, and writes nothing.
    for command in ("validate", "summarize", "report", "fix"):
        code, out = run(command, path, "--as-of", AS_OF)
        assert code == 2 and out.count("\n") == 1 and "sheets-plan upgrade" in out, (command, out)
    code, out = run("provision", read_tags(path)["project"], "--dir", tmp_path)  # a repair would half-do it
    assert code == 2 and out.count("\n") == 1 and "sheets-plan upgrade" in out, out
    assert person_parts(path) == before

    code, out = run("upgrade", path, "--as-of", AS_OF)
    assert code == 0, out
    assert {"en": "upgraded to template 2.0; 7 Account rows given the platform Instagram (the most published posts)",
            "ru": "переведён на шаблон 2.0; строк «Аккаунта»: 7, им дана соцсеть Instagram (больше всего "
                  "опубликованных постов)"}[locale] in out

    after = person_parts(path)
    added = added_cells(before, after)
    assert all(not cells for tab, cells in added.items() if tab != account)
    column = {coord.rstrip("0123456789") for coord in added[account]}
    assert len(column) == 1  # one new column, right of the columns in use
    letter = column.pop()
    assert added[account] == {f"{letter}1": platform_label, **{f"{letter}{r}": "Instagram" for r in range(2, 9)}}
    assert read_tags(path)["version"] == "2.0"

    for command in (["validate"], ["summarize"], ["report", "--by", "platform"]):
        code, out = run(*command, path, "--as-of", AS_OF)
        assert code in (0, 1), out
    assert "Instagram" in out
    added_cells(before, person_parts(path))  # the admins' cells are still theirs

    kept = digest(path)
    code, out = run("upgrade", path, "--as-of", AS_OF)
    same = {"ru": "уже на шаблоне 2.0; делать нечего", "en": "already on template 2.0; nothing to do"}[locale]
    assert code == 0 and same in out  # in the workbook's language
    assert digest(path) == kept


@pytest.mark.slow
def test_upgrade_of_a_folder_reports_each_project(tmp_path):
    for locale in ("ru", "en"):
        shutil.copy(FIXTURES / f"v1-demo-{locale}.xlsx", tmp_path / f"v1-demo-{locale}.xlsx")
    code, out = run("upgrade", "--dir", tmp_path, "--as-of", AS_OF, "--format", "json")
    assert code == 0, out
    results = json.loads(out)
    assert sorted(r["project"] for r in results) == ["Grain Coffee House", "Кофейня «Зерно»"]
    assert all(r["changed"] and r["platform"] == "Instagram" and r["rows"] == 7 and r["from"] == "1.0"
               and r["to"] == "2.0" and r["error"] is None for r in results)
    code, out = run("upgrade", "--dir", tmp_path, "--as-of", AS_OF)
    assert code == 0 and out.count("already on template 2.0") == 1 and out.count("уже на шаблоне 2.0") == 1


def on_google(emu, folder: str, path: Path) -> str:
    """The fixture workbook as a Google spreadsheet of the emulator: its tabs, values and formulas (in
    its locale's syntax), its developer metadata, and its Drive tags (template 1.0)."""
    tags = read_tags(path)
    sid = emu.create_spreadsheet(tags["project"], folder, app_properties={
        **{k: tags[k] for k in ("project", "template", "version")}, **dict([MARKER])})
    spreadsheet = workbook_model(path, render=True)
    spreadsheet.id = sid
    emu.spreadsheets[sid] = spreadsheet
    return sid


def emulator_cells(emu, sid) -> dict:
    """Every cell an admin typed on the Plan and Account tabs (not the tool's formulas)."""
    tables = {title for key in ("plan", "account") for title in TEMPLATE.tab(key).titles.values()}
    return {(sheet.title, r, c): cell.value for sheet in emu.spreadsheets[sid].sheets if sheet.title in tables
            for r, row in sheet.cells.items() for c, cell in row.items() if cell.value is not None and r > 0}


@pytest.mark.slow
def test_upgrade_on_google_is_one_batch_update_per_project():
    emu = Emulator()
    folder = emu.add_folder("Team")
    backend = google_backend(emu, folder)
    projects, locales = {}, {}
    for locale in ("ru", "en"):
        sid = on_google(emu, folder, FIXTURES / f"v1-demo-{locale}.xlsx")
        assert next(r for r in backend.projects() if r.id == sid).version == "1.0"
        with pytest.raises(RunError, match="sheets-plan upgrade"):
            jobs.run_project(backend, sid, as_of=GOOGLE_AS_OF, run_at=RUN_AT)
        projects[sid], locales[sid] = emulator_cells(emu, sid), locale

    emu.requests.clear()
    results = upgrade_folder(backend, as_of=GOOGLE_AS_OF)
    assert [r.changed for r in results] == [True, True] and all(r.platform == "Instagram" for r in results)
    calls = collections.Counter(r.method_id for r in emu.requests)
    assert calls["sheets.spreadsheets.batchUpdate"] == 2
    assert not schema_errors(emu)
    for sid, before in projects.items():
        after = emulator_cells(emu, sid)
        assert {k: after.get(k) for k in before} == before  # every admin cell, value by value
        added = {k: v for k, v in after.items() if k not in before}
        assert set(added.values()) == {"Instagram"} and len(added) == 7 and {k[1] for k in added} == set(range(1, 8))
        assert {k[0] for k in added} == {TEMPLATE.tab("account").title(locales[sid])}
        run = jobs.run_project(backend, sid, as_of=GOOGLE_AS_OF, run_at=RUN_AT)
        assert len(run.figures) and run.report.rows_checked
        followers = run.figures["followers"].dropna()
        assert len(followers) >= 6 and (followers > 0).all()  # the old rows count, as Instagram's

    emu.requests.clear()
    again = upgrade_folder(backend, as_of=GOOGLE_AS_OF)
    assert [r.changed for r in again] == [False, False]
    assert "sheets.spreadsheets.batchUpdate" not in {r.method_id for r in emu.requests}
