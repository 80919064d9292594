"""The `sheets-plan` command: a thin click layer, one library call per command.

Exit codes: 0 clean; 1 flags at or above --fail-on; 2 the run could not be
done (bad template, missing tab or header, unreadable workbook, auth,
network). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from . import template as template_mod
from .backend import RunError
from .local import LocalBackend
from .template import LOCALES, TemplateError

EXIT_RUN_ERROR = 2


def run_errors(fn):
    """Turn the product's known failures into one line and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (RunError, TemplateError) as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_RUN_ERROR)

    return wrapper


def load_template(path: str | None):
    return template_mod.load(path)


template_option = click.option("--template", "template_path", type=click.Path(dir_okay=False),
                               help="A template TOML of your own (default: the embedded one).")
dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
                          help="Folder of local .xlsx project workbooks.")


@click.group(help=__doc__.split("\n\n")[0].replace("The `sheets-plan` command: ", "sheets-plan: ")
             + "\n\nRuns a social-media team's \"Content plan + Statistics\" procedure on spreadsheets: "
               "provision project workbooks, check them, summarize engagement week by week."
             + "\n\nExit codes: 0 clean, 1 flags found, 2 the run could not be done.")
@click.version_option(package_name="sheets-plan")
def cli():
    pass


@cli.command()
@click.argument("project")
@dir_option
@click.option("--admin", "admins", multiple=True, help="An admin's name (repeat); fills the Responsible dropdown.")
@click.option("--locale", type=click.Choice(LOCALES), help="Labels and messages (default: the template's).")
@template_option
@run_errors
def provision(project, folder, admins, locale, template_path):
    """Create PROJECT's workbook from the template, or repair an existing one.

    Re-running repairs headers, dropdowns, formats, protection and the tool's
    formulas; it never changes a cell an admin filled.

    Example: sheets-plan provision "Coffee House" --dir plans --admin Anna --admin Boris
    """
    from .provision import provision as run

    sid = run(LocalBackend(folder), project, admins=admins, locale=locale, template=load_template(template_path))
    click.echo(sid)


@cli.command("list")
@dir_option
@run_errors
def list_(folder):
    """List the tagged project workbooks in a folder.

    Example: sheets-plan list --dir plans
    """
    refs = LocalBackend(folder).projects()
    if not refs:
        click.echo(f"no projects in {folder}", err=True)
    for ref in refs:
        click.echo(f"{ref.project}\t{ref.template} {ref.version}\t{ref.location}")


@cli.command()
@click.option("--dir", "folder", type=click.Path(file_okay=False), default="demo", show_default=True,
              help="Where to put the demo workbook.")
@click.option("--locale", type=click.Choice(LOCALES), default="ru", show_default=True)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="Pretend today is this date.")
@run_errors
def demo(folder, locale, as_of):
    """Provision a demo project with eight weeks of sample rows, check it and summarize it.

    Example: sheets-plan demo --dir demo
    """
    from .demo import run_demo

    result = run_demo(Path(folder), locale=locale, as_of=as_of.date() if as_of else None)
    click.echo(result.text)
    click.echo(f"\nworkbook: {result.path}")


def main():
    cli(prog_name="sheets-plan")


if __name__ == "__main__":
    main()
