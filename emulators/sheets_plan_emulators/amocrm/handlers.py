"""Thin request handlers over an Account: the lists (filtered, ordered, paged) and the writes the
product makes (tasks, leads/complex). What they do not serve they refuse (NotEmulated), naming it."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from urllib.parse import urlencode

from . import query as q
from .errors import AmoError, NotEmulated, invalid
from .state import LOST, WON, Account

LIMIT_DEFAULT, LIMIT_MAX, EVENTS_MAX = 50, 250, 100
BATCH = 50  # entities a write takes at most


@dataclass
class Call:
    account: Account
    path: str            # "/api/v4/leads"
    params: dict         # query.read's nesting
    body: object
    base: str            # "https://sub.amocrm.ru"
    args: tuple[str, ...] = ()


# ------------------------------------------------------------------ lists

FILTERS = {  # what each list filters on, as the emulator reads it; any other filter is refused
    "leads": {"id", "updated_at", "created_at", "pipeline_id"},
    "contacts": {"id", "updated_at"},
    "tasks": {"id", "updated_at", "is_completed", "entity_type", "entity_id"},
    "events": {"type", "entity", "created_at", "entity_id"},
}
WITH = {"leads": {"contacts"}, "contacts": {"leads"}}


def list_of(kind: str):
    def handler(call: Call):
        rows = _filtered(kind, call)
        order = call.params.get("order") or {}
        if order and kind not in ("leads", "contacts", "tasks"):
            raise NotEmulated(f"order on {kind}")
        for key, direction in order.items():
            if key not in ("id", "updated_at", "created_at") or direction not in ("asc", "desc"):
                raise NotEmulated(f"order[{key}]={direction}")
            rows.sort(key=lambda r: (r[key], r["id"]), reverse=direction == "desc")
        shown = set(str(call.params.get("with") or "").split(",")) - {""}
        if shown - WITH.get(kind, set()):
            raise NotEmulated(f"with={','.join(sorted(shown))} on {kind}")
        return _page(kind, rows, call, lambda r: _render(kind, r, call.account, shown))
    return handler


def _filtered(kind: str, call: Call) -> list[dict]:
    source = {"leads": call.account.leads, "contacts": call.account.contacts, "tasks": call.account.tasks}
    rows = list(source[kind].values()) if kind in source else list(call.account.events)
    filters = call.params.get("filter") or {}
    unknown = set(filters) - FILTERS[kind]
    if unknown:
        raise NotEmulated(f"filter[{sorted(unknown)[0]}] on {kind}")
    for key, value in filters.items():
        match = _matcher(kind, key, value)  # the filter read once, not once a row
        rows = [r for r in rows if match(r)]
    return sorted(rows, key=lambda r: (r.get("created_at", 0), str(r["id"]))) if kind == "events" else sorted(
        rows, key=lambda r: r["id"])


def _matcher(kind: str, key: str, value):
    """A row test for one filter."""
    if key in ("updated_at", "created_at"):
        start, end = q.span(value)
        return lambda r: (start is None or r[key] >= start) and (end is None or r[key] <= end)
    if key in ("id", "pipeline_id", "entity_id"):
        wanted = q.ints(value)
        return lambda r: int(r[key]) in wanted
    if key == "is_completed":
        done = str(value) in ("1", "true")
        return lambda r: r["is_completed"] == done
    if key == "entity_type":
        return lambda r: r["entity_type"] == value
    if key == "type":
        if value != "lead_status_changed":
            raise NotEmulated(f"events of type {value!r} (only lead_status_changed is emulated)")
        return lambda r: r["type"] == value
    if key == "entity":
        if value not in ("lead", "leads"):
            raise NotEmulated(f"events of entity {value!r}")
        return lambda r: r["entity_type"] == "lead"
    raise NotEmulated(f"filter[{key}] on {kind}")


def _render(kind: str, row: dict, account: Account, shown: set[str]) -> dict:
    out = {k: copy.deepcopy(v) for k, v in row.items() if not k.startswith("_") and v is not None}
    if kind == "leads":
        embedded = {"tags": row["_tags"]}
        if "contacts" in shown:
            embedded["contacts"] = [{"id": c, "is_main": i == 0} for i, c in enumerate(row["_contacts"])]
        out["_embedded"] = embedded
    elif kind == "contacts" and "leads" in shown:
        out["_embedded"] = {"leads": [{"id": lead} for lead in row.get("_leads", [])]}
    return out


def _page(kind: str, rows: list[dict], call: Call, render=copy.deepcopy):
    """One page of `rows` as AmoCRM answers it (each row rendered: only the page's are)."""
    page, limit = _int(call.params.get("page"), 1, "page"), _int(call.params.get("limit"), LIMIT_DEFAULT, "limit")
    cap = EVENTS_MAX if kind == "events" else LIMIT_MAX
    if limit > cap or limit < 1 or page < 1:
        raise NotEmulated(f"limit={limit}, page={page} on {kind} (the documentation allows 1..{cap})")
    chunk = [render(r) for r in rows[(page - 1) * limit: page * limit]]
    if not chunk:
        return None  # 204, no body
    links = {"self": {"href": _href(call, page, limit)}}
    if page * limit < len(rows):
        links["next"] = {"href": _href(call, page + 1, limit)}
    if page > 1:
        links["prev"] = {"href": _href(call, page - 1, limit)}
    return {"_page": page, "_links": links, "_embedded": {kind: chunk}}


def _int(value, default: int, name: str) -> int:
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise AmoError(400, f"{name} must be a number") from None


def _href(call: Call, page: int, limit: int) -> str:
    pairs = [(k, v) for k, v in _flat(call.params) if k not in ("page", "limit")] + [("page", page), ("limit", limit)]
    return f"{call.base}{call.path}?{urlencode(pairs)}"


def _flat(node, prefix: str = ""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _flat(v, f"{prefix}[{k}]" if prefix else k)
    elif isinstance(node, list):
        for v in node:
            yield from _flat(v, f"{prefix}[]")
    else:
        yield prefix, node


def users(call: Call):
    return _page("users", list(call.account.users.values()), call)


def pipelines(call: Call):
    return {"_links": {"self": {"href": f"{call.base}{call.path}"}},
            "_embedded": {"pipelines": [copy.deepcopy(p) for p in call.account.pipelines.values()]}}


def sources(call: Call):
    if call.params.get("filter"):
        raise NotEmulated("filter on sources")
    rows = [copy.deepcopy(r) for r in call.account.sources.values()]
    return {"_links": {"self": {"href": f"{call.base}{call.path}"}}, "_embedded": {"sources": rows}} if rows else None


def custom_fields(call: Call):
    entity = call.args[0]
    if entity not in call.account.fields:
        raise NotEmulated(f"custom fields of {entity}")
    return _page("custom_fields", list(call.account.fields[entity].values()), call)


# ------------------------------------------------------------------ writes

def _batch(call: Call) -> list[dict]:
    if not isinstance(call.body, list) or not call.body:
        raise AmoError(400, "The body must be a non-empty array")
    if len(call.body) > BATCH:
        raise NotEmulated(f"a batch of {len(call.body)} (the documentation allows {BATCH}; "
                          "AmoCRM's answer to more is not known)")
    return call.body


def create_tasks(call: Call):
    acc, made = call.account, []
    for i, item in enumerate(_batch(call)):
        rid = str(item.get("request_id", i))
        if item.get("entity_type") not in (None, "leads"):
            raise NotEmulated(f"tasks on {item.get('entity_type')}")
        if "entity_id" in item and int(item["entity_id"]) not in acc.leads:
            raise invalid(rid, "entity_id", "The lead does not exist", "NotFound")
        who = item.get("responsible_user_id", next(iter(acc.users)))
        if who not in acc.users:
            raise invalid(rid, "responsible_user_id", "The user does not exist", "NotFound")
        tid = acc.add_task(int(item.get("entity_id", 0)), item["text"], responsible=who,
                           complete_till=int(item["complete_till"]), entity_type=item.get("entity_type", "leads"))
        acc.tasks[tid]["task_type_id"] = int(item.get("task_type_id", 1))
        made.append({"id": tid, "request_id": rid, "_links": {"self": {"href": f"{call.base}/api/v4/tasks/{tid}"}}})
    return {"_links": {"self": {"href": f"{call.base}/api/v4/tasks"}}, "_embedded": {"tasks": made}}


def update_task(call: Call):
    tid = int(call.args[0])
    if tid not in call.account.tasks:
        raise AmoError(404, "Task not found")
    _update_task(call.account, tid, call.body)
    return {"_links": {"self": {"href": f"{call.base}/api/v4/tasks/{tid}"}},
            "_embedded": {"tasks": [{"id": tid, "updated_at": call.account.tasks[tid]["updated_at"]}]}}


def _update_task(account: Account, tid: int, body: dict) -> None:
    if set(body) - {"is_completed", "result", "text", "complete_till"}:
        raise NotEmulated(f"a task update of {sorted(set(body))}")
    row = account.tasks[tid]
    row.update({k: v for k, v in body.items()}, updated_at=account.now())


def create_complex(call: Call):
    """``leads/complex``: a lead with one contact (new, or an existing one by id) each."""
    acc, made = call.account, []
    for i, item in enumerate(_batch(call)):
        rid = str(item.get("request_id", i))
        contacts = (item.get("_embedded") or {}).get("contacts") or []
        if len(contacts) > 1 or (item.get("_embedded") or {}).get("companies"):
            raise NotEmulated("a complex lead with more than one contact, or a company")
        pipeline = int(item.get("pipeline_id") or next(iter(acc.pipelines)))
        statuses = [s["id"] for s in acc.pipelines[pipeline]["_embedded"]["statuses"]] if pipeline in acc.pipelines else []
        status = int(item.get("status_id") or (statuses or [0])[0])
        if status not in statuses:
            raise invalid(rid, "status_id", "The status is not in the pipeline", "NotFound")
        who = int(item.get("responsible_user_id") or next(iter(acc.users)))
        cid = _contact_of(acc, contacts[0] if contacts else None, who, rid)
        values = {int(v["field_id"]): v["values"][0]["value"] for v in item.get("custom_fields_values") or []}
        lid = acc.add_lead(item.get("name") or f"Сделка #{len(acc.leads) + 1}", pipeline=pipeline, status=status,
                           responsible=who, contact=cid, at=int(item.get("created_at") or acc.now()),
                           tags=[t["name"] for t in (item.get("_embedded") or {}).get("tags") or []], values=values)
        if status in (WON, LOST):
            acc.leads[lid]["closed_at"] = acc.leads[lid]["created_at"]
        made.append({"id": lid, "contact_id": cid, "company_id": None, "request_id": [rid], "merged": False})
    return made


def _contact_of(acc: Account, contact: dict | None, who: int, rid: str) -> int | None:
    if contact is None:
        return None
    if "id" in contact:
        if int(contact["id"]) not in acc.contacts:
            raise invalid(rid, "_embedded.contacts.0.id", "The contact does not exist", "NotFound")
        return int(contact["id"])
    phones, emails, values = [], [], {}
    for field in contact.get("custom_fields_values") or []:
        texts = [str(v["value"]) for v in field["values"]]
        if field.get("field_code") == "PHONE":
            phones += texts
        elif field.get("field_code") == "EMAIL":
            emails += texts
        elif int(field.get("field_id", 0)) in acc.fields["contacts"]:
            values[int(field["field_id"])] = texts[0]
        else:
            raise invalid(rid, "_embedded.contacts.0.custom_fields_values", "Unknown field", "NotFound")
    name = contact.get("name") or " ".join(filter(None, (contact.get("first_name"), contact.get("last_name"))))
    return acc.add_contact(name, phones=phones, emails=emails, values=values, responsible=who)


ROUTES = {  # operationId -> handler
    "Users_list": users, "Pipelines_list": pipelines, "CustomFields_list": custom_fields,
    "Leads_list": list_of("leads"), "Contacts_list": list_of("contacts"), "Tasks_list": list_of("tasks"),
    "Events_list": list_of("events"), "Tasks_create": create_tasks, "Tasks_updateById": update_task,
    "Leads_createComplex": create_complex, "Sources_list": sources,
}
AREAS = {"Users_list": "users", "Pipelines_list": "leads", "CustomFields_list": "settings", "Leads_list": "leads",
         "Contacts_list": "contacts", "Tasks_list": "tasks", "Events_list": "events", "Tasks_create": "tasks",
         "Tasks_updateById": "tasks", "Leads_createComplex": "leads", "Sources_list": "leads"}
