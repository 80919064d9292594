"""click building blocks of the `sheets-plan` command: the shared options (Google's under their
own heading in --help, handed to a command as one GoogleOptions), --format, a date parameter that
names a day that does not exist, and usage errors in one line."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import sys

import click

from sheets_plan.core.template import LOCALES
from sheets_plan.jobs.targets import GoogleOptions

EXIT_RUN_ERROR = 2
# Options that matter only for Google Sheets, shown apart in every command's --help.
GOOGLE_OPTIONS = {"credentials", "oauth", "per_minute", "folder_id", "allow_domain", "notify"}


def google_options(fn):
    """Credentials for Google targets (ignored for local workbooks), passed as `google=GoogleOptions`."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        kwargs["google"] = GoogleOptions(**{k: kwargs.pop(k) for k in ("credentials", "oauth", "per_minute",
                                                                       "allow_domain", "notify") if k in kwargs})
        return fn(*args, **kwargs)

    for opt in reversed([
        click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Service-account key JSON (or set GOOGLE_APPLICATION_CREDENTIALS)."),
        click.option("--oauth", is_flag=True, help="Use OAuth user credentials (a browser sign-in once; token cached)."),
        click.option("--requests-per-minute", "per_minute", type=click.IntRange(1, 6000), default=60,
                     show_default=True, envvar="SHEETS_PLAN_REQUESTS_PER_MINUTE",
                     help="Client-side pacing of Google API requests (the per-user quota)."),
    ]):
        wrapper = opt(wrapper)
    return wrapper


def format_option(*choices: str):
    """--format: text for people (the default), the others for machines."""
    return click.option("--format", "fmt", type=click.Choice(["text", *choices]), default="text", show_default=True)


template_option = click.option("--template", "template_path", type=click.Path(dir_okay=False),
                               help="A template TOML of your own (default: the embedded one).")
dir_option = click.option("--dir", "folder", type=click.Path(file_okay=False), default=".", show_default=True,
                          help="Folder of local .xlsx project workbooks.")
folder_option = click.option("--folder", "folder_id", help="Google Drive folder ID (in a Shared Drive) instead of --dir.")


def target_options(fn):
    """TARGET (one workbook or spreadsheet) or every project in --dir / --folder."""
    return click.argument("target", required=False)(dir_option(folder_option(fn)))


team_option = click.option(
    "--team", "team_path", type=click.Path(dir_okay=False),
    help="The team file: admins' contacts, mail settings, and which projects keep their contacts in AmoCRM "
         "(default: team.toml beside the workbook, in --dir, or here; none: every project's contacts are its Leads tab).")
locale_option = click.option("--locale", type=click.Choice(LOCALES), help="Language (default: the template's).")


def one_folder(ctx: click.Context, folder_id: str | None) -> None:
    """--dir and --folder name two places: refuse both, before anything needs credentials."""
    if folder_id and ctx.get_parameter_source("folder") is click.core.ParameterSource.COMMANDLINE:
        raise click.UsageError("--dir and --folder name two places; give one")


class Command(click.Command):
    """A command whose --help lists the Google options under their own heading."""

    def format_options(self, ctx, formatter):
        own, google = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx) if isinstance(param, click.Option) else None
            if record is not None:
                (google if param.name in GOOGLE_OPTIONS else own).append(record)
        for title, records in (("Options", own), ("Google Sheets (a spreadsheet ID or URL, or --folder)", google)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


class Group(click.Group):
    """The command group: a usage error is one line on stderr (what is wrong, where help is), exit 2."""

    command_class = Command

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            done = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as e:
            where = e.ctx.command_path if e.ctx else (prog_name or "sheets-plan")
            click.echo(f"error: {e.format_message()} (see `{where} --help`)", err=True)
            sys.exit(EXIT_RUN_ERROR)
        except click.ClickException as e:
            click.echo(f"error: {e.format_message()}", err=True)
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(1)
        sys.exit(done if isinstance(done, int) else 0)


HELP = """Run a social-media team's "Content plan + Statistics" procedure on spreadsheets.

Make one workbook per client project, check that admins fill it in as the
procedure says (flags per admin, in a Check tab), and summarize engagement
week by week (a Weekly tab of live formulas). Works on local .xlsx workbooks,
or on Google Sheets with --credentials. Try it: sheets-plan demo

Exit codes: 0 clean, 1 flags found, 2 the run could not be done (one line on
stderr says why)."""


class DateParam(click.ParamType):
    """A calendar date typed as YYYY-MM-DD; a day that does not exist is named as such."""

    name = "date"

    def get_metavar(self, param, ctx=None):
        return "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(value))
        if not m:
            self.fail(f"{value!r}: give the date as YYYY-MM-DD, e.g. 2026-03-16", param, ctx)
        year, month, day = map(int, m.groups())
        if not 1 <= month <= 12:
            self.fail(f"{value}: there is no month {month}", param, ctx)
        try:
            return dt.date(year, month, day)
        except ValueError:
            days = calendar.monthrange(year, month)[1]
            self.fail(f"{value} does not exist: {calendar.month_name[month]} {year} has {days} days", param, ctx)


def stats_options(fn):
    """Where `stats` (and `weekly --stats`) get figures: export files, VK's API."""
    for opt in reversed([
        click.option("--export", "exports", multiple=True, type=click.Path(dir_okay=False),
                     help="A statistics export (CSV or XLSX: Meta Business Suite, TGStat, Popsters, LiveDune, or a "
                          "layout of your template); repeat for several."),
        click.option("--vk-credentials", type=click.Path(dir_okay=False),
                     help='VK tokens: a JSON file {"token": ...} or {"tokens": {"-123": ...}} '
                          "(default: the SHEETS_PLAN_VK_TOKEN environment variable)."),
        click.option("--vk-community", help="The project's VK community id (-123); default: the one most posts are on."),
    ]):
        fn = opt(fn)
    return fn


as_of_option = click.option("--as-of", "as_of", type=DateParam(),
                            help="Check as if today were this date (default: today in the template's time zone).")
