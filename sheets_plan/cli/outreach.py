"""The commands that reach outside the spreadsheet: `stats` (figures from the platforms), `remind`
(each admin's digest by e-mail or Telegram). Registered on the one `sheets-plan` group."""

from __future__ import annotations

import sys
from dataclasses import dataclass

import click

from sheets_plan.errors import RunError
from sheets_plan.jobs.targets import folder_backend, open_target

from .commands import cli, load_template
from .options import (
    as_of_option, format_option, google_options, one_folder, stats_options, target_options, template_option,
)
from .output import echo_json, run_errors
from .team import channels_for, team_file


def finish(results: list, target: str | None, fmt: str, render) -> None:
    """Print the runs (one JSON object for one target, a list for a folder; or their text) and exit
    with the worst run's code."""
    if fmt == "json":
        echo_json([r.to_json() for r in results] if not target else results[0].to_json())
    else:
        click.echo("\n".join(r.text() if isinstance(r, Failed) else render(r) for r in results), nl=False)
    sys.exit(max(r.exit_code() for r in results))


def targets_of(target: str | None, folder: str, folder_id: str | None, google) -> list[tuple]:
    """(backend, id, name) of TARGET, or of every project of the folder (none there: one line, exit 2)."""
    if target:
        backend, sid = open_target(target, google)
        return [(backend, sid, target)]
    backend = folder_backend(folder_id, folder, google)
    refs = backend.projects()
    if not refs:
        backend.check_folder()
        raise RunError(f"no projects in {folder_id or folder}")
    return [(backend, ref.id, f"{ref.project} ({ref.location})") for ref in refs]


@dataclass
class Failed:
    """A project of a folder that could not be run: the others still are; the command exits 2."""
    project: str
    why: str

    def to_json(self) -> dict:
        return {"project": self.project, "ok": False, "error": self.why}

    def exit_code(self) -> int:
        return 2

    def text(self) -> str:
        return f"{self.project}: FAILED: {self.why}\n"


def each_project(targets: list[tuple], job, folder: bool) -> list:
    """`job(backend, id)` for each target; in a folder, a project that fails is reported and the
    others run (one loop for every folder command, as `weekly`'s); a single target's failure is the
    command's (one line, exit 2)."""
    out = []
    for backend, sid, name in targets:
        if not folder:
            out.append(job(backend, sid))
            continue
        try:
            out.append(job(backend, sid))
        except RunError as e:
            out.append(Failed(name, str(e)))
        except Exception as e:  # a bug must not stop the other projects; it is reported with its kind
            out.append(Failed(name, f"{type(e).__name__}: {e}"))
    return out


@cli.command()
@target_options
@click.option("--apply", is_flag=True, help="Write the listed cells (default: only list them).")
@stats_options
@as_of_option
@format_option("json")
@template_option
@google_options
@run_errors
@click.pass_context
def stats(ctx, target, folder, folder_id, apply, exports, vk_credentials, vk_community, as_of, fmt, template_path,
          google):
    """Fill TARGET's (or every project's in --dir / --folder) stat cells that are due and empty
    with the figures a platform gives: VK's API, or export files. Never over a typed figure: one
    that differs is listed, not written. Followers go into the Account rows of the last complete
    week (a missing row is made). Each filled cell gets a note saying where it came from.

    Without --apply nothing changes; with it, exactly the listed cells are written in one atomic
    write. Exit 0: all due stats found; 1: rows left to look at (listed); 2: could not run.

    \b
    Examples:
      sheets-plan stats "plans/Coffee House.xlsx" --export insights.csv
      SHEETS_PLAN_VK_TOKEN=... sheets-plan stats --dir plans --apply
    """
    from sheets_plan.jobs import stats as job
    from sheets_plan.jobs.stats_text import render_text

    one_folder(ctx, folder_id)
    template = load_template(template_path)
    sources = job.stat_sources(template, exports=list(exports), vk_credentials=vk_credentials,
                               vk_community=vk_community)
    if not sources:
        raise RunError(f"no source of stats: give --export FILE, or a VK token ({job.VK_TOKEN_ENV} or --vk-credentials)")
    results = each_project(targets_of(target, folder, folder_id, google), lambda backend, sid: job.stats(
        backend, sid, sources=sources, template=template, as_of=as_of, apply=apply), folder=not target)
    finish(results, target, fmt, render_text)


