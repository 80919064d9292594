"""One project as one read found it: its metadata and its tabs' cells, read as tables.

Pure: a spreadsheet's metadata and the cells read (``jobs.read`` does the two reads) in, a Snapshot
out. Every job starts from one, so a project costs two reads however many rows it has.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from . import headers, lists_tab, structure
from .advice import advice
from sheets_plan.errors import RunError
from sheets_plan.sheets.values import Grid
from sheets_plan.core.crm import CrmView
from sheets_plan.core.table import HeaderError, Table, read_table
from sheets_plan.core.template import LOCALES, TABLE_KINDS, Tab, Template


LISTS = "lists"  # the key of the Lists tab's cells among the grids read


@dataclass
class Snapshot:
    sid: str
    project: str
    template: Template
    meta: dict
    locale: str                 # "ru" | "en"
    admins: tuple[str, ...]
    sheet_ids: dict[str, int]   # tab key -> sheetId (fixed ids for tool tabs still to be made)
    titles: dict[str, str]      # tab key -> sheet title in this spreadsheet
    present: set[str]           # tab keys that exist
    grids: dict[str, Grid]       # raw cells of the tabs not read as tables (the Log)
    tables: dict[str, Table]
    as_of: dt.date
    crm: CrmView | None = None  # the project's AmoCRM, when the team file maps it (its leads are the register)
    rubrics: tuple[str, ...] = ()  # the Rubric dropdown's list (empty: the rubric is free text)
    _expected: dict | None = field(default=None, init=False, repr=False, compare=False)

    def sheet(self, key: str) -> dict | None:
        return structure.find_tab(self.meta, self.template.tab(key), self.template)

    def expected_formulas(self) -> dict[str, pd.Series]:
        """The formula each computed plan cell should hold, per row (made once: the check and the
        repairs both ask)."""
        if self._expected is None:
            self._expected = self._formulas_expected()
        return self._expected

    def _formulas_expected(self) -> dict[str, pd.Series]:
        plan = self.template.tab_of_kind("plan")
        table = self.tables[plan.key]
        rows = table.frame.index
        out = {}
        for col in plan.columns:
            if col.computed:
                pattern = structure.computed_formula(plan, col, 999_999_999, table.positions)
                out[col.key] = pd.Series([pattern.replace("999999999", str(r)) for r in rows], index=rows,
                                         dtype=object)
        return out


def admins_of(meta: dict, listed: lists_tab.Listed | None) -> tuple[str, ...]:
    """The admins: the names in the Lists tab (what the dropdowns offer; None: no such tab); a
    project made before that tab existed keeps them in the tool's metadata."""
    return (listed.admins or ()) if listed is not None else structure.project_admins(meta)


def project_locale(meta: dict, template: Template) -> str:
    locale = structure.metadata(meta, structure.META_LOCALE)
    if locale in LOCALES:
        return locale
    titles = {s["properties"]["title"] for s in meta.get("sheets", [])}
    for loc in LOCALES:  # a spreadsheet made by hand from the template: guess from its titles
        if template.tab_of_kind("plan").title(loc) in titles:
            return loc
    # one the tool did not make: its titles' script ("Лист1", "Sheet1": the language of the program
    # that made it), else the language its spreadsheet is set to
    letters = [ch for title in titles for ch in title if ch.isalpha()]
    if letters:
        cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in letters)
        return "ru" if cyrillic * 2 >= len(letters) else "en"
    google = str(meta.get("properties", {}).get("locale", "")).split("_")[0]
    return google if google in LOCALES else template.locale


def tab_titles(meta: dict, template: Template) -> tuple[dict[str, str], set[str]]:
    """Each template tab's title in this spreadsheet (its own title where it is missing), and the
    keys of the tabs that are there."""
    locale = project_locale(meta, template)
    titles, present = {}, set()
    for tab in template.tabs:
        sheet = structure.find_tab(meta, tab, template)
        titles[tab.key] = sheet["properties"]["title"] if sheet else tab.title(locale)
        if sheet:
            present.add(tab.key)
    return titles, present


def snapshot_of(sid: str, template: Template, meta: dict, grids: dict[str, Grid], *, as_of: dt.date,
                project: str) -> Snapshot:
    """The Snapshot of cells already read (`grids`: the table tabs, and the Log if there)."""
    titles, present = tab_titles(meta, template)
    locale = project_locale(meta, template)
    grids = dict(grids)
    lists = grids.pop(LISTS, None)
    listed = lists_tab.listed(lists.values) if lists is not None else None
    admins, rubrics = admins_of(meta, listed), (listed.rubrics if listed else None) or ()
    spellings = admin_spellings(meta, admins)
    tables = {}
    for tab in (t for t in template.tabs if t.kind in TABLE_KINDS and t.key in grids):
        # kept once: typed
        tables[tab.key] = _table(tab, grids.pop(tab.key), as_of, project, locale, admins=spellings, rubrics=rubrics)
    return Snapshot(sid, project, template, meta, locale, admins,
                    structure.sheet_ids(template, meta), titles, present, grids, tables, as_of, rubrics=rubrics)


def admin_spellings(meta: dict, admins: tuple[str, ...]) -> dict[str, str]:
    """Each admin's name, and the old name of one renamed, read as that admin's."""
    return {**{old: new for old, new in structure.former_admins(meta).items() if new in admins},
            **{a: a for a in admins}}


def _table(tab: Tab, grid: Grid, as_of: dt.date, name: str, locale: str, *, admins: dict[str, str],
           rubrics: tuple[str, ...]) -> Table:
    try:
        return read_table(tab, grid, as_of=as_of, admins=admins, rubrics=rubrics)
    except HeaderError as e:
        label = tab.column(e.key).label(locale)
        if tab.kind == "account" and e.key == "platform":
            raise RunError(advice(locale, "template_1", name=name, title=grid.title, label=label)) from None
        headers.header_problem(tab, grid, locale)  # the header lower down or twice: provision's own advice
        header = grid.values[0] if grid.values else []
        renamed = headers.renamed_headers(tab, header).get(e.key)
        problem = advice(locale, "no_column", title=grid.title, label=label)
        if renamed is not None:  # provision names it back: the same advice either way
            raise RunError(advice(locale, "renamed", name=name, problem=problem, now=header[renamed],
                                  label=label)) from None
        raise RunError(advice(locale, "restore", name=name, problem=problem)) from None
