"""Each admin's digest: what is due soon (stats due tomorrow, posts of today and tomorrow without a
caption, the Account rows of the week that just ended) and what is wrong now (the admin's open
flags), with a one-line summary. From the same rules the check uses: the stats due tomorrow are the
flags a check as of tomorrow adds. Messages are the check's, so a contact's data stays masked.

Each item has a key that stays the same while the item does (its rule and cell, not its words,
which change as days pass), so a reminder is sent once. Pure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from sheets_plan.words import Words
from sheets_plan.core.flags import CRM_TAB, Flag, CheckResult, place
from sheets_plan.core.table import Table
from sheets_plan.core.team import Admin
from sheets_plan.sheets.a1 import col_letter

DUE, WRONG = "due", "wrong"
Link = Callable[[str, str], "str | None"]  # (tab key, cell; an AmoCRM lead: its id) -> a URL to it, or None

WORDS = Words(lambda _: {
    "stats": _("stats due tomorrow: {columns}"),
    "caption": _("the post of {day:%d.%m} has no caption"),
    "summary": _("{completeness:.1f}% complete, {now} open flags{before}."),
    "before": _(" ({n} a week before)"),
    "due": _("Due soon"),
    "wrong": _("To fix"),
    "hello": _("{admin}, reminders for “{project}” as of {day:%d.%m.%Y}")})


@dataclass(frozen=True)
class Item:
    key: str
    kind: str          # DUE | WRONG
    where: str         # "Контент-план!K5", or the tab's title
    text: str
    link: str | None = None


@dataclass
class Digest:
    admin: str
    project: str
    day: dt.date
    locale: str
    items: list[Item] = field(default_factory=list)
    summary: str = ""

    def title(self) -> str:
        return WORDS[self.locale]["hello"].format(admin=self.admin, project=self.project, day=self.day)


def flag_key(f: Flag) -> str:
    """A flag's identity while it stays: its rule and cell (or its message, for a flag of a whole tab)."""
    if f.tab == CRM_TAB:
        return f"flag:{f.rule}:{f.tab}:{f.row}:{f.column}"
    return f"flag:{f.rule}:{f.tab}:{f.cell}" if f.cell else f"flag:{f.rule}:{f.tab}:{f.message}"


def digests(*, project: str, locale: str, as_of: dt.date, report: CheckResult, tomorrow: CheckResult, plan: Table,
            titles: dict[str, str], admins: list[Admin], link: Link, labels: dict[str, str],
            weekly_rules: set[str], stats_rules: set[str], history: dict[tuple[str, dt.date], dict]) -> list[Digest]:
    """A digest per admin of the team file (empty ones included: the job skips them)."""
    words = WORDS[locale]
    out = []
    for admin in admins:
        mine = [f for f in report.flags if f.admin.casefold() == admin.name.casefold() and f.rule not in weekly_rules]
        items = _due_stats(admin, report, tomorrow, plan, titles, link, labels, stats_rules, words)
        items += _captions(admin, plan, as_of, titles, link, words)
        ended = f"{as_of - dt.timedelta(days=as_of.weekday() + 7):%d.%m.%Y}"
        items += [Item(flag_key(f), DUE if _just_ended(f, ended) else WRONG, titles.get(f.tab, f.tab), f.message)
                  for f in report.flags if f.rule in weekly_rules and _owns_account(admin, f)]
        wrong = [Item(flag_key(f), WRONG, place(f, titles), f.message + _post(plan, f, locale),
                      link(f.tab, str(f.row) if f.tab == CRM_TAB else f.cell) if f.cell or f.tab == CRM_TAB else None)
                 for f in mine]
        flagged = {i.where for i in wrong}
        items = [i for i in items if i.kind != DUE or i.where not in flagged] + wrong  # a cell once, where it is wrong
        stats = next((s for name, s in report.by_admin.items() if name.casefold() == admin.name.casefold()), None)
        last = _last_week(history, admin.name, as_of)
        summary = words["summary"].format(
            completeness=stats["completeness"] if stats else 100.0, now=len(mine),
            before=words["before"].format(n=int(last)) if last is not None else "")
        out.append(Digest(admin.name, project, as_of, locale, items, summary))
    return out


def _due_stats(admin, report, tomorrow, plan, titles, link, labels, stats_rules, words) -> list[Item]:
    """Rows whose stats fall due tomorrow: flags a check as of tomorrow has and today's has not."""
    today = {(f.row, f.column) for f in report.flags if f.rule in stats_rules}
    rows: dict[int, list[str]] = {}
    for f in tomorrow.flags:
        if f.rule in stats_rules and (f.row, f.column) not in today and f.admin.casefold() == admin.name.casefold():
            rows.setdefault(f.row, []).append(labels.get(f.column, f.column))
    title = titles.get(plan.tab.key, plan.tab.key)
    return [Item(f"due:stats:{plan.tab.key}:{row}", DUE, f"{title}!{_cell(plan, 'likes', row)}",
                 words["stats"].format(columns=", ".join(columns)), link(plan.tab.key, _cell(plan, "likes", row)))
            for row, columns in sorted(rows.items())]


def _captions(admin, plan, as_of, titles, link, words) -> list[Item]:
    frame = plan.frame
    if "caption" not in frame:
        return []
    days = pd.to_datetime(frame["date"], errors="coerce").dt.date
    soon = days.isin([as_of, as_of + dt.timedelta(days=1)]) & plan.blank["caption"] & frame["responsible"].map(
        lambda a: isinstance(a, str) and a.strip().casefold() == admin.name.casefold()) & (frame["status"] != "published")
    title = titles.get(plan.tab.key, plan.tab.key)
    return [Item(f"soon:caption:{plan.tab.key}:{row}:{days[row]}", DUE, f"{title}!{_cell(plan, 'caption', row)}",
                 words["caption"].format(day=days[row]), link(plan.tab.key, _cell(plan, "caption", row)))
            for row in frame.index[soon]]


def _just_ended(f: Flag, ended: str) -> bool:
    """An Account flag of the week that just ended alone is due; one of older weeks is late: to fix."""
    return ended in f.message and "–" not in f.message


def _post(plan: Table, f: Flag, locale: str) -> str:
    """Which post a plan cell's flag is on, as the admin knows it: its day and topic."""
    if f.tab != plan.tab.key or f.row not in plan.frame.index or "topic" not in plan.frame:
        return ""
    day, topic = plan.frame.at[f.row, "date"], plan.frame.at[f.row, "topic"]
    parts = [f"{day:%d.%m}"] if isinstance(day, (dt.date, pd.Timestamp)) and not pd.isna(day) else []
    if isinstance(topic, str) and topic.strip():
        parts.append(f"«{topic.strip()}»" if locale == "ru" else f"“{topic.strip()}”")
    return f" — {', '.join(parts)}" if parts else ""


def _owns_account(admin: Admin, f: Flag) -> bool:
    """A weekly Account flag names its platform first ("VK: no row ..."): the admin whose accounts it is."""
    return "all" in admin.accounts or any(f.message.startswith(f"{p}:") for p in admin.accounts)


def _last_week(history: dict, admin: str, as_of: dt.date) -> float | None:
    week = as_of - dt.timedelta(days=as_of.weekday() + 7)
    for (name, monday), figures in history.items():
        if name.casefold() == admin.casefold() and monday == week and "open_flags" in figures:
            return figures["open_flags"]
    return None


def _cell(table: Table, column: str, row: int) -> str:
    return f"{col_letter(table.positions[column])}{row}" if column in table.positions else str(row)
