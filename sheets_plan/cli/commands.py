"""The `sheets-plan` command: a thin click layer, one library call per command.

Exit codes: 0 clean; 1 flags at or above --fail-on; 2 the run could not be
done (bad template, missing tab or header, unreadable workbook, auth,
network, a usage error). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sheets_plan.core import template_load as template_mod
from sheets_plan.core.template import LOCALES
from sheets_plan.errors import RunError
from sheets_plan.jobs.targets import folder_backend, open_target
from sheets_plan.words import Words

from .options import (
    EXIT_RUN_ERROR, HELP, DateParam, Group, as_of_option, dir_option, folder_option, format_option, google_options,
    locale_option, one_folder, stats_options, target_options, template_option, team_option,
)
from .output import echo_json, echo_pieces, progress, run_errors
from .team import crm_link

# core.works.DIMENSIONS, written out: importing it (pandas) would slow every --help
WORKS_BY = ("rubric", "format", "platform_format", "weekday", "hour")
SUMMARY_WRITTEN = Words(lambda _: {"one": _("{target}: weekly summary of {weeks} week written"),
                                   "many": _("{target}: weekly summary of {weeks} weeks written")})


def load_template(path: str | None):
    return template_mod.load(path)


@click.group(cls=Group, help=HELP)
@click.version_option(package_name="sheets-plan")
def cli():
    pass


@cli.command()
@click.argument("project")
@dir_option
@folder_option
@click.option("--admin", "admins", multiple=True,
              help="An admin (repeat): a name for a local workbook, an e-mail on Google (shared as writer). "
                   "Fills the Responsible dropdown. To rename an admin and keep their rows theirs, use "
                   "--rename-admin OLD=NEW instead.")
@click.option("--locale", type=click.Choice(LOCALES), help="Labels and messages (default: the template's).")
@click.option("--from-sheet", "source", help="Copy this master spreadsheet (ID, URL or .xlsx) instead of building "
                                             "from scratch; the spec is re-applied after the copy.")
@click.option("--rename-admin", "renames", multiple=True, metavar="OLD=NEW",
              help="Rename an admin (repeat): the dropdown gets NEW, the rows holding OLD stay theirs, "
                   "and `sheets-plan fix --apply` writes NEW there.")
@click.option("--rubric", "rubrics", multiple=True,
              help="A rubric (repeat): the Rubric dropdown's list, in the Lists tab. Without it the list "
                   "stays as the Lists tab holds it; an empty list leaves the rubric free text.")
@click.option("--allow-domain", help="Refuse to share with addresses outside this e-mail domain.")
@click.option("--notify", is_flag=True, help="Send Google's sharing e-mails (off by default).")
@template_option
@google_options
@run_errors
@click.pass_context
def provision(ctx, project, folder, folder_id, admins, locale, source, renames, rubrics, template_path, google):
    """Create PROJECT's workbook from the template, or repair an existing one.

    Re-running repairs headers, dropdowns, formats, protection and the tool's
    formulas; it never changes a cell an admin filled.

    \b
    Examples:
      sheets-plan provision "Coffee House" --dir plans --admin Anna --admin Boris
      sheets-plan provision "Coffee House" --dir plans --rename-admin Boris=Bob
      sheets-plan provision "Coffee House" --dir plans --rubric News --rubric Recipes --rubric Team
      sheets-plan provision "Coffee House" --folder 1AbC... --admin anna@agency.com --credentials key.json
    """
    from sheets_plan.jobs.provision import provision as run

    one_folder(ctx, folder_id)
    pairs = [r.split("=", 1) for r in renames]
    if any(len(p) != 2 or not p[0].strip() or not p[1].strip() for p in pairs):
        raise click.UsageError("--rename-admin takes OLD=NEW, e.g. --rename-admin Boris=Bob")
    sid = run(folder_backend(folder_id, folder, google), project, admins=admins, locale=locale,
              template=load_template(template_path), source=source,
              rename={old.strip(): new.strip() for old, new in pairs}, rubrics=rubrics)
    click.echo(sid)


@cli.command("list")
@dir_option
@folder_option
@google_options
@run_errors
@click.pass_context
def list_(ctx, folder, folder_id, google):
    """List the tagged projects in a folder (local --dir or Google --folder).

    Example: sheets-plan list --dir plans
    """
    one_folder(ctx, folder_id)
    backend = folder_backend(folder_id, folder, google)
    refs = backend.projects()
    if not refs:
        backend.check_folder()
        click.echo(f"no projects in {folder_id or folder}", err=True)
    for location, _, why in backend.skipped():
        click.echo(f"skipped {location}: {why}", err=True)
    for ref in refs:
        click.echo(f"{ref.project}\t{ref.template} {ref.version}\t{ref.location}")


@cli.command()
@click.argument("target")
@as_of_option
@format_option("json", "csv")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a flag of this severity or worse is found.")
@click.option("--no-write", is_flag=True, help="Only print; leave the Check and Log tabs as they are.")
@click.option("--show-personal-data", "personal", is_flag=True,
              help="Print contacts' phones, e-mails, names and profile links as the sheet holds them "
                   "(text output only; JSON, CSV and the Check tab always mask them).")
@team_option
@template_option
@google_options
@run_errors
def validate(target, as_of, fmt, fail_on, no_write, personal, team_path, template_path, google):
    """Check TARGET (a workbook path, or a Google spreadsheet ID or URL) against the procedure.

    Prints the flags grouped by admin (or JSON / CSV), replaces the Check tab
    with them, adds a row to the Log tab and restores tool formulas that were
    overwritten by hand. A contact's phone, e-mail, name or profile link
    (the Leads tab) is shown masked (+7 *** ***-45-67, a***@mail.ru); the
    flag names its cell. Exit 0: nothing at or above --fail-on; 1: flags
    found; 2: the check could not run.

    Example: sheets-plan validate "plans/Coffee House.xlsx" --as-of 2026-03-16
    """
    from sheets_plan.core.flags import csv_text, render_text
    from sheets_plan.jobs.project import validate as run

    if personal and fmt != "text":
        raise RunError("--show-personal-data is for the text output on a terminal; JSON and CSV always mask "
                       "contacts' data")
    backend, sid = open_target(target, google)
    report = run(backend, sid, template=load_template(template_path), as_of=as_of, write=not no_write,
                 crm=crm_link(team_path, target))
    if fmt == "json":
        echo_pieces(report.json_text())
    elif fmt == "csv":
        echo_pieces(csv_text(report))
    else:
        click.echo(render_text(report, report.locale, personal=personal), nl=False)
    sys.exit(report.exit_code(fail_on))


@cli.command()
@click.argument("target")
@as_of_option
@team_option
@template_option
@google_options
@run_errors
def summarize(target, as_of, team_path, template_path, google):
    """Build or refresh TARGET's Weekly tab (live formulas per week, per platform
    and per admin, and charts of reach, interactions and ERR) and its KPI tab
    (each admin's weeks).

    Example: sheets-plan summarize "plans/Coffee House.xlsx"
    """
    from sheets_plan.jobs.project import summarize as run

    backend, sid = open_target(target, google)
    figures = run(backend, sid, template=load_template(template_path), as_of=as_of, crm=crm_link(team_path, target))
    weeks = len(figures)
    words = SUMMARY_WRITTEN[figures.attrs.get("locale", "en")]
    click.echo(words["one" if weeks == 1 else "many"].format(target=sid, weeks=weeks))


@cli.command()
@click.argument("target")
@click.option("--weeks", default=8, show_default=True, type=click.IntRange(1, 520))
@as_of_option
@format_option("json", "csv")
@click.option("--by", type=click.Choice(["platform", "responsible", "admin", *WORKS_BY]),
              help="Per platform or per responsible admin, as the Weekly tab's sections; "
                   "admin: each admin's KPIs, as the KPI tab; rubric, format, platform_format, weekday, "
                   "hour: what works, as the What works tab (the last --weeks weeks and all time).")
@team_option
@template_option
@google_options
@run_errors
def report(target, weeks, as_of, fmt, by, team_path, template_path, google):
    """Print the last weeks' figures (computed from the rows as the sheet's
    formulas count them; nothing written), with ▲ ▼ for the week-over-week
    direction; or, --by rubric|format|platform_format|weekday|hour, what works:
    posts, reach per post, ERR and ERview per group against the project's own,
    over the last --weeks weeks and all time (the What works tab's figures).

    \b
    Examples:
      sheets-plan report "plans/Coffee House.xlsx" --weeks 4
      sheets-plan report "plans/Coffee House.xlsx" --by platform --format json
      sheets-plan report "plans/Coffee House.xlsx" --by rubric --weeks 8
    """
    from sheets_plan.core import report_table, works_table
    from sheets_plan.jobs.project import report as run

    backend, sid = open_target(target, google)
    snap, frame = run(backend, sid, template=load_template(template_path), as_of=as_of, weeks=weeks, by=by,
                      crm=crm_link(team_path, target))
    if by in WORKS_BY:
        label = (snap.template.tab_of_kind("plan").column(by).label(snap.locale) if by in ("rubric", "format")
                 else by)
        text = {"json": lambda: echo_json(works_table.to_json(frame)),
                "csv": lambda: click.echo(works_table.to_csv(frame), nl=False),
                "text": lambda: click.echo(works_table.render_text(frame, snap.locale, label, weeks), nl=False)}
        return text[fmt]()
    if fmt == "json":
        echo_json(report_table.to_json(frame))
    elif fmt == "csv":
        click.echo(report_table.to_csv(frame), nl=False)
    else:
        column = "responsible" if by == "admin" else by
        label = snap.template.tab_of_kind("plan").column(column).label(snap.locale) if by else None
        click.echo(report_table.render_text(frame, snap.locale, label, "all" if by == "admin" else None), nl=False)


@cli.command()
@click.argument("target")
@click.option("--apply", is_flag=True, help="Write the listed cells (default: only list them).")
@as_of_option
@format_option("json")
@template_option
@google_options
@run_errors
def fix(target, apply, as_of, fmt, template_path, google):
    """List, per admin, the cells of TARGET the statistics do not count as typed
    (a number or a date stored as text, a choice not spelled as its dropdown
    item) and their clean values; --apply writes exactly those cells, in one
    atomic write, and adds the count to the Log tab.

    The only command that changes cells admins own. Exit 0 (also when there is
    something to fix); 2 the run could not be done.

    \b
    Examples:
      sheets-plan fix "plans/Coffee House.xlsx"
      sheets-plan fix "plans/Coffee House.xlsx" --apply
    """
    from sheets_plan.jobs.fix import render_text
    from sheets_plan.jobs.project import fix as run

    backend, sid = open_target(target, google)
    result = run(backend, sid, template=load_template(template_path), as_of=as_of, apply=apply)
    if fmt == "json":
        echo_json(result.to_json())
    else:
        click.echo(render_text(result), nl=False)


@cli.command()
@dir_option
@folder_option
@as_of_option
@format_option("json")
@click.option("--stats", "with_stats", is_flag=True,
              help="First fill the stats the sources give (as `sheets-plan stats --apply`).")
@stats_options
@click.option("--remind", "with_reminders", is_flag=True, help="Then send each admin's reminders (as `sheets-plan remind`).")
@team_option
@click.option("--jobs", default=1, show_default=True, type=click.IntRange(1, 16), help="Projects at once.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Exit 1 when a project has a flag of this severity or worse.")
@locale_option
@template_option
@google_options
@run_errors
@click.pass_context
def weekly(ctx, folder, folder_id, as_of, fmt, with_stats, exports, vk_credentials, vk_community, with_reminders,
           team_path, jobs, fail_on, locale, template_path, google):
    """The weekly job: validate and summarize every project in a folder.

    A broken project (deleted tab, no access, a workbook open in another
    program), a file saved as .xls or .ods, and a project found twice (a copied
    file) are each reported, and the others still run. Exit 0: all clean; 1:
    flags found; 2: something could not be run, the folder is missing, or it
    holds no project.

    \b
    Examples:
      sheets-plan weekly --dir plans
      sheets-plan weekly --folder 1AbC... --credentials key.json --format json
    """
    from sheets_plan.jobs import folder as job

    one_folder(ctx, folder_id)
    template = load_template(template_path)
    backend = folder_backend(folder_id, folder, google)
    refs, problems = job.projects_of(backend)
    sources = None
    if with_stats:
        from sheets_plan.jobs.stats import stat_sources

        sources = stat_sources(template, exports=list(exports), vk_credentials=vk_credentials, vk_community=vk_community)
    team = channels = None
    crm = crm_link(team_path, None, folder)
    if with_reminders:
        from sheets_plan.core.team import load_team

        from .team import channels_for, team_file

        team = load_team(team_file(team_path, None, folder))
        channels = channels_for(team)
    tick = progress(len(refs) if sys.stderr.isatty() else None, locale)
    results = job.weekly(backend, template=template, as_of=as_of, jobs=jobs, progress=tick, refs=refs,
                         sources=sources, team=team, channels=channels, crm=crm) + problems
    if fmt == "json":
        echo_json(job.to_json(results))
    else:
        click.echo(job.render_text(results, locale or job.run_locale(results, template.locale)), nl=False)
    sys.exit(job.exit_code(results, fail_on))


@cli.command()
@target_options
@as_of_option
@format_option("json")
@template_option
@google_options
@run_errors
@click.pass_context
def upgrade(ctx, target, folder, folder_id, as_of, fmt, template_path, google):
    """Move TARGET (or every project in --dir / --folder) to the current template version.

    From 1.0 to 2.0: the Account tab gets a Platform column (to the right of
    the columns in use), and every Account row already filled is given the
    project's main platform (the most published posts), which the output
    names. Dropdowns, formulas, protection and the Weekly tab are rebuilt in
    one atomic write; no other cell changes. A project already up to date is
    left alone. Exit 0; 2 when a project could not be upgraded.

    \b
    Examples:
      sheets-plan upgrade "plans/Coffee House.xlsx"
      sheets-plan upgrade --dir plans
      sheets-plan upgrade --folder 1AbC... --credentials key.json
    """
    from sheets_plan.jobs import upgrade as job

    one_folder(ctx, folder_id)
    template = load_template(template_path)
    if target:
        backend, sid = open_target(target, google)
        results = [job.upgrade(backend, sid, template=template, as_of=as_of, location=target)]
    else:
        results = job.upgrade_folder(folder_backend(folder_id, folder, google), template=template, as_of=as_of)
    if fmt == "json":
        echo_json([r.to_json() for r in results])
    else:
        for r in results:
            click.echo(r.text, err=bool(r.error))
    sys.exit(EXIT_RUN_ERROR if any(r.error for r in results) else 0)


@cli.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default="demo", show_default=True,
              help="Where to put the demo workbook.")
@click.option("--locale", type=click.Choice(LOCALES), default="ru", show_default=True,
              help="Language of the demo workbook and its output.")
@click.option("--as-of", "as_of", type=DateParam(), help="Pretend today is this date (the sample rows are dated "
                                                          "around it).")
@click.option("--crm", is_flag=True, help="Keep the demo's contacts in (a recorded) AmoCRM, not in the Leads tab: "
                                         "the CRM path, offline.")
@run_errors
def demo(folder, locale, as_of, crm):
    """Provision a demo project with eight weeks of sample rows (posts, three accounts, and
    a register of contacts), check it, summarize it and write the client's report (PDF).

    The sample rows hold a few planted mistakes, so the demo shows flags; it
    still exits 0 (2 when it cannot run). A re-run keeps the demo's rows and
    the date they were made for.

    Example: sheets-plan demo --dir demo
    """
    from sheets_plan.jobs.demo import run_demo

    result = run_demo(Path(folder), locale=locale, as_of=as_of, report=True, crm=crm)
    click.echo(result.text)
    click.echo(f"\nworkbook: {result.path}")
    click.echo(f"report: {result.report}")


def main():
    cli(prog_name="sheets-plan")


if __name__ == "__main__":
    main()
