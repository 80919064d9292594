"""The Google path: the real gspread client against the emulator, within the API budget."""


import pytest

from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import fill_rows, sample_rows
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision
from sheets_plan.sheets import formula

from .constants import AS_OF, RUN_AT
from .google_fixtures import google_backend
from .constants import GOOGLE_ADMINS as ADMINS



def counts(emu) -> dict:
    out = {}
    for r in emu.requests:
        out[r.method_id] = out.get(r.method_id, 0) + 1
    return out


@pytest.fixture
def folder(emu):
    return emu.add_folder("Team drive")


def provisioned(emu, folder, template, locale="ru", rows=0):
    backend = google_backend(emu, folder)
    sid = provision(backend, "Coffee", admins=ADMINS, locale=locale, template=template)
    if rows:
        plan, account = sample_rows(template, locale, AS_OF)
        plan = (plan * (rows // len(plan) + 1))[:rows]
        emu.spreadsheets[sid].batch_update([{"appendDimension": {"sheetId": 1001, "dimension": "ROWS",
                                                                 "length": rows}}])
        fill_rows(backend, sid, template, plan, account)
    emu.requests.clear()
    return google_backend(emu, folder), sid


def test_provision_budget_and_sharing(emu, folder, template):
    backend = google_backend(emu, folder)
    sid = provision(backend, "Coffee", admins=ADMINS, locale="ru", template=template)
    assert counts(emu) == {"drive.files.list": 1, "drive.files.create": 1,
                           "sheets.spreadsheets.batchUpdate": 1, "drive.permissions.create": 2}
    writers = {p.get("emailAddress") for p in emu.permissions[sid] if p.get("role") == "writer"}
    assert set(ADMINS) <= writers
    assert not any(p.get("type") == "anyone" for p in emu.permissions[sid])
    assert emu.files[sid]["parents"] == [folder]
    assert emu.files[sid]["appProperties"]["project"] == "Coffee"
    book = emu.spreadsheets[sid]
    assert [s.title for s in book.sheets] == ["Контент-план", "Аккаунт", "Статистика по неделям", "Проверка",
                                              "Журнал проверок", "Лиды", "KPI", "Что работает", "Списки"]
    assert book.properties["locale"] == "ru_RU" and book.properties["timeZone"] == "Europe/Moscow"


@pytest.mark.slow
def test_list_finds_tagged_projects(emu, folder, template):
    backend = google_backend(emu, folder)
    provision(backend, "Coffee", template=template)
    provision(backend, "Bakery", template=template)
    emu.create_spreadsheet("not ours", folder)
    emu.requests.clear()
    refs = backend.projects()
    assert sorted(r.project for r in refs) == ["Bakery", "Coffee"]
    assert counts(emu) == {"drive.files.list": 1}


@pytest.mark.slow
def test_reprovision_repairs_without_duplicates(emu, folder, template):
    backend, sid = provisioned(emu, folder, template, rows=10)
    before = emu.spreadsheets[sid].read(["'Контент-план'!A1:P20"])[0].values
    again = provision(backend, "Coffee", template=template)
    assert again == sid
    assert sum(1 for f in emu.files.values() if f.get("name") == "Coffee") == 1
    assert emu.spreadsheets[sid].read(["'Контент-план'!A1:P20"])[0].values == before


@pytest.mark.slow
@pytest.mark.parametrize("rows", [10, 5000])
def test_weekly_run_budget_is_independent_of_rows(emu, folder, template, rows):
    backend, sid = provisioned(emu, folder, template, rows=rows)
    run = jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert counts(emu) == {"sheets.spreadsheets.get": 2, "sheets.spreadsheets.batchUpdate": 1}
    assert run.report.rows_checked >= rows


@pytest.mark.slow
@pytest.mark.parametrize("job", ["validate", "summarize"])
def test_each_job_is_two_reads_and_one_write(emu, folder, template, job):
    backend, sid = provisioned(emu, folder, template, rows=30)
    getattr(jobs, job)(backend, sid, template=template, as_of=AS_OF)
    assert counts(emu) == {"sheets.spreadsheets.get": 2, "sheets.spreadsheets.batchUpdate": 1}


@pytest.mark.slow
def test_check_reads_only(emu, folder, template):
    backend, sid = provisioned(emu, folder, template, rows=30)
    jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False)
    assert counts(emu) == {"sheets.spreadsheets.get": 2}


@pytest.mark.slow
@pytest.mark.parametrize("locale, sep, other", [("ru", ";", ","), ("en", ",", ";")])
def test_formulas_use_the_spreadsheet_locale_syntax(emu, folder, template, locale, sep, other):
    backend, sid = provisioned(emu, folder, template, locale=locale, rows=10)
    jobs.run_project(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    book = emu.spreadsheets[sid]
    cell = book.sheet(1001).peek(1, 16).formula            # Week of row 2
    assert sep in cell and other not in cell
    weekly = [c.formula for row in book.sheet(1003).cells.values() for c in row.values() if c.formula]
    seps = {v for f in weekly for kind, v in formula.tokens(f) if kind == "sep"}
    assert weekly and seps == {sep}
    rules = [r["booleanRule"]["condition"]["values"][0]["userEnteredValue"]
             for r in book.sheet(1001).conditional_formats]
    assert rules and all(sep in r or "(" not in r for r in rules)


@pytest.mark.slow
def test_check_results_match_the_local_backend(emu, folder, template, tmp_path):
    backend, sid = provisioned(emu, folder, template, rows=40)
    google = jobs.validate(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    local = LocalBackend(tmp_path)
    path = provision(local, "Coffee", admins=ADMINS, locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    plan = (plan * 2)[:40]
    fill_rows(local, path, template, plan, account)
    provision(local, "Coffee", template=template)
    here = jobs.validate(local, path, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert google.to_json() == here.to_json()


def _content(backend, sid) -> dict:
    """Per tab, through the Backend interface: values, formulas, frozen rows, live-format rules."""
    meta = backend.get(sid)
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    grids = backend.read(sid, ["'" + t + "'" for t in titles])
    locale = meta["properties"].get("locale", "en_US")
    out = {}
    for sheet, grid in zip(meta["sheets"], grids):
        rules = sorted(([(g.get("startRowIndex", 0), g.get("endRowIndex"), g.get("startColumnIndex", 0),
                          g.get("endColumnIndex")) for g in r["ranges"]],
                        formula.to_internal(r["booleanRule"]["condition"]["values"][0]["userEnteredValue"], locale))
                       for r in sheet.get("conditionalFormats", []))
        formulas = [[formula.to_internal(f, "en_US") if f else None for f in row] for row in grid.formulas or []]
        # what formulas compute is compared elsewhere (the emulator computes, the local workbook
        # is recalculated by LibreOffice): here, the values people and the product typed
        typed = [[None if f else v for v, f in zip(vals, forms + [None] * len(vals))]
                 for vals, forms in zip(grid.values, (grid.formulas or []) + [[]] * len(grid.values))]
        out[sheet["properties"]["title"]] = (_trim(typed), _trim(formulas),
                                             sheet["properties"]["gridProperties"].get("frozenRowCount", 0), rules)
    return out


def _trim(rows):
    rows = [list(r) for r in rows]
    for r in rows:
        while r and r[-1] is None:
            r.pop()
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _emulator_validations(book) -> dict:
    """Sheet title -> column -> (kind, items) of the data validation on its first data row."""
    out = {}
    for s in book.sheets:
        out[s.title] = {c: (cell.validation["condition"]["type"],
                            [v.get("userEnteredValue") for v in cell.validation["condition"].get("values", [])])
                        for c, cell in s.cells.get(1, {}).items() if cell.validation}
    return out


def _xlsx_validations(path) -> dict:
    import openpyxl

    kinds = {"list": "ONE_OF_LIST", "decimal": "NUMBER_GREATER_THAN_EQ", "date": "DATE_IS_VALID"}
    out = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        found = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                if rng.min_row <= 2 <= rng.max_row:
                    kind = kinds[dv.type]
                    if dv.type == "list" and not dv.formula1.startswith('"'):  # a range: the Lists tab
                        kind, items = "ONE_OF_RANGE", ["=" + dv.formula1]
                    else:
                        items = dv.formula1.strip('"').split(",") if dv.type == "list" else \
                            ([] if dv.type == "date" else [dv.formula1])
                    found.update({c - 1: (kind, items) for c in range(rng.min_col, rng.max_col + 1)})
        out[ws.title] = found
    return out


@pytest.mark.slow
@pytest.mark.parametrize("locale", ["ru", "en"])
def test_one_spec_two_backends_one_result(emu, folder, template, tmp_path, locale):
    backend = google_backend(emu, folder)
    sid = provision(backend, "Coffee", admins=ADMINS, locale=locale, template=template)
    local = LocalBackend(tmp_path)
    path = provision(local, "Coffee", admins=ADMINS, locale=locale, template=template)
    assert _content(backend, sid) == _content(local, path)
    assert _emulator_validations(emu.spreadsheets[sid]) == _xlsx_validations(path)


def test_from_sheet_copies_a_master_and_reapplies_the_spec(emu, folder, template):
    master = emu.create_spreadsheet("Master", folder, locale="ru_RU", sheets=("Old tab",))
    backend = google_backend(emu, folder)
    sid = provision(backend, "Copied", locale="ru", template=template, source=master)
    assert sid != master
    assert counts(emu) == {"drive.files.list": 1, "drive.files.copy": 1, "sheets.spreadsheets.get": 1,
                           "sheets.spreadsheets.batchUpdate": 1}
    titles = [s.title for s in emu.spreadsheets[sid].sheets]
    assert titles[:5] == ["Контент-план", "Аккаунт", "Статистика по неделям", "Проверка", "Журнал проверок"]
    assert "Old tab" in titles                      # a person's own tab in the master is kept
    assert emu.files[sid]["appProperties"]["project"] == "Copied"


def test_allow_domain_refuses_outsiders_before_sharing(emu, folder, template):
    from sheets_plan.errors import RunError

    backend = google_backend(emu, folder, allow_domain="agency.com")
    with pytest.raises(RunError, match="outside the allowed domain"):
        provision(backend, "Coffee", admins=["anna@agency.com", "eve@gmail.com"], template=template)
    assert emu.count("drive.files.create") == 0 and emu.count("drive.permissions.create") == 0


@pytest.mark.slow
def test_a_linked_cell_counts_as_its_link(emu, folder, template):
    """In Sheets a person types "ссылка" and links it (Insert → Link): the check reads the link."""
    backend, sid = provisioned(emu, folder, template, rows=10)
    plan = emu.spreadsheets[sid].sheet(1001)
    published = [r for r in range(1, 11) if plan.peek(r, 9) and plan.peek(r, 9).value]
    linked, bare = published[:2]

    def typed(row: int, fmt: dict | None) -> dict:
        cell = {"userEnteredValue": {"stringValue": "ссылка"}}
        if fmt:
            cell["userEnteredFormat"] = fmt
        return {"updateCells": {"start": {"sheetId": 1001, "rowIndex": row, "columnIndex": 9},
                                "rows": [{"values": [cell]}],
                                "fields": "userEnteredValue" + (",userEnteredFormat.textFormat.link" if fmt else "")}}

    backend.batch_update(sid, [typed(linked, {"textFormat": {"link": {"uri": "https://instagram.com/p/linked"}}}),
                               typed(bare, None)])
    report = jobs.validate(backend, sid, template=template, as_of=AS_OF, write=False)
    link_flags = {f.cell for f in report.flags if f.rule == "link"}
    assert f"J{bare + 1}" in link_flags and f"J{linked + 1}" not in link_flags
