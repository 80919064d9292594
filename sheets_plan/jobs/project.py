"""The jobs a team runs: validate, summarize, report, and both at once.

Each job reads a project once (a Snapshot: two reads) and writes once (one
atomic batchUpdate), whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from sheets_plan.core import dates, kpis, metrics, plan_span, procedure, sheet_view, works
from . import fix as fixes
from sheets_plan.tabs import check_tab, kpi_tab, log_tab, repairs, tool_tab, weekly_tab
from sheets_plan.backends.base import Backend
from sheets_plan.core.crm import crm_flags
from sheets_plan.core.flags import CRM_TAB, CheckResult, render_text
from sheets_plan.tabs.snapshot import Snapshot
from .bulk import few_collections
from .crm import CrmLink, attach, crm_register, crm_tab_requests, register_tab
from .read import load_snapshot
from .works import works_figures, works_requests
from sheets_plan.core.template import Template
from sheets_plan.core.template_load import load
from sheets_plan.errors import RunError


def today(template: Template) -> dt.date:
    return dates.today(template.time_zone)


def now(template: Template) -> dt.datetime:
    return dates.now(template.time_zone)


def start(backend: Backend, sid: str, template: Template | None, as_of: dt.date | None,
          crm: CrmLink | None = None) -> Snapshot:
    """Every job's first step: the project read once (two reads), as of `as_of` (default: today); its
    AmoCRM's leads as its register when `crm`'s team file maps it."""
    template = template or load()
    return attach(load_snapshot(backend, sid, template, as_of=as_of or today(template)), backend, sid, crm)


def refuse_far(snap: Snapshot) -> None:
    """Summaries as of a day more than a year from every dated row would be weeks of nothing: the
    day is a typo (as `validate`'s as_of_far says); one line, exit 2."""
    far = plan_span.far_from(snap.template, snap.tables, snap.as_of)
    if far is None:
        return
    rule = next((r for r in snap.template.rules if r.check == "as_of_far"), None)
    text = (rule.message(snap.locale) if rule else "{as_of} is more than a year away from the project's dates ({span})")
    raise RunError(f"{snap.project}: " + text.format(**far))


def check_snapshot(snap: Snapshot, day: dt.date | None = None) -> CheckResult:
    """The procedure's check of the project as of its day (or `day`: remind asks as of tomorrow too)."""
    report = procedure.check(snap.template, snap.tables, as_of=day or snap.as_of, locale=snap.locale,
                             project=snap.project, expected_formulas=snap.expected_formulas())
    if snap.crm is not None:  # the register's flags are the leads': each names its lead by its id
        leads = snap.template.tab_of_kind("leads")
        crm_flags(report, snap.crm.leads, leads.key, {r.id for r in snap.template.rules if r.check == "same_contact"},
                  snap.locale, {c.key: c.label(snap.locale) for c in leads.columns})
    report.tab_titles = {**snap.titles, CRM_TAB: "AmoCRM"}
    report.locale = snap.locale
    return report


def check_requests(backend: Backend, snap: Snapshot, report: CheckResult, run_at: dt.datetime,
                   then: list[dict] = ()) -> list[dict]:
    """The check's write, with `then` (the summary's) before the Log entry: the Log comes last, so a
    write sent in several requests (over 2 MB on Google) logs the run only once all of it landed."""
    return (repairs.formula_repairs(snap) + check_tab.check_tab_requests(snap, report, backend.cell_link, run_at)
            + list(then) + log_tab.log_requests(snap, report, run_at))


@few_collections
def validate(backend: Backend, sid: str, *, template: Template | None = None, as_of: dt.date | None = None,
             write: bool = True, run_at: dt.datetime | None = None, crm: CrmLink | None = None) -> CheckResult:
    """Check a project against the procedure; unless write=False, write the
    Check tab and a Log row (and restore overwritten tool formulas).

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> backend = sheets_plan.LocalBackend("demo")
    >>> report = sheets_plan.validate(backend, path, as_of=day)
    >>> report.errors, report.warnings, report.exit_code()
    (16, 4, 1)
    >>> report.flags[0].cell, report.flags[0].rule
    ('K3', 'counted')
    """
    snap = start(backend, sid, template, as_of, crm)
    report = check_snapshot(snap)
    if write:
        requests = check_requests(backend, snap, report, run_at or now(snap.template))
        del snap  # the write needs none of the tables: 100 000 rows' frames are freed before the file is patched
        backend.batch_update(sid, requests)
    return report


# ------------------------------------------------------------------ summary
# The Weekly tab shows at most this many weeks, the last ones up to the as-of
# week, from the plan's first plausible date (`span`: a year typo is flagged
# on its cell and stretches nothing). The cap keeps a long-running project's
# batchUpdate small (see summary.py for the size).
WEEKLY_WEEKS = 26


def plan_weeks(snap: Snapshot, limit: int | None = WEEKLY_WEEKS) -> list[dt.date]:
    """ISO weeks (Mondays) from the first week of any dated row (the plan, the Account, the
    register) to the as-of week: the last `limit` of them (None: all)."""
    if limit is not None and limit < 1:
        raise ValueError(f"weeks must be at least 1, not {limit}")
    last = dates.monday(snap.as_of)
    first = plan_span.first_week(snap.template, snap.tables, snap.as_of)  # a year typo does not stretch it
    if limit is not None:
        first = max(first, last - dt.timedelta(weeks=limit - 1))
    return dates.weeks_from(first, last)


def summary_groups(snap: Snapshot) -> tuple[list[str], list[str]]:
    """The Weekly tab's breakdown groups, in display order: (platforms, admins).
    The platforms are those of the plan and of the Account rows: a platform's account
    figures count from its first Account row, posts or not.

    Names that differ only in letter case are one group (the first spelling):
    a spreadsheet criterion matches both, so two rows would count the same posts."""
    tables = [snap.tables[k].frame for k in ("plan", "account", "leads") if k in snap.tables]
    platforms = _distinct(pd.concat([t["platform"] for t in tables]))
    admins = _unique([*snap.admins, *_distinct(pd.concat([t["responsible"] for t in tables if "responsible" in t]))])
    return platforms, admins


def weekly_layout(snap: Snapshot, weeks: int | None = WEEKLY_WEEKS) -> weekly_tab.WeeklyLayout:
    """The Weekly tab as :func:`summarize` builds it: its requests and where every figure lands."""
    platforms, admins = summary_groups(snap)
    sheet = snap.sheet("weekly")
    existing = [c["chartId"] for c in (sheet or {}).get("charts", [])]
    rows = (sheet or {}).get("properties", {}).get("gridProperties", {}).get("rowCount", 0)
    return weekly_tab.build_weekly(snap.template, snap.locale, weekly_tab.WeeklyInputs(
        sheet_id=snap.sheet_ids["weekly"], plan_title=snap.titles["plan"],
        account_title=snap.titles["account"], weeks=plan_weeks(snap, weeks), platforms=platforms, admins=admins,
        existing_chart_ids=existing, rows_before=rows,
        positions={key: table.positions for key, table in snap.tables.items()},
        in_progress=dates.monday(snap.as_of), leads_title=register_title(snap), register=register_tab(snap)))


def register_title(snap: Snapshot) -> str | None:
    """The Leads tab's title when the funnel counts it (the template says so and the tab is there)."""
    if snap.crm is not None:
        return register_tab(snap).title if snap.template.register else None
    leads = snap.template.optional_tab("leads")
    return snap.titles[leads.key] if snap.template.register and leads and leads.key in snap.tables else None


def summary_requests(snap: Snapshot, weeks: int | None = WEEKLY_WEEKS, report: CheckResult | None = None) -> list[dict]:
    """The Weekly tab, and the KPI tab (with what the check finds per admin: `report`, or a check
    made in memory)."""
    sheet = snap.sheet("weekly")
    reqs = crm_tab_requests(snap)  # the leads the funnel formulas count, before the formulas
    reqs += tool_tab.ensure_tab(snap, "weekly", 100, 30) if sheet is None else []
    reqs += weekly_layout(snap, weeks).requests
    tab = snap.template.optional_tab("kpi")
    if tab is not None:
        layout = kpi_layout(snap, report or check_snapshot(snap), weeks)
        reqs += tool_tab.ensure_tab(snap, tab.key, layout.rows + 10, layout.columns) + layout.requests
    return reqs + works_requests(snap)


def kpi_layout(snap: Snapshot, report: CheckResult, weeks: int | None = WEEKLY_WEEKS) -> kpi_tab.KpiLayout:
    """The KPI tab as `summarize` builds it: its requests and where every figure lands."""
    tab = snap.template.optional_tab("kpi")
    src = metrics.Sources.from_template(snap.template, snap.locale, snap.titles["plan"], snap.titles["account"],
                                        {key: table.positions for key, table in snap.tables.items()},
                                        register_title(snap), register_tab(snap))
    return kpi_tab.build_kpi(src, snap.locale, sheet_id=snap.sheet_ids[tab.key], weeks=plan_weeks(snap, weeks),
                         admins=summary_groups(snap)[1], static=kpis.static_by_week(snap, report),
                         register=src.register)


def kpi_figures(snap: Snapshot, report: CheckResult, weeks: int | None = WEEKLY_WEEKS) -> pd.DataFrame:
    """The KPI tab's figures with pandas: (admin, week) rows."""
    keys = kpis.kpi_keys(register_title(snap) is not None)
    frame = figures(snap, weeks, by="responsible", keys=keys)
    return kpis.kpi_figures(frame, kpis.static_by_week(snap, report))


def _distinct(series: pd.Series) -> list[str]:
    return _unique(sorted({str(v) for v in series.dropna() if str(v).strip()}))


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        seen.setdefault(name.lower(), name)
    return list(seen.values())


BREAKDOWNS = ("platform", "responsible")


def figures(snap: Snapshot, weeks: int | None = WEEKLY_WEEKS, by: str | None = None,
            keys: list[str] | None = None) -> pd.DataFrame:
    """The weekly figures computed with pandas from the cells as the sheet's
    formulas see them (the same definitions as the formulas), for the last
    `weeks` plan weeks (None: all). `by="platform"` / `"responsible"`: the
    Weekly tab's breakdown, a (group, week) index."""
    published = snap.template.published(snap.locale)
    groups = dict(zip(BREAKDOWNS, summary_groups(snap)))
    return metrics.weekly_figures(sheet_view.sheet_view(snap.tables["plan"]), sheet_view.sheet_view(snap.tables["account"]),
                                  plan_weeks(snap, weeks), published=published, by=by,
                                  groups=None if by is None else groups[by], platforms=groups["platform"],
                                  in_progress=dates.monday(snap.as_of), keys=keys, **register_sources(snap))


def register_sources(snap: Snapshot) -> dict:
    """`weekly_figures`' arguments for the funnel from the register (none when the funnel reads Account)."""
    if register_tab(snap) is not None:
        return crm_register(snap)
    if register_title(snap) is None:
        return {}
    leads = snap.template.tab_of_kind("leads")
    return {"leads": sheet_view.sheet_view(snap.tables[leads.key]),
            "stages": {c.key: c.label(snap.locale) for c in leads.column("stage").choices}}


@few_collections
def summarize(backend: Backend, sid: str, *, template: Template | None = None,
              as_of: dt.date | None = None, weeks: int | None = WEEKLY_WEEKS, crm: CrmLink | None = None) -> pd.DataFrame:
    """Build or refresh the Weekly tab (live formulas and charts) with the last
    `weeks` weeks; returns their figures.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> backend = sheets_plan.LocalBackend("demo")
    >>> figures = sheets_plan.summarize(backend, path, as_of=day)
    >>> int(figures.loc[datetime.date(2026, 11, 9), "reach"])
    12906
    """
    snap = start(backend, sid, template, as_of, crm)
    refuse_far(snap)
    backend.batch_update(sid, repairs.formula_repairs(snap) + summary_requests(snap, weeks))
    out = figures(snap, weeks)
    out.attrs["locale"] = snap.locale  # the workbook's language, for what a caller prints
    return out


@few_collections
def report(backend: Backend, sid: str, *, template: Template | None = None, as_of: dt.date | None = None,
           weeks: int = 8, by: str | None = None, crm: CrmLink | None = None) -> tuple[Snapshot, pd.DataFrame]:
    """The last `weeks` weeks' figures, computed with pandas (nothing is written);
    `by`: per platform or per responsible admin, as the Weekly tab's sections.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> backend = sheets_plan.LocalBackend("demo")
    >>> snapshot, figures = sheets_plan.report(backend, path, as_of=day, weeks=4, by="platform")
    >>> sorted(figures.index.get_level_values(0).unique())
    ['Instagram', 'Telegram', 'VK']
    """
    snap = start(backend, sid, template, as_of, crm)
    refuse_far(snap)
    if by == "admin":
        return snap, kpi_figures(snap, check_snapshot(snap), weeks)
    if by in works.DIMENSIONS:
        return snap, works_figures(snap, by, weeks)
    return snap, figures(snap, weeks, by)


@few_collections
def fix(backend: Backend, sid: str, *, template: Template | None = None, as_of: dt.date | None = None,
        apply: bool = False, run_at: dt.datetime | None = None) -> fixes.FixResult:
    """List the admin cells the statistics do not count as typed and their clean
    values; with apply=True write exactly those (one atomic write) and the Log count.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> backend = sheets_plan.LocalBackend("demo")
    >>> listed = sheets_plan.fix(backend, path, as_of=day).changes
    >>> [(c.cell, c.old, c.new) for c in listed[:3]]
    [('K3', '1 520', '1520'), ('I10', 'published ', 'published'), ('A11', '08.10.2026', '08.10.2026')]
    >>> [(c.cell, c.old, c.new) for c in listed[3:]]  # phones: a contact's data, masked
    [('E7', '* (***) ***-12-34', '+7 *** ***-12-34'), ('E11', '*******1235', '+7 *** ***-12-35')]
    """
    snap = start(backend, sid, template, as_of)
    listed = fixes.changes(snap)
    if apply and fixes.writable(listed):
        backend.batch_update(sid, fixes.fix_requests(snap, listed, run_at or now(snap.template)))
    return fixes.FixResult(snap.project, listed, apply and bool(fixes.writable(listed)), dict(snap.titles), snap.locale)


# ------------------------------------------------------------------ both
@dataclass
class ProjectRun:
    snapshot: Snapshot
    report: CheckResult
    figures: pd.DataFrame

    @property
    def text(self) -> str:
        return render_text(self.report, self.snapshot.locale)


@few_collections
def run_project(backend: Backend, sid: str, *, template: Template | None = None, as_of: dt.date | None = None,
                run_at: dt.datetime | None = None, crm: CrmLink | None = None) -> ProjectRun:
    """The weekly job for one project: check + summary in one atomic write.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> backend = sheets_plan.LocalBackend("demo")
    >>> run = sheets_plan.run_project(backend, path, as_of=day)
    >>> run.report.errors, len(run.figures)
    (16, 9)
    """
    snap = start(backend, sid, template, as_of, crm)
    report_ = check_snapshot(snap)
    backend.batch_update(sid, check_requests(backend, snap, report_, run_at or now(snap.template),
                                             then=summary_requests(snap, report=report_)))
    return ProjectRun(snap, report_, figures(snap))
