"""The cells `sheets-plan stats --apply` writes: figures into empty stat cells of the plan, followers
into the Account tab (a new row for a week and platform that has none), each with a note saying
where the figure came from, and the Log's count. Values only besides the note: formats stay.

A person may correct an imported figure: afterwards it is a cell like any other (the check and
`fix` read it as typed); the note says it was imported, and when. Pure.
"""

from __future__ import annotations

import datetime as dt

from sheets_plan.words import Words
from sheets_plan.core.stats import AccountFill, Fill
from sheets_plan.sheets.writes import write_cells
from sheets_plan.sheets.values import serial

from . import log_tab
from .snapshot import Snapshot

NOTE = Words(lambda _: _("Imported by sheets-plan stats on {day:%d.%m.%Y}: {source}"))
DATE = {"numberFormat": {"type": "DATE", "pattern": "dd.mm.yyyy"}}


def _cell(sheet_id: int, row: int, col: int, cell: dict, fields: str) -> dict:
    return write_cells(sheet_id, row - 1, col, [[cell]], fields)


def stats_requests(snap: Snapshot, fills: list[Fill], accounts: list[AccountFill], now: dt.datetime) -> list[dict]:
    """One atomic batch: the plan's cells, the Account's, and the Log's count of cells filled."""
    note = NOTE[snap.locale]
    plan = snap.tables[snap.template.tab_of_kind("plan").key]
    reqs = [_cell(snap.sheet_ids[f.tab], f.row, plan.positions[f.column],
                  {"userEnteredValue": {"numberValue": f.value}, "note": note.format(day=now, source=f.source)},
                  "userEnteredValue,note") for f in fills]
    account_key = snap.template.tab_of_kind("account").key
    account = snap.tables[account_key]
    sheet_id, at = snap.sheet_ids[account_key], account.positions
    new_row = max([int(r) for r in account.frame.index if not account.blank.loc[r].all()], default=1) + 1
    for a in accounts:
        followers = {"userEnteredValue": {"numberValue": a.followers}, "note": note.format(day=now, source=a.source)}
        if a.row is not None:
            reqs.append(_cell(sheet_id, a.row, at["followers"], followers, "userEnteredValue,note"))
            continue
        reqs += [_cell(sheet_id, new_row, at["week"], {"userEnteredValue": {"numberValue": serial(a.week)},
                                                       "userEnteredFormat": DATE},
                       "userEnteredValue,userEnteredFormat.numberFormat"),
                 _cell(sheet_id, new_row, at["platform"], {"userEnteredValue": {"stringValue": a.platform}},
                       "userEnteredValue"),
                 _cell(sheet_id, new_row, at["followers"], followers, "userEnteredValue,note")]
        new_row += 1
    count = len(fills) + len(accounts)
    return reqs + (log_tab.log_fix_requests(snap, count, now, log_tab.LOG_STATS) if count else [])
