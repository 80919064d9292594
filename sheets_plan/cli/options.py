"""click building blocks of the `sheets-plan` command: the Google options and their own
heading in --help, a date parameter that names a day that does not exist."""

from __future__ import annotations

import calendar
import datetime as dt
import re

import click

def google_options(fn):
    """Credentials for Google targets; ignored for local workbooks."""
    for opt in reversed([
        click.option("--credentials", type=click.Path(dir_okay=False), envvar="GOOGLE_APPLICATION_CREDENTIALS",
                     help="Service-account key JSON (or set GOOGLE_APPLICATION_CREDENTIALS)."),
        click.option("--oauth", is_flag=True, help="Use OAuth user credentials (a browser sign-in once; token cached)."),
        click.option("--requests-per-minute", "per_minute", type=click.IntRange(1, 6000), default=60,
                     show_default=True, envvar="SHEETS_PLAN_REQUESTS_PER_MINUTE",
                     help="Client-side pacing of Google API requests (the per-user quota)."),
    ]):
        fn = opt(fn)
    return fn


# Options that matter only for Google Sheets, shown apart in every command's --help.
GOOGLE_OPTIONS = {"credentials", "oauth", "per_minute", "folder_id", "allow_domain", "notify"}


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
    command_class = Command


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
