"""The weekly job across every project of a folder.

Each project is checked and summarized with one atomic write; a project
that fails (deleted tab, no access, network) is reported and the others
still run.
"""

from __future__ import annotations

import datetime as dt
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Callable

from sheets_plan.words import Words
from sheets_plan.backends.base import Backend, ProjectRef
from sheets_plan.errors import RunError
from sheets_plan.core.template import Template
from sheets_plan.core.template_load import load

from .project import ProjectRun, run_project


@dataclass
class ProjectResult:
    project: str
    location: str
    ok: bool
    errors: int = 0
    warnings: int = 0
    completeness: float | None = None   # % over all admins, weighted by their rows; None: no rows yet
    err: float | None = None            # ERR % of the last complete week
    err_change: float | None = None     # its change in percentage points
    message: str = ""                   # why it failed
    filled: int | None = None           # stat cells `weekly --stats` filled first (None: not asked)
    reminded: int | None = None         # reminders `weekly --remind` sent after (None: not asked)
    unsent: str = ""                    # why a reminder did not go (tried again next run)
    locale: str = ""                    # the project's language ("" when it could not be read)

    def exit_code(self, fail_on: str = "error") -> int:
        if not self.ok or self.unsent:
            return 2
        return int(self.errors > 0 or (fail_on == "warning" and self.warnings > 0))

def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 2)


def result_of(ref: ProjectRef, run: ProjectRun) -> ProjectResult:
    report = run.report
    rows = sum(a["rows"] for a in report.by_admin.values())
    completeness = (sum(a["completeness"] * a["rows"] for a in report.by_admin.values()) / rows) if rows else None
    last = run.snapshot.as_of - dt.timedelta(days=run.snapshot.as_of.weekday() + 7)
    figures = run.figures
    week = figures.loc[last] if last in figures.index else None
    return ProjectResult(ref.project, ref.location, True, report.errors, report.warnings,
                         None if completeness is None else round(completeness, 1),
                         _number(week["err"]) if week is not None else None,
                         _number(week["err_wow"]) if week is not None else None, locale=run.snapshot.locale)


def run_locale(results: list[ProjectResult], default: str) -> str:
    """The language a folder's run speaks: its projects' (the most of them), else `default`."""
    spoken = [r.locale for r in results if r.locale]
    return max(dict.fromkeys(spoken), key=spoken.count) if spoken else default


def weekly(backend: Backend, *, template: Template | None = None, as_of: dt.date | None = None, jobs: int = 1,
           progress: Callable[[ProjectResult], None] | None = None, run_at: dt.datetime | None = None,
           refs: list[ProjectRef] | None = None, sources: list | None = None, team=None,
           channels: dict | None = None, crm=None) -> list[ProjectResult]:
    """Validate and summarize every tagged project (or `refs`); never stops at a broken one. With
    `sources` (`weekly --stats`), each project first gets the stats they give (`stats`, applied);
    with `team` (`weekly --remind`), its admins then get their reminders (`remind`); with `crm`, a
    project the team file maps to AmoCRM counts its funnel from there.

    >>> import datetime, sheets_plan
    >>> _ = sheets_plan.demo("plans", locale="en", as_of=datetime.date(2026, 11, 26))
    >>> [(r.project, r.ok, r.errors) for r in sheets_plan.weekly(sheets_plan.LocalBackend("plans"),
    ...                                                           as_of=datetime.date(2026, 11, 26))]
    [('Grain Coffee House', True, 16)]
    """
    template = template or load()
    refs = backend.projects() if refs is None else refs

    def one(ref: ProjectRef) -> ProjectResult:
        try:
            filled = None
            if sources is not None:
                from .stats import stats

                filled = stats(backend, ref.id, sources=sources, template=template, as_of=as_of, apply=True,
                               run_at=run_at).written
            result = result_of(ref, run_project(backend, ref.id, template=template, as_of=as_of, run_at=run_at,
                                                crm=crm))
            result.filled = filled
            if team is not None:
                from .remind import remind

                done = remind(backend, ref.id, team=team, channels=channels, template=template, as_of=as_of)
                result.reminded = sum(d.items for d in done.deliveries if d.ok and d.channel)
                result.unsent = "; ".join(d.why for d in done.deliveries if not d.ok)
        except RunError as e:
            result = ProjectResult(ref.project, ref.location, False, message=str(e))
        except Exception as e:  # a bug must not stop the other projects; it is reported with its kind
            result = ProjectResult(ref.project, ref.location, False, message=f"{type(e).__name__}: {e}")
        if progress:
            progress(result)
        return result

    if jobs <= 1:
        return [one(ref) for ref in refs]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, refs))