@cli.command()
@target_options
@click.option("--team", "team_path", type=click.Path(dir_okay=False),
              help="The team file: admins' e-mails and Telegram chats, quiet hours, mail settings "
                   "(default: team.toml beside the workbook, in --dir, or here).")
@click.option("--dry-run", is_flag=True, help="Print each admin's digest; send nothing, remember nothing.")
@click.option("--state", type=click.Path(dir_okay=False),
              help="Where what was sent is kept (default: beside the workbook, .NAME.reminders.json).")
@as_of_option
@format_option("json")
@template_option
@google_options
@run_errors
@click.pass_context
def remind(ctx, target, folder, folder_id, team_path, dry_run, state, as_of, fmt, template_path, google):
    """Send each admin of TARGET (or of every project in --dir / --folder) one digest: what is due
    soon (stats due tomorrow, posts of today and tomorrow without a caption, last week's Account
    rows) and what is wrong now (their open flags, each with where it is), with a summary line.

    An item is sent once (the state beside the project remembers it), so it can run hourly from
    cron; quiet hours in each admin's time zone hold it for a later run. A contact's data is never
    in a reminder. Exit 0; 2 when a send failed (it is tried again next run) or the run could not be done.

    \b
    Examples:
      sheets-plan remind "plans/Coffee House.xlsx" --dry-run
      sheets-plan remind --dir plans --team plans/team.toml
    """
    from sheets_plan.core.team import load_team
    from sheets_plan.jobs.remind import remind as run
    from sheets_plan.jobs.remind_text import render_result

    one_folder(ctx, folder_id)
    template = load_template(template_path)
    team = load_team(team_file(team_path, target, folder))
    channels = {} if dry_run else channels_for(team)
    results = each_project(targets_of(target, folder, folder_id, google), lambda backend, sid: run(
        backend, sid, team=team, channels=channels, template=template, as_of=as_of, state=state if target else None,
        dry_run=dry_run), folder=not target)
    finish(results, target, fmt, render_result)



@cli.command()
@target_options
@click.option("--week", help="The week, as YYYY-Www (default: the last complete week).")
@click.option("--format", "fmt", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default="reports", show_default=True,
              help="Where the reports go.")
@click.option("--team", "team_path", type=click.Path(dir_okay=False),
              help="The team file: the agency's name, logo and colour, targets (default: team.toml beside the "
                   "workbook, in --dir, or here; none: a plain report).")
@click.option("--admins", is_flag=True, help="Add each admin's completeness and KPIs (for the team, not the client).")
@as_of_option
@template_option
@google_options
@run_errors
@click.pass_context
def brief(ctx, target, folder, folder_id, week, fmt, out, team_path, admins, as_of, template_path, google):
    """Write TARGET's (or every project's in --dir / --folder) weekly report for the client: key
    figures against the week before, trends, the best and weakest posts, the funnel, next week's
    plan and the manager's comment (a "Report comments" tab: Week | Comment), as PDF or HTML.

    Every figure is `report --format json`'s for the week. A week whose posts' stats are not all due
    yet is marked provisional. Nothing is written to the spreadsheet. Exit 0; 2 when it cannot be made.

    \b
    Examples:
      sheets-plan brief "plans/Coffee House.xlsx"
      sheets-plan brief --dir plans --week 2026-W11 --format html --out reports
    """
    from sheets_plan.core.team import Team, load_team
    from sheets_plan.jobs.brief import brief as run

    one_folder(ctx, folder_id)
    template = load_template(template_path)
    try:
        team = load_team(team_file(team_path, target, folder))
    except RunError:
        if team_path:
            raise
        team = Team()  # no team file: a report without the agency's name and logo
    results = each_project(targets_of(target, folder, folder_id, google), lambda backend, sid: run(
        backend, sid, team=team, template=template, as_of=as_of, week=week, fmt=fmt, out=out, admins=admins),
        folder=not target)
    for result in results:
        if isinstance(result, Failed):
            click.echo(result.text(), nl=False)
            continue
        note = f" ({result.brief.provisional})" if result.brief.provisional else ""
        click.echo(f"{result.project}: {result.brief.period}: {result.path}{note}")
    sys.exit(2 if any(isinstance(r, Failed) for r in results) else 0)
