"""A project's AmoCRM leads as the procedure sees them. Pure: the account as read (AmoCRM's own
shapes) and the team file's map in; the cards, the check's register and the funnel's rows out.

* **Names to ids, once per read**: the pipeline, its statuses, the users and the fields the map names
  must exist; one that does not is one line naming it and listing what the account has.
* **A status's stage**: the map's; a status it does not name counts as the nearest named status
  before it in the pipeline's order (a "Negotiation" after "Warm lead" is a warm lead), AmoCRM's
  won status (142) as an application and its lost one (143) as a refusal, unless the map names them.
* **The funnel counts each lead once, in the week it came** (its creation), at the furthest stage
  it has reached (its current status and every status its ``lead_status_changed`` events show): a
  lead refused after it was warm still counts as a warm lead of its week, and as a refusal.
* **The check reads a card as the Leads tab's row** (:func:`register_grid`): the same rules, the
  same validators, the same masks; a flag then names the lead by its id (:func:`crm_flags`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from sheets_plan.words import Words
from sheets_plan.errors import RunError
from sheets_plan.sheets.values import Grid, serial

from . import personal
from .crm_map import CrmMap
from .flags import CRM_TAB, Flag, CheckResult
from .template import Tab

WON, LOST = 142, 143
FUNNEL = ("dialog", "warm_lead", "application")   # in order; refusal is apart


@dataclass
class CrmView:
    """A project's AmoCRM as one read found it: its map, its leads, the open tasks on them."""
    map: CrmMap
    leads: list["Card"]
    tasks: list[dict] = field(default_factory=list)   # the open tasks on its leads (their texts: ours are marked)

    def card_url(self, lead_id: int) -> str:
        return self.map.card_url(lead_id)


@dataclass(frozen=True)
class Resolved:
    """The map's names as the account's ids."""
    pipeline: int
    stage_of: dict[int, str]          # status id -> stage key
    admin_of: dict[int, str]          # user id -> the admin's name (the map's; else the user's own)
    user_of: dict[str, int]           # admin name, casefolded -> user id
    profile: tuple[str, int] | None   # ("contacts" | "leads", field id)
    product: tuple[str, int] | None
    platform_field: tuple[str, int] | None
    sources: dict[int, str]


@dataclass(frozen=True)
class Card:
    """One lead of the pipeline, with its main contact's data (kept in memory, never printed)."""
    id: int
    came: dt.date
    platform: str | None
    admin: str | None
    name: str
    phone: str | None
    email: str | None
    profile: str | None
    product: str | None
    stage: str                # the stage of its status now
    since: dt.date            # when it reached that status
    furthest: str             # the furthest funnel stage it reached
    reached: dt.date          # when it first reached that stage
    refused: dt.date | None   # when it was refused, if its status now is a refusal
    open_task: bool
    user: int | None = None   # its responsible AmoCRM user


def _named(kind: str, wanted: str, have: list[str], where: str) -> RunError:
    listed = ", ".join(f"«{h}»" for h in have[:30]) or "none"
    return RunError(f"{where}: AmoCRM has no {kind} «{wanted}» (it has: {listed})")


def resolve(m: CrmMap, data, where: str = "team.toml") -> Resolved:
    """The map's pipeline, statuses, users and fields as ids; a name the account lacks is a RunError."""
    where = f'{where}: projects."{m.project}".amocrm'
    pipeline = next((p for p in data.pipelines if p["name"].casefold() == m.pipeline.casefold()), None)
    if pipeline is None:
        raise _named("pipeline", m.pipeline, [p["name"] for p in data.pipelines], f"{where}.pipeline")
    statuses = sorted(pipeline["_embedded"]["statuses"], key=lambda s: (s["id"] in (WON, LOST), s.get("sort", 0)))
    by_name = {s["name"].casefold(): s["id"] for s in statuses}
    named: dict[int, str] = {}
    for stage, names in m.stages.items():
        for name in names:
            if name.casefold() not in by_name:
                raise _named("status", name, [s["name"] for s in statuses], f"{where}.stages.{stage}")
            named[by_name[name.casefold()]] = stage
    users = {u["name"].casefold(): u["id"] for u in data.users}
    admin_of = {u["id"]: u["name"] for u in data.users}
    user_of = {}
    for admin, user in m.admins.items():
        if user.casefold() not in users:
            raise _named("user", user, [u["name"] for u in data.users], f'{where}.admins."{admin}"')
        admin_of[users[user.casefold()]] = admin
        user_of[admin.casefold()] = users[user.casefold()]
    fields = {"leads": data.lead_fields, "contacts": data.contact_fields}

    def field_id(name: str | None, first: str, key: str) -> tuple[str, int] | None:
        if name is None:
            return None
        for entity in (first, "leads" if first == "contacts" else "contacts"):
            hit = next((f["id"] for f in fields[entity] if f["name"].casefold() == name.casefold()), None)
            if hit is not None:
                return entity, hit
        have = [f["name"] for f in fields["contacts"] + fields["leads"] if not f.get("code")]
        raise _named("field", name, have, f"{where}.{key}")

    kind, platform_name = m.platform
    return Resolved(pipeline["id"], _stages(statuses, named), admin_of, user_of,
                    field_id(m.profile_field, "contacts", "profile_field"),
                    field_id(m.product_field, "leads", "product_field"),
                    field_id(platform_name, "leads", "platform") if kind == "field" else None,
                    {s["id"]: s["name"] for s in data.sources} if kind == "source" else {})