def projects_of(backend: Backend) -> tuple[list[ProjectRef], list[ProjectResult]]:
    """The projects the weekly job runs, and what it cannot run, each as a failed result: a
    file saved in another format, the same project found in two places (both copies still run:
    nothing is lost, but which one is real is for a person to say). A missing folder is a
    RunError; so is a folder without projects (a job that did nothing must not look green)."""
    refs = backend.projects()
    problems = [ProjectResult(name, location, False, message=why) for location, name, why in backend.skipped()]
    if not refs:
        backend.check_folder()
        if not problems:
            raise RunError("no projects found (make one with `sheets-plan provision`)")
    places: dict[str, list[ProjectRef]] = {}
    for ref in refs:
        places.setdefault(ref.project.casefold(), []).append(ref)
    for same in places.values():
        if len(same) > 1:
            where = ", ".join(r.location for r in same)
            problems.append(ProjectResult(same[0].project, where, False, message=(
                f"the same project in {len(same)} places ({where}): a copied workbook keeps the project's "
                f"tags; keep one and move the other out of the folder")))
    return refs, problems


def exit_code(results: list[ProjectResult], fail_on: str = "error") -> int:
    return max((r.exit_code(fail_on) for r in results), default=0)


def to_json(results: list[ProjectResult]) -> list[dict]:
    return [asdict(r) for r in results]


HEADER = Words(lambda _: [
    _("Project"),
    _("Errors"),
    _("Warnings", "folder"),
    _("Complete, %"),
    _("ERR, %", "folder"),
    _("Δ ERR, p.p.", "folder"),
    _("Where")])
FILLED = Words(lambda _: _("{project}: stats: {n} cells filled"))
REMINDED = Words(lambda _: _("{project}: {n} reminders sent"))
UNSENT = Words(lambda _: _("{project}: reminders not sent: {why}"))
FAILED = Words(lambda _: _("FAILED"))
PROGRESS = Words(lambda _: {
    True: _("ok"),
    False: _("FAILED")})


def render_text(results: list[ProjectResult], locale: str = "en") -> str:
    """A table, a row per project with where it lives (a copy of a project shows as two rows with
    two places); then a line per project that could not be run, saying why."""
    def show(v, signed=False):
        return "—" if v is None else (f"{v:+.2f}" if signed else f"{v:.2f}" if isinstance(v, float) else str(v))

    rows = []
    for r in results:
        if r.ok:
            rows.append([r.project, str(r.errors), str(r.warnings), show(r.completeness), show(r.err),
                         show(r.err_change, signed=True), r.location])
        else:
            rows.append([r.project, FAILED[locale], "", "", "", "", r.location])
    header = HEADER[locale]
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    last = len(header) - 1

    def line(cells):
        return "  ".join(c.ljust(w) if i in (0, last) else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    lines = [line(header)] + [line(row) for row in rows]
    lines += [FILLED[locale].format(project=r.project, n=r.filled) for r in results if r.ok and r.filled is not None]
    lines += [REMINDED[locale].format(project=r.project, n=r.reminded) for r in results if r.ok and r.reminded is not None]
    lines += [UNSENT[locale].format(project=r.project, why=r.unsent) for r in results if r.unsent]
    lines += [f"{r.project}: {r.message}" for r in results if not r.ok]
    return "\n".join(lines) + "\n"
