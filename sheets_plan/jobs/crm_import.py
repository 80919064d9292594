"""`sheets-plan crm-import`: a project's Leads tab moved into its AmoCRM, for a team that kept the
register in the sheet. A dry run by default: it lists what it would create; with `apply`, it creates
the contacts and leads through ``leads/complex``, fifty a request.

Never a duplicate: a row's person is looked for among the account's contacts by the phone in one
spelling (E.164: ``+7 999…`` and ``8 999…`` are one number, which AmoCRM's own search does not know),
then by the e-mail; a person found gets a lead on the existing contact, and a person who already has
a lead in the pipeline gets nothing. So a second run creates nothing. The sheet is not changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pandas as pd

from sheets_plan.backends.base import Backend
from sheets_plan.core import crm, personal
from sheets_plan.core.template import Template
from sheets_plan.errors import RunError
from sheets_plan.sources.amocrm.account import read_names

from .crm import CrmLink
from .project import start

BATCH = 50


@dataclass
class Move:
    row: int                    # the Leads tab's row
    admin: str
    person: str                 # masked
    action: str                 # "new" | "existing" | "there" | "twin" (as an earlier row) | "skipped"
    contact: int | None = None  # the AmoCRM contact it goes to (existing ones)
    lead: int | None = None     # the lead it made, or the one already there
    stage: str = ""


@dataclass
class MoveResult:
    project: str
    applied: bool
    moves: list[Move] = field(default_factory=list)

    def created(self) -> int:
        return sum(1 for m in self.moves if m.action in ("new", "existing") and (m.lead or not self.applied))

    def to_json(self) -> dict:
        return {"project": self.project, "applied": self.applied, "moves": [m.__dict__ for m in self.moves]}

    def exit_code(self) -> int:
        return 0


def move_register(backend: Backend, sid: str, *, link: CrmLink, template: Template | None = None,
                  as_of: dt.date | None = None, apply: bool = False) -> MoveResult:
    """List (or, with `apply`, create) the Leads tab's people as AmoCRM contacts and leads.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> _ = sheets_plan.demo("crm", locale="en", as_of=day, crm=True)      # the demo's recorded AmoCRM
    >>> sheet = sheets_plan.demo("sheet", locale="en", as_of=day)          # the same project, Leads tab kept
    >>> link = sheets_plan.CrmLink(sheets_plan.load_team("crm/team.toml"))
    >>> moves = sheets_plan.move_register(sheets_plan.LocalBackend("sheet"), str(sheet.path), link=link, as_of=day)
    >>> moves.applied, moves.created() > 0, sorted({m.action for m in moves.moves})
    (False, True, ['new', 'skipped', 'there'])
    """
    snap = start(backend, sid, template, as_of)  # the sheet's register, not the CRM's
    m = link.team.crm_for(snap.project)
    if m is None:
        raise RunError(f"{snap.project}: the team file maps no AmoCRM account for it "
                       f'(add [projects."{snap.project}".amocrm])')
    leads_tab = snap.template.optional_tab("leads")
    if leads_tab is None or leads_tab.key not in snap.tables:
        raise RunError(f"{snap.project}: no Leads tab to move")
    client = link.client(m)
    contacts = client.all("contacts", "contacts")
    data = read_names(client, sources=m.platform[0] == "source")
    resolved = crm.resolve(m, data, link.team.path or "team.toml")
    in_pipeline = {lead["id"]: lead for lead in client.all("leads", "leads", [("with", "contacts")])
                   if lead["pipeline_id"] == resolved.pipeline}
    index = _Index(contacts, in_pipeline, resolved.profile)
    result = MoveResult(snap.project, apply)
    frame = snap.tables[leads_tab.key].frame
    first_status = _first_status(data, resolved)
    todo = []
    for row, cells in frame.iterrows():
        move, body = _move(row, cells, index, resolved, first_status, m, snap.template.time_zone)
        result.moves.append(move)
        if move.action in ("new", "existing"):
            todo.append((move, body))
    if apply:
        for i in range(0, len(todo), BATCH):
            batch = todo[i:i + BATCH]
            answer = client.call("POST", "leads/complex", body=[b for _, b in batch], again=False) or []
            made = {str(r["request_id"][0] if isinstance(r["request_id"], list) else r["request_id"]): r for r in answer}
            for move, body in batch:
                hit = made.get(body["request_id"])
                if hit:
                    move.lead, move.contact = hit["id"], hit.get("contact_id")
    return result


class _Index:
    """The account's contacts by phone (E.164), e-mail and profile link, and which of them have a lead
    in the pipeline."""

    def __init__(self, contacts: list[dict], leads: dict[int, dict], profile: tuple[str, int] | None):
        self.known: dict[str, int] = {}
        for c in contacts:
            for key in self._keys(crm.values_of(c, "PHONE"), crm.values_of(c, "EMAIL"),
                                  crm.field_values(c, profile[1]) if profile and profile[0] == "contacts" else []):
                self.known.setdefault(key, c["id"])
        self.rows: dict[str, int] = {}
        self.lead_of = {}
        for lead in leads.values():
            for cid in [c["id"] for c in (lead.get("_embedded") or {}).get("contacts") or []]:
                self.lead_of.setdefault(cid, lead["id"])

    def planned(self, keys: list[str], row: int) -> int | None:
        """The earlier row of this run that moves the same person (the register holds them twice), or None;
        else this row's person is remembered as moved by `row`."""
        earlier = next((self.rows[k] for k in keys if k in self.rows), None)
        if earlier is None:
            self.rows.update({k: row for k in keys})
        return earlier

    @staticmethod
    def _keys(phones, emails, profiles) -> list[str]:
        """A person's keys, most telling first: phone (E.164), e-mail, profile link."""
        keys = [f"tel:{personal.phone_key(str(p))}" for p in phones if _given(p) and personal.phone_key(str(p))]
        keys += [f"mail:{str(e).strip().casefold()}" for e in emails if _given(e)]
        keys += [f"url:{personal.profile_key(str(u))}" for u in profiles if _given(u) and personal.profile_key(str(u))]
        return keys

    def keys_of(self, cells: pd.Series) -> list[str]:
        return self._keys([cells.get("phone")], [cells.get("email")], [cells.get("profile")])

    def find(self, keys: list[str]) -> int | None:
        return next((self.known[k] for k in keys if k in self.known), None)


