"""Stats a platform gives, put where the plan waits for them: only into empty cells, never over what
an admin typed.

The cells due are exactly the ones the check's stats rule flags (published, `stats_after_days`
passed, empty), so the import and the check never disagree on what is missing. A figure that
differs from what an admin typed is reported, not written. Pure: a plan, a check's report and the
sources' answers in; the cells to write, the disagreements and the problems out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from sheets_plan.core.dates import monday
from sheets_plan.core.flags import CheckResult
from sheets_plan.core.post_links import INSTAGRAM, TELEGRAM, VK, PostLink, post_link
from sheets_plan.core.table import Table
from sheets_plan.core.template import Template
from sheets_plan.sheets.a1 import col_letter

STAT_COLUMNS = ("likes", "comments", "saves", "shares", "reach", "views")
PLATFORM_OF = {VK: "vk", INSTAGRAM: "instagram", TELEGRAM: "telegram"}  # link platform -> plan platform (lower)

# Why a row gets nothing (the listing says it in words: `stats_text`).
NO_LINK, UNKNOWN_LINK, OTHER_PLATFORM, NOT_FOUND, OTHER_ACCOUNT, NO_SOURCE, PARTIAL = (
    "no_link", "unknown_link", "other_platform", "not_found", "other_account", "no_source", "partial")


@dataclass(frozen=True)
class PostStats:
    """What a source found for one post: some of STAT_COLUMNS (a platform may not give them all)."""

    link: PostLink
    figures: dict[str, int]
    source: str
    missing: tuple[str, ...] = ()  # stats this source could not give for this post, with why in `note`
    note: str = ""


@dataclass(frozen=True)
class Refusal:
    """A source's answer for a post it cannot give: not found, another account, no permission."""

    link: PostLink
    why: str
    source: str
    detail: str = ""


@dataclass(frozen=True)
class Due:
    """A plan row whose stats are due, and which of its stat cells are empty."""

    row: int
    admin: str
    platform: str
    link_text: str
    link: PostLink | None
    empty: tuple[str, ...]
    typed: dict[str, object]


@dataclass(frozen=True)
class Fill:
    tab: str
    row: int
    column: str
    cell: str
    admin: str
    value: int
    source: str


@dataclass(frozen=True)
class Disagreement:
    row: int
    column: str
    cell: str
    admin: str
    typed: object
    found: int
    source: str


@dataclass(frozen=True)
class Problem:
    row: int
    cell: str
    admin: str
    why: str
    detail: str = ""
    source: str = ""


@dataclass
class Plan:
    """What an import would do: the cells to fill and what it found but will not write."""

    fills: list[Fill] = field(default_factory=list)
    disagreements: list[Disagreement] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    asked: int = 0  # rows with due, empty stat cells


def due_rows(plan: Table, report: CheckResult, template: Template) -> list[Due]:
    """Rows with stat cells the check flags as missing (the stats rule), in row order."""
    rules = {r.id for r in template.rules if r.after_stats_days and r.tab == plan.tab.key}
    empty: dict[int, list[str]] = {}
    for f in report.flags:
        if f.rule in rules and f.tab == plan.tab.key and f.column in STAT_COLUMNS:
            empty.setdefault(f.row, []).append(f.column)
    frame = plan.frame
    out = []
    for row in sorted(empty):
        text = frame.at[row, "link"] if "link" in frame else None
        text = text if isinstance(text, str) else ""
        typed = {c: frame.at[row, c] for c in STAT_COLUMNS if c in frame and c not in empty[row]}
        out.append(Due(row, _text(frame.at[row, "responsible"]), _text(frame.at[row, "platform"]), text,
                       post_link(text), tuple(c for c in STAT_COLUMNS if c in empty[row]), typed))
    return out


