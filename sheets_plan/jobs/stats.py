"""`sheets-plan stats`: the stats a platform gives, filled into the plan's empty cells and the
Account's followers, never over what an admin typed. A dry run by default; `apply=True` writes in
one atomic write (one batchUpdate on Google), a second run finds nothing left to write.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sheets_plan.backends.base import Backend
from sheets_plan.core.post_links import post_link
from sheets_plan.core.stats import AccountFill, Disagreement, Plan, account_fills, due_rows, plan_fills
from sheets_plan.core.template import Template
from sheets_plan.errors import RunError
from sheets_plan.sources.base import Source, answer_all
from sheets_plan.sources.exports import ExportSource, read_export
from sheets_plan.tabs.stats_cells import stats_requests

from .project import check_snapshot, now, start

VK_TOKEN_ENV = "SHEETS_PLAN_VK_TOKEN"


@dataclass
class StatsResult:
    project: str
    locale: str
    tab_titles: dict[str, str]
    plan: Plan
    accounts: list[AccountFill] = field(default_factory=list)
    account_disagreements: list[Disagreement] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def written(self) -> int:
        return len(self.plan.fills) + len(self.accounts) if self.applied else 0

    def exit_code(self) -> int:
        """0: everything due was found and agrees; 1: something to look at (a problem, a disagreement)."""
        return 1 if self.plan.problems or self.plan.disagreements or self.account_disagreements else 0

    def to_json(self) -> dict:
        return {"project": self.project, "applied": self.applied, "sources": self.sources,
                "rows_due": self.plan.asked, "fills": [asdict(f) for f in self.plan.fills],
                "accounts": [asdict(a) | {"week": a.week.isoformat()} for a in self.accounts],
                "disagreements": [asdict(d) for d in self.plan.disagreements + self.account_disagreements],
                "problems": [asdict(p) for p in self.plan.problems]}


def stats(backend: Backend, sid: str, *, sources: list[Source], template: Template | None = None,
          as_of: dt.date | None = None, apply: bool = False, run_at: dt.datetime | None = None) -> StatsResult:
    """List (or with `apply`, write) the stats the sources give for the plan's due, empty stat cells
    and the accounts' followers of the last complete week.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> result = sheets_plan.stats(sheets_plan.LocalBackend("demo"), path, sources=[], as_of=day)
    >>> result.plan.asked > 0, len(result.plan.fills), {p.why for p in result.plan.problems}
    (True, 0, {'no_source'})
    """
    snap = start(backend, sid, template, as_of)
    plan_key, account_key = snap.template.tab_of_kind("plan").key, snap.template.tab_of_kind("account").key
    plan, account = snap.tables[plan_key], snap.tables[account_key]
    dues = due_rows(plan, check_snapshot(snap), snap.template)
    every = [link for text in plan.frame["link"] if (link := post_link(text)) is not None]
    found, followers = answer_all(sources, [d.link for d in dues if d.link], every, snap.as_of)
    planned = plan_fills(plan, dues, found)
    accounts, disagreements = account_fills(account, followers, snap.as_of)
    result = StatsResult(snap.project, snap.locale, dict(snap.titles), planned, accounts, disagreements,
                         [s.name for s in sources])
    if apply and (planned.fills or accounts):
        backend.batch_update(sid, stats_requests(snap, planned.fills, accounts, run_at or now(snap.template)))
        result.applied = True
    return result


def stat_sources(template: Template, *, exports: list[str | Path] = (), vk_credentials: str | Path | None = None,
                 vk_community: str | None = None, vk_session=None) -> list[Source]:
    """The sources a run names: the export files first (what a person downloaded wins), then VK's API
    when a token is given (`vk_credentials`: a JSON file ``{"token": ...}`` or ``{"tokens": {"-123":
    ...}}``; else the environment's SHEETS_PLAN_VK_TOKEN)."""
    out: list[Source] = []
    files = [read_export(path, template.exports) for path in exports]
    if files:
        out.append(ExportSource(files))
    tokens = vk_tokens(vk_credentials)
    if tokens:
        from sheets_plan.sources.vk import VkSource

        out.append(VkSource(tokens, community=vk_community, session=vk_session))
    return out


def vk_tokens(path: str | Path | None) -> dict[str, str]:
    """VK tokens from a credentials file, else the environment; never printed."""
    if path is None:
        token = os.environ.get(VK_TOKEN_ENV, "").strip()
        return {"default": token} if token else {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as e:
        raise RunError(f"{path}: not a VK credentials file ({type(e).__name__}); "
                       'write {"token": "..."} or {"tokens": {"-123": "..."}}') from None
    if isinstance(data, dict) and isinstance(data.get("token"), str):
        return {"default": data["token"]}
    if isinstance(data, dict) and isinstance(data.get("tokens"), dict):
        return {str(k): str(v) for k, v in data["tokens"].items()}
    raise RunError(f'{path}: no "token" or "tokens" in the VK credentials file')
