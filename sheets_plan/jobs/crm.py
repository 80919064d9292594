"""A project's AmoCRM joined to its snapshot: read the account (the second time only what changed,
from the project's own state), check the map's names, and make its leads the project's register.

The state beside the project (``.NAME.amocrm.json`` beside a local workbook; ``.sheets-plan/ID.amocrm.json``
for a Google spreadsheet) keeps the last read: the cursor and the leads, contacts, open tasks and
stage changes it found. It holds contacts' data, as the workbook's own Leads tab would: it is
written readable by its owner only; delete it to read everything again."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from zoneinfo import ZoneInfo

import pandas as pd

from sheets_plan.backends.base import Backend
from sheets_plan.core import crm
from sheets_plan.core.crm_map import CrmMap
from sheets_plan.core.table import read_table
from sheets_plan.core.team import Team
from sheets_plan.errors import RunError
from sheets_plan.sources.amocrm.account import read_account
from sheets_plan.sources.amocrm.client import AmoClient
from sheets_plan.sources.amocrm.recorded import RecordedAccount
from sheets_plan.tabs import crm_tab
from sheets_plan.tabs.snapshot import Snapshot, admin_spellings

from .state import save_json, state_path

EVENTS_WEEKS = 27   # stage changes are read from this many weeks back (the Weekly tab's 26 and the one before)


@dataclass
class CrmLink:
    """How the jobs reach each project's AmoCRM: the team file's maps, and (tests, benchmarks) the
    session, the clock and the pause the client uses."""
    team: Team
    session: object | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    env: dict = field(default_factory=lambda: dict(os.environ))
    state: str | Path | None = None        # the state file (default: beside the project)
    full: bool = False                      # read everything again, not only what changed

    def client(self, m: CrmMap) -> AmoClient:
        if m.recorded:  # the demo's account, answered from a file
            return RecordedAccount(self.relative(m.recorded))
        return AmoClient(m.subdomain, self.token(m), domain=m.domain, session=self.session, clock=self.clock,
                         sleep=self.sleep, token_where=self.token_where(m))

    def token(self, m: CrmMap) -> str:
        if m.token_file:
            path = self.relative(m.token_file)
            try:
                return path.read_text(encoding="utf-8").strip()
            except OSError as e:
                raise RunError(f"{path}: cannot read the AmoCRM token ({e.strerror or type(e).__name__})") from None
        return self.env.get(m.token_env, "").strip()

    def relative(self, name: str) -> Path:
        """A path the team file names, from the team file's folder."""
        path = Path(name)
        return path if path.is_absolute() or not self.team.path else Path(self.team.path).parent / path

    def token_where(self, m: CrmMap) -> str:
        return f"the file {m.token_file}" if m.token_file else f"the environment variable {m.token_env}"


def crm_of(team: Team) -> CrmLink | None:
    """The link of a team file that maps some project to AmoCRM (None when it maps none)."""
    return CrmLink(team) if team.crm else None


def attach(snap: Snapshot, backend: Backend, sid: str, link: CrmLink | None) -> Snapshot:
    """The snapshot with the project's AmoCRM leads as its register, when the team file maps it."""
    m = link.team.crm_for(snap.project) if link is not None else None
    if m is None:
        if snap.template.funnel == "crm":
            raise RunError(f"{snap.project}: the template counts the funnel from AmoCRM, and "
                           f"{(link.team.path if link else '') or 'no team file'} maps no AmoCRM account for it "
                           f'(add [projects."{snap.project}".amocrm])')
        return snap
    client = link.client(m)
    path = state_path(backend, sid, link.state, "amocrm")
    monday = snap.as_of - dt.timedelta(days=snap.as_of.weekday(), weeks=EVENTS_WEEKS - 1)
    start = int(dt.datetime.combine(monday, dt.time(), ZoneInfo(snap.template.time_zone)).timestamp())
    data = read_account(client, events_from=start, cache=None if link.full else _load(path),
                        sources=m.platform[0] == "source")
    save_json(path, data.cache(), private=True, separators=(",", ":"))  # a contact's data: the owner's only
    resolved = crm.resolve(m, data, link.team.path or "team.toml")
    leads_tab = snap.template.tab_of_kind("leads")
    platforms = [c.label(snap.locale) for c in snap.template.tab_of_kind("plan").column("platform").choices]
    cards = crm.cards(data, resolved, zone=snap.template.time_zone, platforms=platforms)
    grid = crm.register_grid(cards, leads_tab, snap.locale, "AmoCRM")
    table = read_table(leads_tab, grid, as_of=snap.as_of, admins=admin_spellings(snap.meta, snap.admins))
    table.frame.attrs["crm"] = crm.task_facts(cards, snap.as_of, table.frame.index)
    snap.tables[leads_tab.key] = table
    snap.crm = crm.CrmView(m, cards, list(data.tasks.values()))
    return snap


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none yet, or unreadable: read everything again (and write it anew)


def register_tab(snap: Snapshot):
    """The tool's tab of the AmoCRM leads, as the funnel formulas read it (None without a CRM)."""
    if snap.crm is None or not snap.template.register:
        return None
    return crm_tab.register_tab(snap.meta, snap.locale)


def crm_register(snap: Snapshot) -> dict:
    """`weekly_figures`' arguments for the funnel from AmoCRM: the rows the tool's tab holds."""
    labels = _stage_labels(snap)
    leads = snap.crm.leads
    frame = pd.DataFrame({"first_contact": pd.to_datetime([c.came for c in leads]),
                          "platform": pd.Series([c.platform for c in leads], dtype=object),
                          "responsible": pd.Series([c.admin for c in leads], dtype=object),
                          "stage": pd.Series([labels[c.furthest] for c in leads], dtype=object),
                          "refusal": pd.Series([labels["refusal"] if c.refused else None for c in leads], dtype=object)})
    return {"leads": frame, "stages": labels, "stage_columns": {"refusal": "refusal"}}


def crm_tab_requests(snap: Snapshot) -> list[dict]:
    if snap.crm is None:
        return []
    return crm_tab.crm_tab_requests(snap.meta, snap.locale, snap.crm.leads, _stage_labels(snap), snap.crm.card_url)


def _stage_labels(snap: Snapshot) -> dict[str, str]:
    return {c.key: c.label(snap.locale) for c in snap.template.tab_of_kind("leads").column("stage").choices}