def _given(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


def _first_status(data, resolved: crm.Resolved) -> dict[str, int]:
    """Each stage's first status in the pipeline's order (where a moved lead is put)."""
    pipeline = next(p for p in data.pipelines if p["id"] == resolved.pipeline)
    out: dict[str, int] = {}
    for status in sorted(pipeline["_embedded"]["statuses"], key=lambda s: s.get("sort", 0)):
        out.setdefault(resolved.stage_of[status["id"]], status["id"])
    return out


def _move(row: int, cells: pd.Series, index: _Index, r: crm.Resolved, statuses: dict[str, int], m, zone: str):
    admin = str(cells.get("responsible") or "")
    name, phone, email = cells.get("name"), cells.get("phone"), cells.get("email")
    person = personal.mask(name, "text") if _given(name) else personal.mask(phone, "phone") if _given(phone) else ""
    stage = str(cells.get("stage") or "dialog")
    move = Move(int(row), admin, person, "skipped", stage=stage)
    keys = index.keys_of(cells)
    if not keys:  # nothing but a name: a namesake cannot be told apart, so nothing is made for it
        return move, None
    found = index.find(keys)
    if found is not None and found in index.lead_of:
        move.action, move.contact, move.lead = "there", found, index.lead_of[found]
        return move, None
    twin = index.planned(keys, int(row))
    if twin is not None:
        move.action, move.lead = "twin", twin
        return move, None
    move.action, move.contact = ("existing", found) if found is not None else ("new", None)
    came = cells.get("first_contact")
    created = int(dt.datetime.combine(came.date(), dt.time(12), ZoneInfo(zone)).timestamp()) if _given(came) else None
    lead = {"request_id": f"row{row}", "name": str(name).strip() if _given(name) else f"#{row}", "pipeline_id": r.pipeline,
            "status_id": statuses.get(stage, statuses.get("dialog")), **({"created_at": created} if created else {})}
    if r.user_of.get(admin.casefold()):
        lead["responsible_user_id"] = r.user_of[admin.casefold()]
    if r.product and _given(cells.get("product")):
        lead["custom_fields_values"] = [{"field_id": r.product[1], "values": [{"value": str(cells["product"])}]}]
    platform = cells.get("platform")
    embedded = {"tags": [{"name": str(platform)}]} if _given(platform) else {}
    embedded["contacts"] = [{"id": found} if found is not None else _contact(name, phone, email, cells, r)]
    lead["_embedded"] = embedded
    return move, lead


def _contact(name, phone, email, cells: pd.Series, r: crm.Resolved) -> dict:
    values = []
    if _given(phone):
        key = personal.phone_key(str(phone))
        values.append({"field_code": "PHONE", "values": [{"value": key or str(phone), "enum_code": "MOB"}]})
    if _given(email):
        values.append({"field_code": "EMAIL", "values": [{"value": str(email).strip(), "enum_code": "WORK"}]})
    if r.profile and r.profile[0] == "contacts" and _given(cells.get("profile")):
        values.append({"field_id": r.profile[1], "values": [{"value": str(cells["profile"])}]})
    contact = {"name": str(name).strip() if _given(name) else "—"}  # the card's data is the contact's fields
    return {**contact, "custom_fields_values": values} if values else contact
