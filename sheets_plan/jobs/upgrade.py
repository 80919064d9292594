"""`sheets-plan upgrade`: a workbook of template 1.0 moved to the current template.

Template 2.0 keeps one Account row per week *and platform*. A 1.0 workbook
has one row per week for the whole project, and no Platform column. The
upgrade, in one atomic batchUpdate:

1. adds the Platform column to the Account tab where a repair adds any
   missing column (`headers.header_positions`: to the right of the columns in
   use, so no column people use moves and no formula of theirs changes), with
   its header, dropdown and formats, and repairs everything else the
   template says (as `provision` does: dropdowns, formulas, protection);
2. writes the project's **main platform** into that column on every
   Account row that has any input: the platform with the most published
   posts in the plan (ties: the template's order; no published post: the most
   plan rows; an empty plan: the template's first platform). The followers
   and funnel counts typed for the whole project become that account's;
3. rebuilds the Weekly tab from the upgraded cells.

Then the registry tag says the new version. Every other cell stays as it
was. A workbook that has the column already is not written to (at most its
version tag is corrected): a second run changes nothing. The other commands
refuse a 1.0 workbook with one line that names this command (exit 2).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sheets_plan.words import Words
from sheets_plan.tabs import headers, structure
from sheets_plan.backends.base import Backend
from sheets_plan.errors import RunError
from sheets_plan.sheets.writes import VALUES, cell, write_cells
from sheets_plan.sheets.a1 import neighbour_runs, quote_title
from sheets_plan.sheets.values import Grid
from .project import summary_requests, today
from .provision import TAG_TEMPLATE, TAG_VERSION, last_input_row
from sheets_plan.tabs.advice import advice
from sheets_plan.tabs.snapshot import project_locale, snapshot_of, tab_titles
from sheets_plan.core.table import read_table
from sheets_plan.core.template import Template
from sheets_plan.core.template_load import load

__all__ = ["Upgrade", "upgrade", "upgrade_folder", "main_platform"]

_WORDS = Words(lambda _: {
    "error": _("error"),
    "same": _("{project}: already on template {version}; nothing to do"),
    "one": _("{project}: upgraded to template {version}; {rows} Account row given the platform {platform} ({why})"),
    "many": _("{project}: upgraded to template {version}; {rows} Account rows given the platform {platform} ({why})"),
    "none": _("{project}: upgraded to template {version}; no Account rows to move"),
    # why that platform (`main_platform` says it in English, for JSON)
    "the most published posts": _("the most published posts"),
    "the most plan rows": _("the most plan rows"),
    "the template's first platform: the plan is empty": _("the template's first platform: the plan is empty")})


@dataclass
class Upgrade:
    project: str
    location: str
    before: str             # the version the workbook had ("1.0"), or the current one
    after: str
    changed: bool           # anything written (the batchUpdate)
    platform: str | None = None  # what the old Account rows were given
    rows: int = 0           # how many
    why: str = ""           # why that platform
    error: str = ""         # the project could not be upgraded (the others still are)
    locale: str = "en"      # of the workbook: the words of `text`

    @property
    def text(self) -> str:
        if self.error:
            return f"{self.project}: {_WORDS[self.locale]['error']}: {self.error}"
        if not self.changed:
            return _WORDS[self.locale]["same"].format(project=self.project, version=self.after)
        words = _WORDS[self.locale]
        said = words["none" if not self.rows else "one" if self.rows == 1 else "many"]
        return said.format(project=self.project, version=self.after, rows=self.rows, platform=self.platform,
                           why=words.get(self.why, self.why))

    def to_json(self) -> dict:
        return {"project": self.project, "location": self.location, "from": self.before, "to": self.after,
                "changed": self.changed, "platform": self.platform, "rows": self.rows, "why": self.why,
                "error": self.error or None}


def upgrade_folder(backend: Backend, *, template: Template | None = None,
                   as_of: dt.date | None = None) -> list[Upgrade]:
    """Every project of the backend's folder; one that fails is reported and the others still run.

    >>> import sheets_plan
    >>> backend = sheets_plan.LocalBackend("plans")
    >>> _ = sheets_plan.provision(backend, "Coffee House", admins=["Anna"], locale="en")
    >>> [u.text for u in sheets_plan.upgrade_folder(backend)]
    ['Coffee House: already on template 2.0; nothing to do']
    """
    template = template or load()
    refs = backend.projects()
    if not refs:
        backend.check_folder()
        raise RunError("no projects in the folder")
    out = []
    for ref in refs:
        try:
            out.append(upgrade(backend, ref.id, template=template, as_of=as_of, project=ref.project,
                               location=ref.location, version=ref.version))
        except RunError as e:
            out.append(Upgrade(ref.project, ref.location, ref.version, template.version, False, error=str(e)))
    return out


def main_platform(template: Template, plan_frame) -> tuple[str, str]:
    """The project's main platform and why: the most published posts, else the most plan rows,
    else the template's first platform. Ties go to the template's order."""
    column = template.tab_of_kind("plan").column("platform")
    order = [c.key for c in column.choices]
    published = plan_frame["status"] == "published"
    for rows, why in ((plan_frame[published], "the most published posts"), (plan_frame, "the most plan rows")):
        counts = rows["platform"].value_counts()
        if len(counts):
            best = max(counts.index, key=lambda p: (counts[p], -order.index(p) if p in order else -len(order)))
            return best, why
    return order[0], "the template's first platform: the plan is empty"


def upgrade(backend: Backend, sid: str, *, template: Template | None = None, as_of: dt.date | None = None,
            project: str = "", location: str = "", version: str | None = None) -> Upgrade:
    """Move one workbook to `template`'s version (see the module). `version`: the workbook's
    version tag, when the caller knows it (a folder listing): a stale tag is corrected.

    >>> import sheets_plan
    >>> backend = sheets_plan.LocalBackend("plans")
    >>> path = sheets_plan.provision(backend, "Coffee House", admins=["Anna"], locale="en")
    >>> sheets_plan.upgrade(backend, path).text     # a workbook of today's template: nothing to do
    'Coffee House: already on template 2.0; nothing to do'
    """
    template = template or load()
    as_of = as_of or today(template)
    meta = backend.get(sid)
    name = project or meta.get("properties", {}).get("title", sid)
    titles, present = tab_titles(meta, template)
    account_tab, plan_tab = template.tab_of_kind("account"), template.tab_of_kind("plan")
    for tab in (plan_tab, account_tab):
        if tab.key not in present:
            raise RunError(advice(project_locale(meta, template), "no_tab_first", name=name, title=titles[tab.key]))
    keys = [plan_tab.key, account_tab.key] + [k for k in ("log",) if k in present]
    grids = dict(zip(keys, backend.read(sid, [quote_title(titles[k]) for k in keys])))
    result = Upgrade(name, location or sid, version or template.version, template.version, False,
                     locale=project_locale(meta, template))
    header = grids[account_tab.key].values[0] if grids[account_tab.key].values else []
    if headers.has_column(account_tab, "platform", header):
        if version and version != template.version:
            backend.set_tags(sid, {TAG_TEMPLATE: template.name, TAG_VERSION: template.version})
        return result
    for tab in (plan_tab, account_tab):
        headers.header_problem(tab, grids[tab.key], result.locale)
    plan = read_table(plan_tab, grids[plan_tab.key], as_of=as_of, admins=structure.project_admins(meta))
    result.platform, result.why = main_platform(template, plan.frame)
    result.before = version or "1.0"
    requests, grids[account_tab.key], result.rows = _requests(template, meta, grids, result.platform)
    snap = snapshot_of(sid, template, _with_added_tabs(meta, requests), grids, as_of=as_of, project=name)
    backend.batch_update(sid, requests + summary_requests(snap))
    backend.set_tags(sid, {TAG_TEMPLATE: template.name, TAG_VERSION: template.version})
    result.changed = True
    return result


def _requests(template: Template, meta: dict, grids: dict[str, Grid], platform: str):
    """The repair with the new column, the old rows' platform, and the Account grid as it will be."""
    locale = project_locale(meta, template)
    spec = structure.Project(meta.get("properties", {}).get("title", ""), locale, structure.project_admins(meta))
    rows, positions = {}, {}
    for tab in (t for t in template.tabs if t.key in grids and t.columns):
        grid = grids[tab.key]
        positions[tab.key] = headers.header_positions(tab, grid.values[0] if grid.values else [])
        rows[tab.key] = last_input_row(tab, grid, positions[tab.key])
    account_tab = template.tab_of_kind("account")
    at = positions[account_tab.key]["platform"]
    grid = grids[account_tab.key]
    inputs = [positions[account_tab.key][c.key] for c in account_tab.input_columns if c.key != "platform"]
    filled = [r for r in range(1, len(grid.values))
              if any(i < len(grid.values[r]) and grid.values[r][i] not in (None, "") for i in inputs)]
    sheet_id = structure.find_tab(meta, account_tab, template)["properties"]["sheetId"]
    requests = structure.provision_requests(template, spec, meta, rows, positions)
    requests += [write_cells(sheet_id, run[0], at, [[cell(platform)]] * len(run), VALUES)
                 for run in neighbour_runs(filled)]
    label = account_tab.column("platform").label(locale)
    return requests, _with_column(grid, at, label, {r: platform for r in filled}), len(filled)


def _with_added_tabs(meta: dict, requests: list[dict]) -> dict:
    """The spreadsheet as it will be once the repair added its missing tabs (Leads, KPI), so the
    rebuild writes into them rather than adding them twice."""
    added = [{"properties": r["addSheet"]["properties"]} for r in requests if "addSheet" in r]
    return {**meta, "sheets": [*meta.get("sheets", []), *added]}


def _with_column(grid: Grid, at: int, header: str, values: dict[int, str]) -> Grid:
    """The grid as it reads once column `at` holds `header` and `values` (row index -> text)."""
    def widened(rows):
        return [list(row) + [None] * (at + 1 - len(row)) for row in rows]

    cells = widened(grid.values or [[]])
    cells[0][at] = header
    for r, text in values.items():
        cells[r][at] = text
    formulas = widened(grid.formulas) if grid.formulas is not None else None
    return Grid(grid.title, cells, formulas, grid.links)
