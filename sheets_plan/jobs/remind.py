"""`sheets-plan remind`: each admin gets what is due and what is wrong, once, by e-mail or Telegram.

A reminder already sent is not sent again: the state beside the project keeps which admin was sent
which item on which channel, and when (an item that went away is forgotten, so if it comes back it
is sent again). So the job can run hourly from cron. Quiet hours in each admin's time zone hold a
digest for the next run. Each channel's delivery is its own: a send that fails is not marked sent
on that channel (reported, exit 2, tried again next run), and what another channel delivered is
never sent again on it (an admin reached by e-mail and Telegram is not mailed every hour while
Telegram is down).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sheets_plan.backends.base import Backend
from sheets_plan.channels.base import Delivery, Message, SendError
from sheets_plan.core import kpis
from sheets_plan.core.digest import Digest, digests
from sheets_plan.core.flags import CRM_TAB
from sheets_plan.core.team import Team, in_quiet_hours
from sheets_plan.core.template import Template
from sheets_plan.errors import RunError

from .crm import crm_of
from .crm_tasks import set_tasks
from .project import check_snapshot, start
from .state import save_json, state_path as project_state
from .remind_text import render_html, render_telegram, render_text

GOOGLE_CELL = "https://docs.google.com/spreadsheets/d/{sid}/edit#gid={gid}&range={cell}"


class Channel(Protocol):
    def send(self, message: Message): ...


@dataclass
class RemindResult:
    project: str
    locale: str
    digests: list[Digest] = field(default_factory=list)   # the new items of each admin
    deliveries: list[Delivery] = field(default_factory=list)
    unreached: list[str] = field(default_factory=list)    # project admins with no entry in the team file
    dry_run: bool = False

    def exit_code(self) -> int:
        return 2 if any(not d.ok and d.channel for d in self.deliveries) else 0

    def to_json(self) -> dict:
        return {"project": self.project, "dry_run": self.dry_run, "unreached": self.unreached,
                "deliveries": [d.__dict__ for d in self.deliveries],
                "digests": [{"admin": d.admin, "summary": d.summary, "items": [i.__dict__ for i in d.items]}
                            for d in self.digests]}


def remind(backend: Backend, sid: str, *, team: Team, channels: dict[str, Channel] | None = None,
           template: Template | None = None, as_of: dt.date | None = None, now: dt.datetime | None = None,
           state: str | Path | None = None, dry_run: bool = False, crm=None) -> RemindResult:
    """Build each admin's digest of new items and send it (`dry_run`: only build it).

    `now`: the moment of the run (aware, or naive in the template's time zone), for quiet hours;
    `state`: the file of what was sent (default: beside a local workbook; else ./.sheets-plan/).

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> team = sheets_plan.Team(admins=(sheets_plan.core.team.Admin("Anna", email="anna@agency.test"),))
    >>> result = sheets_plan.remind(sheets_plan.LocalBackend("demo"), path, team=team, as_of=day, dry_run=True)
    >>> [(d.admin, len(d.items) > 0) for d in result.digests], result.unreached
    ([('Anna', True)], ['Boris', 'Vera'])
    """
    crm = crm if crm is not None else crm_of(team)
    snap = start(backend, sid, template, as_of, crm)
    zone = ZoneInfo(snap.template.time_zone)
    now = (now or dt.datetime.now(zone)).replace(tzinfo=(now.tzinfo if now and now.tzinfo else zone))
    report = check_snapshot(snap, snap.as_of)
    plan = snap.tables[snap.template.tab_of_kind("plan").key]
    weekly = {r.id for r in snap.template.rules if r.check == "weekly"}
    stats_rules = {r.id for r in snap.template.rules if r.after_stats_days}
    labels = {c.key: c.label(snap.locale) for c in plan.tab.columns}
    made = digests(project=snap.project, locale=snap.locale, as_of=snap.as_of, report=report,
                   tomorrow=check_snapshot(snap, snap.as_of + dt.timedelta(days=1)), plan=plan, titles=snap.titles,
                   admins=list(team.admins), link=_linker(backend, sid, snap.sheet_ids, snap.crm), labels=labels,
                   weekly_rules=weekly, stats_rules=stats_rules, history=kpis.history(snap))
    known = {a.name.casefold() for a in team.admins}
    result = RemindResult(snap.project, snap.locale, dry_run=dry_run,
                          unreached=[a for a in _project_admins(snap) if a.casefold() not in known])
    sent = SentState.load(state_path(backend, sid, state))
    tasks = snap.crm.map.tasks if snap.crm is not None else "none"
    if tasks != "none":  # the admins' AmoCRM items as tasks on their leads
        result.deliveries += set_tasks(snap, report, crm, sent, now, dry_run)
    for digest in made:
        if tasks == "instead":
            digest.items = [i for i in digest.items if f":{CRM_TAB}:" not in i.key]
        current = {i.key for i in digest.items}
        admin = team.admin(digest.admin)
        ways = admin.channels() if admin else ()
        # new: an item some channel of the admin has not delivered yet
        digest.items = [i for i in digest.items if not all(sent.has(digest.admin, way, i.key) for way in ways or ("",))]
        result.digests.append(digest)
        result.deliveries += _deliver(digest, team, channels or {}, now, dry_run, sent)
        if not dry_run:
            sent.forget_all_but(digest.admin, current)
    if not dry_run:
        sent.save()
    return result


def _deliver(digest: Digest, team: Team, channels: dict[str, Channel], now: dt.datetime, dry_run: bool,
             sent: SentState) -> list[Delivery]:
    """The digest on each of the admin's channels, a Delivery each: a channel gets the items it has
    not delivered yet, and is marked for what it delivered, whatever the others did."""
    admin = team.admin(digest.admin)
    if not digest.items:
        return [Delivery(digest.admin, "", 0, True, "nothing new")]
    ways = admin.channels()
    if not ways:
        return [Delivery(digest.admin, "", len(digest.items), True, "no e-mail or Telegram in the team file")]
    local = now.astimezone(team.zone_for(admin))
    if in_quiet_hours(local, team.quiet_for(admin)):
        return [Delivery(digest.admin, "", len(digest.items), True,
                         f"quiet hours ({local:%H:%M} there): held for the next run")]
    if dry_run:
        return [Delivery(digest.admin, "+".join(ways), len(digest.items), True, "dry run: not sent")]
    return [_send(digest, admin, way, channels.get(way), now, sent) for way in ways]


def _send(digest: Digest, admin, way: str, channel: Channel | None, now: dt.datetime, sent: SentState) -> Delivery:
    items = [i for i in digest.items if not sent.has(digest.admin, way, i.key)]
    if not items:
        return Delivery(digest.admin, way, 0, True, "nothing new")
    part = replace(digest, items=items)
    html = render_telegram(part) if way == "telegram" else render_html(part)
    try:
        if channel is None:
            raise SendError(f"no {way} channel configured")
        channel.send(Message(admin.email if way == "email" else str(admin.telegram), part.title(),
                             render_text(part), html))
    except SendError as e:
        return Delivery(digest.admin, way, len(items), False, str(e))
    for item in items:
        sent.mark(digest.admin, way, item.key, now.isoformat(timespec="minutes"))
    return Delivery(digest.admin, way, len(items), True)


def _project_admins(snap) -> list[str]:
    plan = snap.tables[snap.template.tab_of_kind("plan").key]
    typed = {a.strip() for a in plan.frame["responsible"].dropna() if isinstance(a, str) and a.strip()}
    return sorted(set(snap.admins) | typed, key=str.casefold)


def _linker(backend: Backend, sid: str, sheet_ids: dict[str, int], crm=None):
    """A flag's link: an AmoCRM lead's card; a Google cell; nothing in a local workbook (a file has no URL)."""
    def link(tab: str, cell: str) -> str | None:
        if tab == CRM_TAB:
            return crm.card_url(int(cell)) if crm else None
        return GOOGLE_CELL.format(sid=sid, gid=sheet_ids[tab], cell=cell) if backend.kind == "google" else None
    return link


def state_path(backend: Backend, sid: str, given: str | Path | None) -> Path:
    """Where what was sent is kept: given, or beside a local workbook (.NAME.reminders.json), or
    ./.sheets-plan/ID.reminders.json for a Google spreadsheet."""
    return project_state(backend, sid, given, "reminders")


class SentState:
    """What was sent: admin (casefolded) -> channel -> item key -> when. A file of version 1 knew no
    channels: what it holds counts as sent on every channel (ANY)."""

    ANY = "*"

    def __init__(self, path: Path, sent: dict[str, dict[str, dict[str, str]]]):
        self.path, self.sent = path, sent

    @classmethod
    def load(cls, path: Path) -> SentState:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls(path, {})
        except (OSError, ValueError) as e:
            raise RunError(f"{path}: cannot read what was sent ({type(e).__name__}); move it away to start over") from None
        sent = {str(k): dict(v) for k, v in data.get("sent", {}).items()}
        if data.get("version", 1) == 1:
            sent = {admin: {cls.ANY: keys} for admin, keys in sent.items()}
        return cls(path, sent)

    def has(self, admin: str, channel: str, key: str) -> bool:
        mine = self.sent.get(admin.casefold(), {})
        return key in mine.get(channel, {}) or key in mine.get(self.ANY, {})

    def mark(self, admin: str, channel: str, key: str, when: str):
        self.sent.setdefault(admin.casefold(), {}).setdefault(channel, {})[key] = when

    def forget_all_but(self, admin: str, keys: set[str], skip: tuple[str, ...] = ("amocrm",)):
        for channel, mine in self.sent.get(admin.casefold(), {}).items():
            if channel not in skip:
                for key in [k for k in mine if k not in keys]:
                    del mine[key]

    def forget_channel_all_but(self, admin: str, channel: str, keys: set[str]):
        mine = self.sent.get(admin.casefold(), {}).get(channel, {})
        for key in [k for k in mine if k not in keys]:
            del mine[key]

    def save(self):
        save_json(self.path, {"version": 2, "sent": self.sent}, indent=1, sort_keys=True)
