"""The command for a project's AmoCRM: `crm-import` (the Leads tab moved into it). The CRM's reading
rides on validate, summarize, report, weekly, remind and brief (their --team)."""

from __future__ import annotations

import sys

import click

from sheets_plan.errors import RunError
from sheets_plan.jobs.targets import open_target

from .commands import cli, load_template
from .options import as_of_option, format_option, google_options, team_option, template_option
from .output import echo_json, run_errors
from .team import crm_link

WORDS = {"new": "a new contact and a lead", "existing": "a lead on the contact already in AmoCRM (#{contact})",
         "there": "already in AmoCRM: lead #{lead}", "twin": "the same person as row {lead}: moved once",
         "skipped": "skipped: no phone, e-mail or profile link to know the person by"}


@cli.command("crm-import")
@click.argument("target")
@click.option("--apply", is_flag=True, help="Create them (default: only list what would be created).")
@team_option
@as_of_option
@format_option("json")
@template_option
@google_options
@run_errors
def crm_import(target, apply, team_path, as_of, fmt, template_path, google):
    """Move TARGET's Leads tab into its AmoCRM (the team file maps the project): a contact and a lead
    per row, at the row's stage, for its admin. A person already in AmoCRM (the same phone in any
    spelling, or the same e-mail) gets no second contact; one who already has a lead in the pipeline
    gets nothing. So a second run creates nothing. The sheet is not changed.

    Without --apply it only lists what it would create. Exit 0; 2 when it cannot run.

    \b
    Examples:
      sheets-plan crm-import "plans/Coffee House.xlsx" --team plans/team.toml
      sheets-plan crm-import "plans/Coffee House.xlsx" --apply
    """
    from sheets_plan.jobs.crm_import import move_register

    link = crm_link(team_path, target)
    if link is None:
        raise RunError("no team file maps a project to AmoCRM: add [projects.\"NAME\".amocrm] to team.toml "
                       "(see docs/amocrm.md)")
    backend, sid = open_target(target, google)
    result = move_register(backend, sid, link=link, template=load_template(template_path), as_of=as_of, apply=apply)
    if fmt == "json":
        echo_json(result.to_json())
    else:
        click.echo(render_text(result), nl=False)
    sys.exit(result.exit_code())


def render_text(result) -> str:
    head = "created" if result.applied else "would create (dry run; --apply creates)"
    lines = [f"{result.project}: {head}: {result.created()} of {len(result.moves)} rows"]
    for m in result.moves:
        lines.append(f"  row {m.row:<5} {m.person or '—':<18} {m.admin:<12} "
                     + WORDS[m.action].format(contact=m.contact, lead=m.lead))
    return "\n".join(lines) + "\n"