def _stages(statuses: list[dict], named: dict[int, str]) -> dict[int, str]:
    out, current = {}, "dialog"
    for s in statuses:
        if s["id"] in named:
            current = named[s["id"]]
            out[s["id"]] = current
        elif s["id"] == WON:
            out[s["id"]] = "application"
        elif s["id"] == LOST:
            out[s["id"]] = "refusal"
        else:
            out[s["id"]] = current if current != "refusal" else "dialog"
    return out


def cards(data, r: Resolved, *, zone: str, platforms: list[str]) -> list[Card]:
    """The pipeline's leads as cards, in the order they came."""
    tz = ZoneInfo(zone)

    def day(ts: int) -> dt.date:
        return dt.datetime.fromtimestamp(ts, tz).date()

    moves: dict[int, list[dict]] = {}
    for event in sorted(data.events.values(), key=lambda e: (e["created_at"], str(e["id"]))):
        moves.setdefault(event["lead"], []).append(event)
    open_tasks = {t["entity_id"] for t in data.tasks.values() if t.get("entity_type") == "leads"}
    out = []
    for lead in sorted(data.leads.values(), key=lambda x: (x["created_at"], x["id"])):
        if lead["pipeline_id"] != r.pipeline or lead["status_id"] not in r.stage_of:
            continue
        visits = _visits(lead, moves.get(lead["id"], []), r.pipeline)
        stage = r.stage_of[lead["status_id"]]
        since = max((at for sid, at in visits if sid == lead["status_id"]), default=lead["created_at"])
        reached = [(FUNNEL.index(r.stage_of[sid]), at) for sid, at in visits if r.stage_of.get(sid) in FUNNEL]
        top = max((i for i, _ in reached), default=0)
        first = min((at for i, at in reached if i == top), default=lead["created_at"])
        contact = data.contacts.get(lead["contacts"][0]) if lead["contacts"] else None
        out.append(Card(lead["id"], day(lead["created_at"]), _platform(lead, r, platforms),
                        r.admin_of.get(lead.get("responsible_user_id")), (contact or {}).get("name", "").strip(),
                        _pick(values_of(contact, "PHONE"), lambda p: personal.read_phone(p)[0] is None),
                        _pick(values_of(contact, "EMAIL"), personal.email_problem),
                        _field(lead, contact, r.profile), _field(lead, contact, r.product), stage, day(since),
                        FUNNEL[top], day(first), day(since) if stage == "refusal" else None, lead["id"] in open_tasks,
                        lead.get("responsible_user_id")))
    return out


def _visits(lead: dict, events: list[dict], pipeline: int) -> list[tuple[int, int]]:
    """(status id, when) of every status of the pipeline the lead has been in."""
    visits = []
    if events and events[0]["before"][0] == pipeline:
        visits.append((events[0]["before"][1], lead["created_at"]))
    visits += [(e["after"][1], e["created_at"]) for e in events if e["after"][0] == pipeline]
    if not events:
        visits.append((lead["status_id"], lead["created_at"]))
    return visits


def _values(entity: dict | None, field_id: int | None = None, code: str | None = None) -> list[str]:
    for value in (entity or {}).get("custom_fields_values") or []:
        if (code and value.get("field_code") == code) or (field_id is not None and value.get("field_id") == field_id):
            return [str(v["value"]).strip() for v in value.get("values") or [] if str(v.get("value", "")).strip()]
    return []


def values_of(contact: dict | None, code: str) -> list[str]:
    """A contact's PHONE or EMAIL values, as typed."""
    return _values(contact, code=code)


