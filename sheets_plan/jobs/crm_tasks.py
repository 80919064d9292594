"""`remind`'s AmoCRM channel: each of an admin's CRM items (a flag on a lead) as a task on that lead,
for its responsible user, due the template's `task_days` after it is set; each once.

Once: the remind state keeps each task's flag (channel "amocrm"), so a rerun adds nothing and a task
a person closed is not set again while the same flag stands (when the flag goes, it is forgotten: if
it comes back, a new task is set). A write is never sent twice: it is not retried after a 5xx, and
every task carries a mark of its flag, so the next run finds a task that landed although its answer
was lost among the lead's open tasks, and does not set it again."""

from __future__ import annotations

import datetime as dt
import hashlib

from sheets_plan.channels.base import Delivery
from sheets_plan.core.digest import flag_key
from sheets_plan.core.flags import CRM_TAB, CheckResult
from sheets_plan.errors import RunError
from sheets_plan.tabs.snapshot import Snapshot

CHANNEL = "amocrm"
BATCH = 50
MARK = "sheets-plan"


def marker(key: str) -> str:
    """A short mark of a flag, in its task's text: how the next run knows the task is there."""
    return f"{MARK} {hashlib.sha1(key.encode('utf-8')).hexdigest()[:10]}"


def set_tasks(snap: Snapshot, report: CheckResult, link, sent, now: dt.datetime, dry_run: bool) -> list[Delivery]:
    """The new CRM items set as tasks, one Delivery per admin."""
    view = snap.crm
    flags = [f for f in report.flags if f.tab == CRM_TAB]
    for admin in list(sent.sent):  # a flag that went away is forgotten (its task was the admin's to close)
        sent.forget_channel_all_but(admin, CHANNEL, {flag_key(f) for f in flags})
    present = {t.get("text", "").rsplit("(", 1)[-1].rstrip(")") for t in view.tasks}
    todo, by_admin = [], {}
    for f in flags:
        key = flag_key(f)
        if sent.has(f.admin, CHANNEL, key):
            continue
        if marker(key) in present:  # set by a run whose answer was lost: there already
            sent.mark(f.admin, CHANNEL, key, now.isoformat(timespec="minutes"))
            continue
        todo.append((f, key))
        by_admin[f.admin] = by_admin.get(f.admin, 0) + 1
    if dry_run or not todo:
        return [Delivery(a, CHANNEL, n, True, "dry run: not set" if dry_run else "") for a, n in by_admin.items()]
    users = {c.id: c.user for c in view.leads}
    due = int(now.timestamp()) + snap.template.task_days * 86400
    failed: dict[str, str] = {}
    for i in range(0, len(todo), BATCH):
        batch = todo[i:i + BATCH]
        body = [{"text": f"{f.message} ({marker(key)})", "complete_till": due, "entity_id": f.row,
                 "entity_type": "leads", "task_type_id": view.map.task_type, "request_id": marker(key)[-10:],
                 **({"responsible_user_id": users[f.row]} if users.get(f.row) else {})} for f, key in batch]
        try:  # (the demo's recorded account takes no writes: its call says so, as a RunError)
            link.client(view.map).call("POST", "tasks", body=body, again=False)
        except RunError as e:
            failed.update({f.admin: str(e) for f, _ in batch})
            continue
        for f, key in batch:
            sent.mark(f.admin, CHANNEL, key, now.isoformat(timespec="minutes"))
    return [Delivery(a, CHANNEL, n, a not in failed, failed.get(a, "")) for a, n in by_admin.items()]
