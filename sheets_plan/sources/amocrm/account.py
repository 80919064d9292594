"""What a project needs from its AmoCRM account, read in as few requests as AmoCRM allows, and the
second time only what changed.

The first read: users, pipelines with their statuses, the leads' and contacts' custom fields, every
lead with its contacts' ids, those contacts, the open tasks, and the stage changes
(``lead_status_changed``) since the first week the Weekly tab shows. Later reads ask the lists for what
changed since the cursor (``filter[updated_at]``; events ``filter[created_at]``) and merge it into
what the last read kept (the project's own state, `cache`); users, pipelines and fields are read
every time, so a name renamed in AmoCRM is found at once. The cursor stays ten minutes behind the
newest change seen: a change made while a long read ran is read again, never lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .client import AmoClient

OVERLAP = 600            # seconds the cursor stays behind the newest change seen
EVENTS_PAGE = 100        # the events list's page (AmoCRM documents 100 at most)
IDS_A_REQUEST = 200      # contacts asked for by id in one request (a URL of a few kilobytes)
VERSION = 1              # the cache's form


@dataclass
class AccountData:
    """The account as read, in AmoCRM's own shapes."""
    users: list[dict]
    pipelines: list[dict]
    lead_fields: list[dict]
    contact_fields: list[dict]
    leads: dict[int, dict] = field(default_factory=dict)
    contacts: dict[int, dict] = field(default_factory=dict)
    tasks: dict[int, dict] = field(default_factory=dict)        # open tasks on leads
    events: dict[int, dict] = field(default_factory=dict)       # lead_status_changed since events_from
    sources: list[dict] = field(default_factory=list)           # where leads come from (when a map reads them)
    cursor: int = 0
    events_from: int = 0

    def cache(self) -> dict:
        """What the next read starts from (JSON)."""
        return {"version": VERSION, "cursor": self.cursor, "events_from": self.events_from,
                "leads": list(self.leads.values()), "contacts": list(self.contacts.values()),
                "tasks": list(self.tasks.values()), "events": list(self.events.values())}


def read_names(client: AmoClient, *, sources: bool = False) -> AccountData:
    """What a team file's names are looked up in: users, pipelines with their statuses, the leads' and
    contacts' custom fields (and the lead sources, when asked). Read every run: a rename shows at once."""
    pipelines = (client.call("GET", "leads/pipelines") or {}).get("_embedded", {}).get("pipelines", [])  # one page
    data = AccountData(client.all("users", "users"), pipelines, client.all("leads/custom_fields", "custom_fields"),
                       client.all("contacts/custom_fields", "custom_fields"))
    if sources:
        data.sources = (client.call("GET", "sources") or {}).get("_embedded", {}).get("sources", [])
    return data


def read_account(client: AmoClient, *, events_from: int, cache: dict | None = None, sources: bool = False
                 ) -> AccountData:
    """The account, as of now. `events_from`: unix time of the first stage change wanted; `cache`: what
    the last read kept (None or another form or an earlier events_from: everything is read again);
    `sources`: read the lead sources too (a map that knows a lead's platform by its source)."""
    data = read_names(client, sources=sources)
    data.events_from = events_from
    usable = cache is not None and cache.get("version") == VERSION and cache.get("events_from", 1 << 62) <= events_from
    since = cache["cursor"] if usable else None
    if usable:
        data.leads = {r["id"]: r for r in cache["leads"]}
        data.contacts = {r["id"]: r for r in cache["contacts"]}
        data.tasks = {r["id"]: r for r in cache["tasks"]}
        data.events = {r["id"]: r for r in cache["events"] if r["created_at"] >= events_from}
    changed = _updated(since)
    for lead in client.all("leads", "leads", [("with", "contacts"), *changed]):
        data.leads[lead["id"]] = _lead(lead)
    wanted = {c for lead in data.leads.values() for c in lead["contacts"]}
    if since is not None:  # contacts edited since (the lead's updated_at does not move then)
        for contact in client.all("contacts", "contacts", changed):
            if contact["id"] in wanted:
                data.contacts[contact["id"]] = _contact(contact)
    missing = sorted(wanted - data.contacts.keys())
    for i in range(0, len(missing), IDS_A_REQUEST):
        ids = [("filter[id][]", c) for c in missing[i:i + IDS_A_REQUEST]]
        for contact in client.all("contacts", "contacts", ids):
            data.contacts[contact["id"]] = _contact(contact)
    task_filter = [("filter[entity_type]", "leads"), *(changed or [("filter[is_completed]", 0)])]
    for task in client.all("tasks", "tasks", task_filter):
        if task.get("is_completed"):
            data.tasks.pop(task["id"], None)
        else:
            data.tasks[task["id"]] = _task(task)
    after = max(events_from, since or 0)
    for event in client.all("events", "events", [("filter[type]", "lead_status_changed"),
                                                 ("filter[created_at][from]", after)], limit=EVENTS_PAGE):
        data.events[event["id"]] = _event(event)
    newest = [r["updated_at"] for r in (*data.leads.values(), *data.contacts.values(), *data.tasks.values())]
    newest += [r["created_at"] for r in data.events.values()]
    data.cursor = max([since or 0, *newest]) - OVERLAP if newest else (since or 0)
    return data


def _updated(since: int | None) -> list[tuple[str, int]]:
    return [] if since is None else [("filter[updated_at][from]", since)]


# What is kept of each entity: what the project's check and funnel read, nothing more.

def _lead(row: dict) -> dict:
    embedded = row.get("_embedded") or {}
    return {"id": row["id"], "name": row.get("name", ""), "status_id": row["status_id"],
            "pipeline_id": row["pipeline_id"], "responsible_user_id": row.get("responsible_user_id"),
            "created_at": row["created_at"], "updated_at": row["updated_at"], "source_id": row.get("source_id"),
            "custom_fields_values": row.get("custom_fields_values") or [],
            "tags": [t.get("name", "") for t in embedded.get("tags") or []],
            "contacts": [c["id"] for c in sorted(embedded.get("contacts") or [], key=lambda c: not c.get("is_main"))]}


def _contact(row: dict) -> dict:
    return {"id": row["id"], "name": row.get("name", ""), "updated_at": row["updated_at"],
            "custom_fields_values": row.get("custom_fields_values") or []}


def _task(row: dict) -> dict:
    return {"id": row["id"], "entity_id": row.get("entity_id"), "entity_type": row.get("entity_type"),
            "responsible_user_id": row.get("responsible_user_id"), "text": row.get("text", ""),
            "complete_till": row.get("complete_till"), "updated_at": row["updated_at"]}


def _event(row: dict) -> dict:
    def status(values):
        first = (values or [{}])[0].get("lead_status") or {}
        return [first.get("pipeline_id"), first.get("id")]

    return {"id": row["id"], "lead": row["entity_id"], "created_at": row["created_at"],
            "before": status(row.get("value_before")), "after": status(row.get("value_after"))}
