"""The contacts register's checks (the Leads tab), each registered by name (registry.py).

Each check yields (column, mask, fields) like the plan's checks. Values read from a personal
column reach a message only masked (`personal.mask`); the run keeps the unmasked message beside
it for `--show-personal-data`. Phones, e-mails and links are parsed once per distinct value.
"""

from __future__ import annotations

import pandas as pd

from sheets_plan.words import Words
from sheets_plan.core import personal
from sheets_plan.core.table import Table
from sheets_plan.core.template import Rule
from .registry import Run, handles

PROBLEMS = Words(lambda _: {
    personal.PHONE_UNREADABLE: _("not a phone number"),
    personal.PHONE_SHORT: _("too short a number"),
    personal.PHONE_LONG: _("too long a number"),
    personal.PHONE_INVALID: _("no such number"),
    personal.EMAIL_INVALID: _("not an e-mail address"),
    personal.PROFILE_NOT_URL: _("not a link (expected https://…)"),
    personal.PROFILE_UNKNOWN: _("not a link to a social network profile")})


def _per_value(texts: pd.Series, fn) -> pd.Series:
    """fn of each non-blank text, computed once per distinct value."""
    filled = texts.dropna()
    results = {v: fn(str(v)) for v in filled.unique()}
    return texts.map(results)


@handles("any_of")
def any_of(run: Run, rule: Rule, table: Table):
    """None of the rule's columns filled (a way to reach the person), where `when` holds."""
    yield rule.columns[0], run.condition(rule, table) & table.blank[list(rule.columns)].all(axis=1), {}


@handles("phone")
def phone(run: Run, rule: Rule, table: Table):
    for column in rule.columns:
        read = phones(run, table, column)
        problem = read.map(lambda r: r[1] if isinstance(r, tuple) else None)
        bad = problem.notna() & (problem != personal.PHONE_FORMAT)
        yield column, bad, {"problem": problem.map(PROBLEMS[run.locale]).fillna("")}


@handles("phone_format")
def phone_format(run: Run, rule: Rule, table: Table):
    """A good number written otherwise than the one spelling: the flag gives that spelling."""
    for column in rule.columns:
        read = phones(run, table, column)
        shown = read.map(lambda r: r[0] if isinstance(r, tuple) else None)
        fix = read.map(lambda r: isinstance(r, tuple) and r[1] == personal.PHONE_FORMAT).astype(bool)
        yield column, fix, {"fixed": shown.fillna("")}


@handles("email")
def email(run: Run, rule: Rule, table: Table):
    for column in rule.columns:
        problem = _per_value(table.frame[column], personal.email_problem)
        yield column, problem.notna(), {"problem": problem.map(PROBLEMS[run.locale]).fillna("")}


@handles("profile")
def profile(run: Run, rule: Rule, table: Table):
    for column in rule.columns:
        problem = _per_value(table.frame[column], personal.profile_problem)
        yield column, problem.notna(), {"problem": problem.map(PROBLEMS[run.locale]).fillna("")}


@handles("same_contact")
def same_contact(run: Run, rule: Rule, table: Table):
    """The same phone (as a number) or profile (as a link) as an earlier row: flagged on the later."""
    for column in rule.columns:
        kind = table.tab.column(column).type
        key = _per_value(table.frame[column], personal.phone_key if kind == "phone" else personal.profile_key)
        rows = pd.Series(table.frame.index, index=table.frame.index).where(key.notna())
        first = rows.groupby(key).transform("min")
        yield column, key.notna() & (rows > first), {"first": first.astype("Int64").astype(str)}


@handles("not_before")
def not_before(run: Run, rule: Rule, table: Table):
    than = table.frame[rule.than]
    for column in rule.columns:
        yield column, table.frame[column] < than, {}  # NaT compares False: both dates given


@handles("stale")
def stale(run: Run, rule: Rule, table: Table):
    """A lead in one stage longer than the rule's days for it, with no open task: nobody is on it.
    Only AmoCRM's cards carry tasks (`crm.task_facts`, kept with the frame); the Leads tab has none."""
    facts = table.frame.attrs.get("crm")
    if facts is None or not len(table.frame):
        return
    stage = table.frame["stage"]
    limit = stage.map(rule.days)
    waiting = facts["days"].reindex(table.frame.index)
    late = limit.notna() & (waiting > limit) & ~facts["open_task"].reindex(table.frame.index).astype(bool)
    yield "stage", late, {"stage": run.choice_labels(table, "stage"), "waiting": waiting.astype(str),
                          "limit": limit.astype("Int64").astype(str)}


def phones(run: Run, table: Table, column: str) -> pd.Series:
    """Each phone read once per run (two checks ask)."""
    return run.cached(("phones", table.tab.key, column), lambda: _per_value(table.frame[column], personal.read_phone))