def _pick(values: list[str], bad) -> str | None:
    """The value the check reads: the first one it would flag, else the first (a contact may hold two)."""
    return next((v for v in values if bad(v)), values[0] if values else None)


def field_values(entity: dict | None, field_id: int) -> list[str]:
    """An entity's values of one custom field."""
    return _values(entity, field_id=field_id)


def _field(lead: dict, contact: dict | None, where: tuple[str, int] | None) -> str | None:
    if where is None:
        return None
    found = _values(contact if where[0] == "contacts" else lead, field_id=where[1])
    return found[0] if found else None


def _platform(lead: dict, r: Resolved, platforms: list[str]) -> str | None:
    if r.platform_field is not None:
        texts = _values(lead, field_id=r.platform_field[1])
    elif r.sources:
        texts = [r.sources.get(lead.get("source_id"), "")]  # type: ignore[arg-type]  # no source: None, no name
    else:
        texts = list(lead.get("tags") or [])
    for text in texts:
        hit = next((p for p in platforms if p.casefold() in text.casefold()), None)
        if hit:
            return hit
    return next((t for t in texts if t), None) if r.platform_field is not None else None


# ------------------------------------------------------------------ the check's register

def register_grid(leads: list[Card], tab: Tab, locale: str, title: str) -> Grid:
    """The cards as the Leads tab's rows (its headers in the project's language), for the same check."""
    stage = {c.key: c.label(locale) for c in tab.column("stage").fixed_choices}
    values = {"first_contact": lambda c: serial(c.came), "platform": lambda c: c.platform,
              "responsible": lambda c: c.admin, "name": lambda c: c.name or None, "phone": lambda c: c.phone,
              "profile": lambda c: c.profile, "email": lambda c: c.email, "product": lambda c: c.product,
              "stage": lambda c: stage.get(c.stage), "stage_date": lambda c: serial(c.since)}
    header = [col.label(locale) for col in tab.columns]
    rows = [[values[col.key](c) if col.key in values else None for col in tab.columns] for c in leads]
    return Grid(title, [header, *rows])


SAME = Words(lambda _: _("{column}: the same contact as AmoCRM lead #{first}"))
_KEYS = {"phone": personal.phone_key, "profile": personal.profile_key}  # as the same_contact check compares


def crm_flags(report: CheckResult, leads: list[Card], tab_key: str, same_contact: set[str] | frozenset[str] = frozenset(),
              locale: str = "ru", labels: dict[str, str] | None = None) -> CheckResult:
    """The register's flags as the leads': tab "crm", the lead's id for its row, no cell. A
    `same_contact` rule's flag names the other lead by its id (a register's flag names a row)."""
    firsts: dict[tuple[str, str | None], int] = {}
    for c in leads:  # the first lead of each phone and profile, as the check finds the first row
        for column, key_of in _KEYS.items():
            value = getattr(c, column)
            key = key_of(value) if value else None
            if key:
                firsts.setdefault((column, key), c.id)

    def moved(f: Flag) -> Flag:
        message = f.message
        if f.rule in same_contact and f.column in _KEYS:
            key = _KEYS[f.column](getattr(leads[f.row - 2], f.column))
            label = (labels or {}).get(f.column, f.column)
            message = SAME[locale].format(column=label, first=firsts[(f.column, key)])
        return Flag(CRM_TAB, leads[f.row - 2].id, f.column, "", f.rule, f.severity, message, f.admin)

    flags = [moved(f) if f.tab == tab_key else f for f in report.flags]
    unmasked = {moved(f) if f.tab == tab_key else f: text for f, text in report.unmasked.items()}
    report.flags, report.unmasked = flags, unmasked
    return report


def task_facts(leads: list[Card], as_of: dt.date, index) -> pd.DataFrame:
    """What the stale rule reads beside the register's rows: days in the stage now, an open task."""
    return pd.DataFrame({"days": [(as_of - c.since).days for c in leads], "open_task": [c.open_task for c in leads]},
                        index=index)


# ------------------------------------------------------------------ the tool's tab of the leads

def funnel_rows(leads: list[Card], stage_labels: dict[str, str], card_url) -> list[list]:
    """One row a lead, no personal data: id, came, week, platform, admin, furthest stage, reached,
    refusal, card (a link)."""
    return [[c.id, serial(c.came), serial(c.came - dt.timedelta(days=c.came.weekday())), c.platform, c.admin,
             stage_labels[c.furthest], serial(c.reached),
             stage_labels["refusal"] if c.refused else None, card_url(c.id)] for c in leads]
