"""What the command prints besides a job's own text: JSON for machines, a progress bar for people,
and the product's known failures as one line."""

from __future__ import annotations

import functools
import json
import sys
import warnings

import click

from sheets_plan.core.template_load import TemplateError
from sheets_plan.errors import Advice, RunError

from .options import EXIT_RUN_ERROR


def echo_json(data) -> None:
    """JSON as people read it too: UTF-8 (Cyrillic as letters), indented."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def echo_pieces(pieces) -> None:
    """Text made in pieces (a large report's JSON or CSV), written as it comes."""
    for piece in pieces:
        click.echo(piece, nl=False)


def run_errors(fn):
    """Turn the product's known failures into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            with warnings.catch_warnings():  # advice is one line on stderr, not a Python warning
                warnings.simplefilter("always", Advice)
                warnings.showwarning = lambda message, *_: click.echo(f"warning: {message}", err=True)
                return fn(*args, **kwargs)
        except (RunError, TemplateError) as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(EXIT_RUN_ERROR)

    return wrapper


def progress(total: int | None, locale: str | None = None):
    """A bar on a terminal (`total` projects), plain lines otherwise (logs, cron mail), in `locale`
    or each project's own language."""
    from sheets_plan.jobs.folder import PROGRESS

    done = [0]

    def tick(result):
        done[0] += 1
        state = PROGRESS.get(locale or result.locale, PROGRESS["en"])[result.ok]
        if total:
            width = 30
            filled = width * done[0] // max(total, 1)
            click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done[0]}/{total} {result.project[:30]:<30}",
                       err=True, nl=done[0] == total)
        else:
            click.echo(f"{done[0]}: {result.project}: {state}", err=True)

    return tick
