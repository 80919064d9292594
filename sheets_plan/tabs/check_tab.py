"""The Check tab: what the check found, per admin and rule, each flag linking to its cell (the Log
row is log_tab's, the restored formulas are repairs').

Pure: Snapshot + CheckResult in, batchUpdate requests out. Text that came from
admins is written as stringValue, so `=IMPORTXML(...)` typed in a caption
never becomes a formula here (formula injection).
"""

from __future__ import annotations

import datetime as dt
from typing import Callable

from sheets_plan.words import Words, translator
from sheets_plan.core.flags import CRM_TAB, CheckResult, place
from sheets_plan.sheets.a1 import grid_range
from sheets_plan.sheets.writes import cell, clear_cells, write_cells
from .snapshot import Snapshot
from .tool_tab import BOLD, ensure_tab

CHECK_HEADER = Words(lambda _: [
    _("Severity"),
    _("Admin", "check_tab"),
    _("Cell"),
    _("Rule"),
    _("Message")])
SEVERITY = Words(lambda _: {
    "error": _("error"),
    "warning": _("warning", "check_tab")})
CHECK_TITLE = Words(lambda _: _("Check of {run} as of {as_of}: {rows} rows, {errors} errors, {warnings} warnings"))


Link = Callable[[int, str, str, str], str]  # sheet id, title, A1, label -> the cell's link


# A person acts on the first flags of a kind, not on the 300 000th: the Check tab shows this many per
# admin and rule, in the check's order, and counts the rest (the whole list: validate --format json/csv).
# It also keeps the tab's request well under Google's 2 MB at any size.
PER_ADMIN_AND_RULE = 50
CHECK_MORE = Words(lambda _: _("… and {n} more ({rule}, {admin}): the whole list: sheets-plan validate --format "
                               "json (or csv)"))


def shown_flags(report: CheckResult, per: int = PER_ADMIN_AND_RULE) -> tuple[list, list[tuple[str, str, int]]]:
    """The flags the Check tab shows, and (admin, rule, how many more) for each kind cut short."""
    seen: dict[tuple[str, str], int] = {}
    shown = []
    for f in report.flags:
        key = (f.admin, f.rule)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= per:
            shown.append(f)
    return shown, [(admin, rule, n - per) for (admin, rule), n in seen.items() if n > per]


def check_tab_requests(snap: Snapshot, report: CheckResult, link: Link, now: dt.datetime,
                       per: int = PER_ADMIN_AND_RULE) -> list[dict]:
    """Replace the Check tab with this run's flags (the first `per` of each admin and rule; the rest counted)."""
    loc, sid = snap.locale, snap.sheet_ids["check"]
    flags, cut = shown_flags(report, per)
    reqs = ensure_tab(snap, "check", len(flags) + len(cut) + 50, 12)
    reqs.append(clear_cells(sid))
    title = CHECK_TITLE[loc].format(run=now.strftime("%d.%m.%Y %H:%M"), as_of=report.as_of.strftime("%d.%m.%Y"),
                                    rows=report.rows_checked, errors=report.errors, warnings=report.warnings)
    rows = [[cell(title, {"textFormat": {"bold": True}})], [cell(h, BOLD) for h in CHECK_HEADER[loc]]]
    names = {r.id: r.name(loc) for r in snap.template.rules}
    for f in flags:
        shown = _where(snap, f, link)
        rows.append([cell(SEVERITY[loc][f.severity]), cell(f.admin or None),
                     {"userEnteredValue": {"formulaValue": shown}}, cell(names.get(f.rule, f.rule)),
                     cell(f.message)])
    _ = translator(loc)
    nobody = _("(no admin)")
    rows += [[cell(None), cell(admin or None), cell(None), cell(names.get(rule, rule)),
              cell(CHECK_MORE[loc].format(n=f"{n:,}".replace(",", " "), rule=names.get(rule, rule),
                                           admin=admin or nobody))] for admin, rule, n in cut]
    reqs.append(write_cells(sid, 0, 0, rows))
    reqs += _check_tab_looks(sid, len(rows))
    return reqs


def _where(snap: Snapshot, f, link: Link) -> str:
    """The flag's cell as a link: to its cell (one without a cell, a missing week, to its tab's top),
    or to an AmoCRM lead's card."""
    if f.tab == CRM_TAB and snap.crm is not None:  # only a project read with its AmoCRM has such flags
        return '=HYPERLINK("' + snap.crm.card_url(f.row) + '","' + place(f, {}) + '")'
    tab_title = snap.titles[f.tab]
    return link(snap.sheet_ids[f.tab], tab_title, f.cell or "A1", f"{tab_title}!{f.cell}" if f.cell else tab_title)


CHECK_WIDTHS = (110, 140, 170, 210, 640)  # px: severity, admin, cell, rule, message (wrapped)


def _check_tab_looks(sheet_id: int, rows: int) -> list[dict]:
    """Widths that show each column, the message wrapping, the title and header rows frozen.
    (The wrap covers the rows written: a bounded range keeps the local write on its fast path.)"""
    reqs = [{"updateDimensionProperties": {
        "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": i, "endIndex": i + 1},
        "properties": {"pixelSize": px}, "fields": "pixelSize"}} for i, px in enumerate(CHECK_WIDTHS)]
    reqs.append({"repeatCell": {"range": grid_range(sheet_id, 2, max(rows, 3), 4, 5),
                                "cell": {"userEnteredFormat": {"wrapStrategy": "WRAP"}},
                                "fields": "userEnteredFormat.wrapStrategy"}})
    reqs.append({"updateSheetProperties": {"properties": {"sheetId": sheet_id, "gridProperties": {"frozenRowCount": 2}},
                                           "fields": "gridProperties.frozenRowCount"}})
    return reqs


