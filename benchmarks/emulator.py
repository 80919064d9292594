"""Benchmark of the emulator's formulas and structural edits.

One Russian project on the emulator per plan size: the weekly job (its
reads now compute the Plan's formula columns), then what a person does in
Sheets and what reading the computed Weekly tab costs:

* weekly job: ``jobs.run_project`` through the GoogleBackend (2 reads, 1 write);
* Weekly values: ``values.get`` of the whole Weekly tab, UNFORMATTED (every
  SUMIFS/COUNTIFS/INDEX formula computed once, then memoized);
* insert column: an ``insertDimension`` before Likes (every reference to the
  Plan in every formula moved);
* sort plan: a ``sortRange`` of the Plan by date, descending.

    python benchmarks/emulator.py [--rows 200 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulators"))  # the emulators as in the checkout

from sheets_plan.jobs import project as jobs  # noqa: E402
from sheets_plan.jobs.demo import fill_rows, sample_rows  # noqa: E402
from sheets_plan.backends.google import GoogleBackend, connect  # noqa: E402
from sheets_plan.jobs.provision import provision  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan_emulators.google import Emulator  # noqa: E402

AS_OF = dt.date(2026, 3, 16)
RUN_AT = dt.datetime(2026, 3, 16, 9, 0)


def timed(f) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def measure(rows: int) -> dict:
    template = load()
    emu = Emulator()
    folder = emu.add_folder("Team")
    backend = GoogleBackend(connect(session=emu.session(), per_minute=None)[0], folder=folder)
    sid = provision(backend, "Кофейня", admins=["Аня", "Боря"], locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    plan = (plan * (rows // len(plan) + 1))[:rows]
    emu.spreadsheets[sid].batch_update([{"appendDimension": {"sheetId": 1001, "dimension": "ROWS",
                                                             "length": rows}}])
    fill_rows(backend, sid, template, plan, account)
    out = {"rows": rows}
    out["weekly job"] = timed(lambda: jobs.run_project(backend, sid, template=template, as_of=AS_OF,
                                                       run_at=RUN_AT))
    sh = emu.client().open_by_key(sid)
    weekly = sh.worksheet("Статистика по неделям")
    out["Weekly values"] = timed(lambda: weekly.get_all_values(value_render_option="UNFORMATTED_VALUE"))
    likes = sh.worksheet("Контент-план").row_values(1).index("Лайки")
    out["insert column"] = timed(lambda: sh.batch_update({"requests": [{"insertDimension": {
        "range": {"sheetId": 1001, "dimension": "COLUMNS", "startIndex": likes, "endIndex": likes + 1}}}]}))
    out["sort plan"] = timed(lambda: sh.batch_update({"requests": [{"sortRange": {
        "range": {"sheetId": 1001, "startRowIndex": 1, "endRowIndex": rows + 1},
        "sortSpecs": [{"dimensionIndex": 0, "sortOrder": "DESCENDING"}]}}]}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[200, 2000])
    args = parser.parse_args()
    results = [measure(n) for n in args.rows]
    keys = ["weekly job", "Weekly values", "insert column", "sort plan"]
    print("| plan rows | " + " | ".join(keys) + " |")
    print("|---:|" + "---:|" * len(keys))
    for r in results:
        print(f"| {r['rows']} | " + " | ".join(f"{r[k]:.2f} s" for k in keys) + " |")


if __name__ == "__main__":
    main()
