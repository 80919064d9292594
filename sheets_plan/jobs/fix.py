"""`sheets-plan fix`: clean admin input so that the sheet's formulas count it.

The only command that ever writes an admin-owned cell, and only the cells it
lists: a number stored as text becomes the number (`1 520` → 1520), a date
stored as text becomes the date, a choice becomes its dropdown item in the
workbook's language (`Published ` → `опубликовано`, ` аня ` → `Аня`), a good
phone number in another spelling becomes the one (`8 (999) 123-45-67` →
`+7 999 123-45-67`; listed masked, as a person's data always is). The
list comes from `counted.cleanups`, the same one the `counted` rule flags.
`jobs.fix` writes nothing unless asked; then every listed cell and the Log
count go in one atomic write (one batchUpdate on Google). Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field

from sheets_plan.words import Words
from sheets_plan.tabs import log_tab
from sheets_plan.core import personal, sheet_view
from sheets_plan.sheets.writes import VALUES, cell, write_cells
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.core.procedure import admin_column
from sheets_plan.tabs.snapshot import Snapshot

__all__ = ["Change", "FixResult", "changes", "fix_requests", "render_text", "writable"]


@dataclass(frozen=True)
class Change:
    tab: str        # tab key
    row: int        # sheet row
    column: str     # column key
    cell: str       # A1, where the column is now
    admin: str      # the row's responsible admin ("" when none)
    old: str        # the cell as typed
    new: str        # the clean value as a person reads it
    value: float | int | str  # what is written
    problem: str    # sheet_view.TEXT_NUMBER | TEXT_DATE | SPELLING | PHONE_SPELLING


@dataclass
class FixResult:
    project: str
    changes: list[Change]
    applied: bool
    tab_titles: dict[str, str] = field(default_factory=dict)
    locale: str = "en"

    def to_json(self) -> dict:
        return {"project": self.project, "applied": self.applied, "count": len(self.changes),
                "changes": [{k: v for k, v in asdict(c).items() if k != "value"} for c in self.changes]}


def changes(snap: Snapshot) -> list[Change]:
    """Every cell `fix` would change, in tab, row and column order."""
    out = []
    for table in snap.tables.values():
        tab = table.tab
        who = admin_column(tab)
        admins = table.frame[who].fillna("") if who else None
        for c in sheet_view.cleanups(table, snap.locale).itertuples(index=False):
            column = tab.column(c.column)
            # a person's data (a phone in another spelling) is listed masked, as every output shows it;
            # the typed one in its own spelling, or both would read the same
            old, new = ((personal.mask_as_typed(c.old), personal.mask(c.new_shown, column.type))
                        if column.personal else (c.old, str(c.new_shown)))
            out.append(Change(tab.key, int(c.row), c.column, f"{col_letter(table.positions[c.column])}{c.row}",
                              "" if admins is None else str(admins[c.row]), old, new, c.new, c.problem))
    return out


def fix_requests(snap: Snapshot, listed: list[Change], run_at: dt.datetime) -> list[dict]:
    """The listed cells (their values only: formats, notes and links stay) and the Log count."""
    reqs = []
    for c in writable(listed):
        reqs.append(write_cells(snap.sheet_ids[c.tab], c.row - 1, snap.tables[c.tab].positions[c.column],
                                [[cell(c.value)]], VALUES))
    return reqs + log_tab.log_fix_requests(snap, len(writable(listed)), run_at)


def writable(listed: list[Change]) -> list[Change]:
    """The changes `--apply` writes: all but dates whose year the admin has to give."""
    return [c for c in listed if c.problem != sheet_view.YEAR_UNSURE]


_WORDS = Words(lambda _: {
    "none": _("{project}: nothing to fix."),
    "dry": _("{project}: {n} cells to fix (nothing changed; add --apply to write them)"),
    "done": _("{project}: {n} cells fixed"),
    "nobody": _("(no admin)"),
    "quotes": _("“”")})


def render_text(result: FixResult) -> str:
    """The changes grouped by admin, one aligned line per cell: where, as typed → clean."""
    words = _WORDS.get(result.locale, _WORDS["en"])
    n = len(writable(result.changes)) if result.applied else len(result.changes)
    head = "none" if not result.changes else "done" if result.applied else "dry"
    lines = [words[head].format(project=result.project, n=n)]
    left, right = words["quotes"]
    groups: dict[str, list[Change]] = {}
    for c in result.changes:
        groups.setdefault(c.admin, []).append(c)
    for admin in sorted(groups, key=lambda a: (a == "", a.casefold())):
        cells = [f"{result.tab_titles.get(c.tab, c.tab)}!{c.cell}" for c in groups[admin]]
        width = max(map(len, cells))
        lines += ["", f"{admin or words['nobody']}:"]
        lines += [f"  {where:<{width}}  {left}{c.old}{right} → {sheet_view.named(c.problem, c.new, result.locale)}"
                  for where, c in zip(cells, groups[admin])]
    return "\n".join(lines) + "\n"
