"""Benchmark: the size of the Weekly tab's batchUpdate body.

26 weeks, 6 platforms, 5 and 10 admins, ru and en, rendered for the
spreadsheet's locale, as `GoogleBackend.batch_update` sends it (UTF-8 JSON,
repeated formulas as repeatCell). Beside it, the same requests as
`json=` would send them (ASCII with \\u escapes), and the body with every
formula written cell by cell (the layout before repeatCell), to show what
each shrinker buys. Google's Sheets API limits page recommends at most
2 MB per request.

Then the weekly job's whole write (computed columns restored, the Check tab, the Weekly and
KPI tabs, the Log) for a project typed below its provisioned rows with ~3 flags a row, as
GoogleBackend would send it: its body and how many batchUpdates (sheets/batches.py), beside
the Check tab of every flag (before the tab showed the first of each admin and rule).

    python benchmarks/body.py [--typed-rows 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheets_plan.tabs import weekly_tab
from sheets_plan.sheets import formula  # noqa: E402
from sheets_plan.backends.google import request_body  # noqa: E402
from sheets_plan.model import Spreadsheet  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan.backends.local import LocalBackend  # noqa: E402
from sheets_plan.jobs import project as jobs  # noqa: E402
from sheets_plan.jobs.read import load_snapshot  # noqa: E402
from sheets_plan.sheets.batches import batches  # noqa: E402
from sheets_plan.tabs import check_tab  # noqa: E402

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


def whole_write(rows: int):
    """The weekly job's write of a project typed below its provisioned rows (benchmarks/local.py's)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from local import AS_OF, make_project  # noqa: E402

    with tempfile.TemporaryDirectory() as tmp:
        path = make_project(Path(tmp), rows, typed_below=True)
        backend = LocalBackend(tmp)
        snap = load_snapshot(backend, path, load(), as_of=AS_OF)
        report = jobs.check_snapshot(snap)
        run_at = dt.datetime(2026, 3, 16, 9, 0)
        reqs = formula.render_requests(jobs.check_requests(backend, snap, report, run_at,
                                                           then=jobs.summary_requests(snap, report=report)), "ru_RU")
        uncapped = len(request_body(formula.render_requests(  # the Check tab of every flag, as before
            check_tab.check_tab_requests(snap, report, backend.cell_link, run_at, per=len(report.flags)), "ru_RU")))
    sent = batches(reqs)
    print(f"\n{'rows':>7}  {'flags':>7}  {'write MB':>8}  {'batchUpdates':>12}  {'largest MB':>10}  "
          f"{'Check tab of every flag MB':>26}")
    print(f"{rows:>7}  {len(report.flags):>7}  {len(request_body(reqs)) / 1e6:>8.3f}  {len(sent):>12}  "
          f"{max(len(request_body(b)) for b in sent) / 1e6:>10.3f}  {uncapped / 1e6:>26.1f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--typed-rows", type=int, default=100_000, help="the whole-write case (0: skip)")
    args = ap.parse_args()
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
    if args.typed_rows:
        whole_write(args.typed_rows)


if __name__ == "__main__":
    main()
