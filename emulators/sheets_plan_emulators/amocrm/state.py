"""An AmoCRM account in memory, in the API's own shapes (what GET answers): users, pipelines and
their statuses, custom fields, contacts, leads, tasks, and the events a lead's moves leave. Set-up
helpers change it as people do in AmoCRM's screens (a lead moved, a task closed, a status renamed),
each move stamping `updated_at` and leaving its `lead_status_changed` event, as AmoCRM does."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Callable

WON, LOST = 142, 143  # every pipeline's closing statuses, with the same ids in every account
PHONE_ENUMS = ("WORK", "WORKDD", "MOB", "FAX", "HOME", "OTHER")
EMAIL_ENUMS = ("WORK", "PRIV", "OTHER")


@dataclass
class Token:
    value: str
    account: str                     # subdomain
    expires_at: float | None = None
    revoked: bool = False
    denied: set[str] = field(default_factory=set)   # areas it has no rights to: "leads", "contacts", "tasks"...


@dataclass
class Account:
    subdomain: str
    clock: Callable[[], float]
    id: int = 30_000_001
    users: dict[int, dict] = field(default_factory=dict)
    pipelines: dict[int, dict] = field(default_factory=dict)
    fields: dict[str, dict[int, dict]] = field(default_factory=lambda: {"leads": {}, "contacts": {}})
    contacts: dict[int, dict] = field(default_factory=dict)
    leads: dict[int, dict] = field(default_factory=dict)
    tasks: dict[int, dict] = field(default_factory=dict)
    events: list[dict] = field(default_factory=list)
    sources: dict[int, dict] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1_000_001))

    def __post_init__(self):
        for code, (fid, name, kind) in PREDEFINED.items():  # every account's contacts have them
            self.fields["contacts"][fid] = {"id": fid, "name": name, "type": kind, "code": code, "sort": 4,
                                            "is_multiple": True, "is_required": False, "is_deletable": False,
                                            "is_visible": True, "entity_type": "contacts"}

    def now(self) -> int:
        return int(self.clock())

    def load(self, answers: dict) -> None:
        """An account's entities as AmoCRM answers them (users, pipelines, lead_fields, contact_fields,
        leads with their _embedded tags and contacts, contacts, tasks, events): a recorded account."""
        self.users.update({u["id"]: {"lang": "ru", **u} for u in answers["users"]})
        for p in answers["pipelines"]:
            statuses = [{"is_editable": s["id"] not in (WON, LOST), "color": "#fffeb2", "account_id": self.id, **s}
                        for s in p["_embedded"]["statuses"]]
            self.pipelines[p["id"]] = {"is_unsorted_on": False, "is_archive": False, "account_id": self.id, **p,
                                       "_embedded": {"statuses": statuses}}
        for entity, key in (("leads", "lead_fields"), ("contacts", "contact_fields")):
            self.fields[entity].update({f["id"]: {"sort": 500, "is_multiple": False, "is_required": False,
                                                  "is_deletable": True, "is_visible": True, "entity_type": entity, **f}
                                        for f in answers[key] if not f.get("code")})
        for c in answers["contacts"]:
            self.contacts[c["id"]] = {"responsible_user_id": next(iter(self.users)), "account_id": self.id, **c,
                                      "custom_fields_values": [_cf(v) for v in c.get("custom_fields_values") or []] or None}
        for lead in answers["leads"]:
            embedded = lead.get("_embedded") or {}
            row = {k: v for k, v in lead.items() if k != "_embedded"}
            self.leads[lead["id"]] = {"price": 0, "group_id": 0, "is_deleted": False, "account_id": self.id, **row,
                                      "_tags": embedded.get("tags", []),
                                      "_contacts": [c["id"] for c in embedded.get("contacts", [])]}
            for c in self.leads[lead["id"]]["_contacts"]:
                self.contacts[c]["_leads"] = self.contacts[c].get("_leads", []) + [lead["id"]]
        self.tasks.update({t["id"]: {"created_by": t["responsible_user_id"], "updated_by": t["responsible_user_id"],
                                     "group_id": 0, "duration": 0, "result": {}, "account_id": self.id, **t}
                           for t in answers["tasks"]})
        self.events += [dict(e) for e in answers["events"]]

    # ---------------------------------------------------------------- set-up, as people do it
    def add_user(self, name: str, email: str | None = None) -> int:
        uid = next(self.ids)
        self.users[uid] = {"id": uid, "name": name, "email": email or f"user{uid}@example.test", "lang": "ru",
                           "rights": {"is_admin": False, "is_free": False, "is_active": True}}
        return uid

    def add_pipeline(self, name: str, statuses: list[str], main: bool = True) -> int:
        pid = next(self.ids)
        rows = [(next(self.ids), s, 10 * (i + 1), 0) for i, s in enumerate(statuses)]
        rows += [(WON, "Успешно реализовано", 10000, 0), (LOST, "Закрыто и не реализовано", 11000, 0)]
        self.pipelines[pid] = {"id": pid, "name": name, "sort": 10 * (len(self.pipelines) + 1), "is_main": main,
                               "is_unsorted_on": False, "is_archive": False, "account_id": self.id,
                               "_embedded": {"statuses": [
                                   {"id": sid, "name": s, "sort": sort, "is_editable": sid not in (WON, LOST),
                                    "pipeline_id": pid, "color": "#fffeb2", "type": kind, "account_id": self.id}
                                   for sid, s, sort, kind in rows]}}
        return pid

    def status_id(self, pipeline: int, name: str) -> int:
        return next(s["id"] for s in self.pipelines[pipeline]["_embedded"]["statuses"] if s["name"] == name)

    def rename_status(self, pipeline: int, status: int, name: str) -> None:
        next(s for s in self.pipelines[pipeline]["_embedded"]["statuses"] if s["id"] == status)["name"] = name

    def add_source(self, name: str, pipeline: int | None = None) -> int:
        sid = next(self.ids)
        self.sources[sid] = {"id": sid, "name": name, "pipeline_id": pipeline, "external_id": f"ext-{sid}",
                             "default": False, "origin_code": None}
        return sid

    def add_field(self, entity: str, name: str, kind: str = "text") -> int:
        fid = next(self.ids)
        self.fields[entity][fid] = {"id": fid, "name": name, "type": kind, "sort": 500, "is_multiple": False,
                                    "is_required": False, "is_deletable": True, "is_visible": True,
                                    "entity_type": entity}
        return fid

    def add_contact(self, name: str, *, phones=(), emails=(), values: dict[int, str] | None = None,
                    at: int | None = None, responsible: int | None = None) -> int:
        cid, at = next(self.ids), at or self.now()
        fields = [{"field_id": fid, "values": [{"value": v}]} for fid, v in (values or {}).items()]
        for code, values_, enum in (("PHONE", phones, "WORK"), ("EMAIL", emails, "WORK")):
            if values_:
                fields.append({"field_code": code, "values": [{"value": v, "enum_code": enum} for v in values_]})
        self.contacts[cid] = {"id": cid, "name": name, "responsible_user_id": responsible or next(iter(self.users), 0),
                              "created_at": at, "updated_at": at, "account_id": self.id,
                              "custom_fields_values": [_cf(f) for f in fields] or None}
        return cid

    def add_lead(self, name: str, *, pipeline: int, status: int, responsible: int, contact: int | None = None,
                 at: int | None = None, tags=(), values: dict[int, str] | None = None,
                 source: int | None = None) -> int:
        lid, at = next(self.ids), at or self.now()
        self.leads[lid] = {"id": lid, "name": name, "price": 0, "responsible_user_id": responsible, "group_id": 0,
                           "status_id": status, "pipeline_id": pipeline, "created_by": responsible,
                           "updated_by": responsible, "created_at": at, "updated_at": at, "closed_at": None,
                           "is_deleted": False, "account_id": self.id, "source_id": source,
                           "custom_fields_values": [{"field_id": fid, "values": [{"value": v}]}
                                                    for fid, v in (values or {}).items()] or None,
                           "_tags": [{"id": next(self.ids), "name": t} for t in tags],
                           "_contacts": [] if contact is None else [contact]}
        if contact is not None:
            self.contacts[contact]["_leads"] = self.contacts[contact].get("_leads", []) + [lid]
        return lid

    def move_lead(self, lead: int, status: int, *, at: int | None = None, by: int | None = None) -> None:
        row, at = self.leads[lead], at or self.now()
        before = {"lead_status": {"id": row["status_id"], "pipeline_id": row["pipeline_id"]}}
        row["status_id"], row["updated_at"] = status, at
        if status in (WON, LOST):
            row["closed_at"] = at
        self.events.append({"id": next(self.ids), "type": "lead_status_changed", "entity_id": lead,
                            "entity_type": "lead", "created_by": by or row["responsible_user_id"],
                            "created_at": at, "value_before": [before],
                            "value_after": [{"lead_status": {"id": status, "pipeline_id": row["pipeline_id"]}}]})

    def edit_contact(self, contact: int, *, phones=None, emails=None, at: int | None = None) -> None:
        row = self.contacts[contact]
        kept = [f for f in row.get("custom_fields_values") or []
                if f.get("field_code") not in ({"PHONE"} if phones is not None else set()) | (
                    {"EMAIL"} if emails is not None else set())]
        for code, values in (("PHONE", phones), ("EMAIL", emails)):
            if values:
                kept.append(_cf({"field_code": code, "values": [{"value": v, "enum_code": "WORK"} for v in values]}))
        row["custom_fields_values"] = kept or None
        row["updated_at"] = at or self.now()

    def add_task(self, lead: int, text: str, *, responsible: int, complete_till: int, at: int | None = None,
                 completed: bool = False, entity_type: str = "leads") -> int:
        tid, at = next(self.ids), at or self.now()
        self.tasks[tid] = {"id": tid, "created_by": responsible, "updated_by": responsible, "created_at": at,
                           "updated_at": at, "responsible_user_id": responsible, "group_id": 0, "entity_id": lead,
                           "entity_type": entity_type, "duration": 0, "is_completed": completed, "task_type_id": 1,
                           "text": text, "result": {}, "complete_till": complete_till, "account_id": self.id}
        return tid

    def complete_task(self, task: int, *, at: int | None = None, result: str = "") -> None:
        row = self.tasks[task]
        row.update(is_completed=True, updated_at=at or self.now(), result={"text": result} if result else {})


PREDEFINED = {"PHONE": (900001, "Телефон", "multitext"), "EMAIL": (900002, "Email", "multitext")}


def _cf(value: dict) -> dict:
    """A custom field value as the description has it: field_id (the predefined PHONE / EMAIL fields'
    ids with their field_code), values."""
    code = value.get("field_code")
    if code:
        return {"field_id": PREDEFINED[code][0], "field_code": code, "values": value["values"]}
    return {"field_id": value["field_id"], "values": value["values"]}