def plan_fills(plan: Table, dues: list[Due], found: dict[PostLink, PostStats | Refusal]) -> Plan:
    """The cells to write (only empty ones), disagreements with typed figures, and each row's problem."""
    out = Plan(asked=len(dues))
    for due in dues:
        link_cell = _cell(plan, "link", due.row)
        if due.link is None:
            out.problems.append(Problem(due.row, link_cell, due.admin, NO_LINK if not due.link_text else UNKNOWN_LINK,
                                        due.link_text))
            continue
        if due.platform and PLATFORM_OF[due.link.platform] != due.platform.strip().lower():
            out.problems.append(Problem(due.row, link_cell, due.admin, OTHER_PLATFORM, due.platform))
            continue
        answer = found.get(due.link)
        if answer is None:
            out.problems.append(Problem(due.row, link_cell, due.admin, NO_SOURCE, due.link.platform))
            continue
        if isinstance(answer, Refusal):
            out.problems.append(Problem(due.row, link_cell, due.admin, answer.why, answer.detail, answer.source))
            continue
        for column in due.empty:
            if column in answer.figures:
                out.fills.append(Fill(plan.tab.key, due.row, column, _cell(plan, column, due.row), due.admin,
                                      int(answer.figures[column]), answer.source))
        for column, typed in due.typed.items():
            number = _number(typed)
            if column in answer.figures and number is not None and number != answer.figures[column]:
                out.disagreements.append(Disagreement(due.row, column, _cell(plan, column, due.row), due.admin, typed,
                                                      int(answer.figures[column]), answer.source))
        left = [c for c in due.empty if c not in answer.figures]
        if left:
            out.problems.append(Problem(due.row, _cell(plan, left[0], due.row), due.admin, PARTIAL,
                                        ", ".join(left) + (f" ({answer.note})" if answer.note else ""), answer.source))
    return out


def _cell(table: Table, column: str, row: int) -> str:
    return f"{col_letter(table.positions[column])}{row}" if column in table.positions else f"?{row}"


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number(value) -> int | None:
    if isinstance(value, bool) or value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    return None


# ------------------------------------------------------------------ followers in the Account tab

@dataclass(frozen=True)
class Followers:
    """An account's followers as a source knows them: on a day (the week is that day's week's end)."""

    platform: str      # as the plan spells it: "VK", "Instagram", "Telegram"
    count: int
    on: dt.date
    source: str
    exact: bool = True  # False: today's count standing in for the week's end (VK's API): fills, never disagrees


@dataclass(frozen=True)
class AccountFill:
    """Followers into an Account row: an empty cell of an existing row, or a new row (row None)."""

    week: dt.date
    platform: str
    followers: int
    source: str
    row: int | None = None
    cell: str = ""


def account_fills(account: Table, found: list[Followers], as_of: dt.date) -> tuple[list[AccountFill], list[Disagreement]]:
    """Followers for the last complete week of each account a source knows: filled where the row's
    cell is empty, a new row where the week has none for that platform; a typed figure that differs
    is a disagreement."""
    last_week = monday(as_of) - dt.timedelta(weeks=1)
    frame = account.frame
    weeks = pd.to_datetime(frame["week"], errors="coerce").map(lambda d: monday(d) if pd.notna(d) else None)
    fills, disagreements = [], []
    for f in found:
        week = monday(f.on) if monday(f.on) < monday(as_of) else last_week
        rows = frame.index[(weeks == week) & frame["platform"].map(lambda p: _text(p).lower() == f.platform.lower())]
        if not len(rows):
            fills.append(AccountFill(week, f.platform, f.count, f.source))
            continue
        row = int(rows[-1])  # the sheet's formulas take the lowest row of a week
        typed = frame.at[row, "followers"]
        number = _number(typed)
        if typed is None or (isinstance(typed, float) and pd.isna(typed)):
            fills.append(AccountFill(week, f.platform, f.count, f.source, row, _cell(account, "followers", row)))
        elif f.exact and number is not None and number != f.count:
            disagreements.append(Disagreement(row, "followers", _cell(account, "followers", row), "", typed, f.count,
                                              f.source))
    return fills, disagreements
