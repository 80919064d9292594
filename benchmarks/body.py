"""Benchmark: the size of the Weekly tab's batchUpdate body.

26 weeks, 6 platforms, 5 and 10 admins, ru and en, rendered for the
spreadsheet's locale, as `GoogleBackend.batch_update` sends it (UTF-8 JSON,
repeated formulas as repeatCell). Beside it, the same requests as
`json=` would send them (ASCII with \\u escapes), and the body with every
formula written cell by cell (the layout before repeatCell), to show what
each shrinker buys. Google's Sheets API limits page recommends at most
2 MB per request.

    python benchmarks/body.py
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheets_plan.tabs import weekly_tab
from sheets_plan.sheets import formula  # noqa: E402
from sheets_plan.backends.google import request_body  # noqa: E402
from sheets_plan.model import Spreadsheet  # noqa: E402
from sheets_plan.core.template import load  # noqa: E402

WEEKS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=k) for k in range(26)]
PLATFORMS = ["Instagram", "VK", "Telegram", "TikTok", "YouTube", "Facebook"]
LOCALES = {"ru": "ru_RU", "en": "en_US"}


def cell_by_cell(requests: list[dict], sheet_id: int) -> list[dict]:
    """The same tab written as one updateCells of every cell (what the layout sent before)."""
    book = Spreadsheet("s", "t")
    book.batch_update([{"addSheet": {"properties": {"sheetId": sheet_id, "title": "W"}}}])
    book.batch_update([r for r in requests if "deleteEmbeddedObject" not in r])
    sheet = book.sheet(sheet_id)
    rows = []
    for r in range(max(sheet.cells) + 1):
        row = sheet.cells.get(r, {})
        rows.append({"values": [{k: v for k, v in (("userEnteredValue", c.entered()), ("userEnteredFormat", c.fmt))
                                 if v} if (c := row.get(i)) else {} for i in range(max(row, default=-1) + 1)]})
    return [{"updateCells": {"start": {"sheetId": sheet_id}, "rows": rows, "fields": "userEnteredValue,userEnteredFormat"}}]


def main():
    template = load()
    print(f"{'locale':>6}  {'admins':>6}  {'rows':>5}  {'sent MB':>8}  {'as json= MB':>11}  {'cell by cell MB':>15}")
    for locale, sheets_locale in LOCALES.items():
        for admins in (5, 10):
            layout = weekly_tab.build_weekly(template, locale, weekly_tab.WeeklyInputs(
                sheet_id=1003, plan_title=template.tab("plan").title(locale),
                account_title=template.tab("account").title(locale), weeks=WEEKS, platforms=PLATFORMS,
                admins=[f"Admin {i}" for i in range(admins)]))
            requests = formula.render_requests(layout.requests, sheets_locale)
            sent = len(request_body(requests))
            escaped = len(json.dumps({"requests": requests}))
            whole = len(request_body(cell_by_cell(requests, 1003)))
            print(f"{locale:>6}  {admins:>6}  {layout.row_count:>5}  {sent / 1e6:>8.3f}  {escaped / 1e6:>11.3f}"
                  f"  {whole / 1e6:>15.3f}")


if __name__ == "__main__":
    main()
