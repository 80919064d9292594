"""Benchmark of local workbooks: the product's run beside reading the same file with python-calamine.

Each figure is measured in a fresh child process (wall time and that process's
peak RSS, VmHWM), with the product's modules imported before the clock starts:

* the weekly job (validate + summarize, one write) on one project of
  200, 2 000 and 20 000 plan rows;
* `validate` (check, Check tab, Log row) on 100 000 plan rows;
* `validate --format json` (the command, in the same process) on 100 000 rows typed below the
  provisioned ones: the computed columns to write on every row, ~3 flags a row;
* beside each: the time to read the same workbook's Plan, Account and Log
  tabs with python-calamine alone (the floor of any reader).

    python benchmarks/local.py [--rows 200,2000,20000] [--validate-rows 100000]
    python benchmarks/local.py --against REV     # each figure of REV's tree beside this one's, in one run
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from sheets_plan.jobs.demo import fill_rows  # noqa: E402
from validate import ADMINS, make_plan  # noqa: E402
from sheets_plan.backends.local import LocalBackend  # noqa: E402
from sheets_plan.jobs.provision import provision  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from worktree import tree_at  # noqa: E402

AS_OF = dt.date(2026, 3, 16)
CHILD = """
import json, sys, time, datetime as dt
sys.path.insert(0, {root!r})
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs import project as jobs
import contextlib, os
import python_calamine
import sheets_plan.backends.xlsx.write, openpyxl.chart  # imported on first use: not part of a run's time
from sheets_plan.cli.commands import cli
path, what = sys.argv[1], sys.argv[2]
as_of = dt.date(2026, 3, 16)
start = time.perf_counter()
if what == "weekly":
    jobs.run_project(LocalBackend(), path, as_of=as_of)
elif what == "validate":
    jobs.validate(LocalBackend(), path, as_of=as_of)
elif what == "validate-json":  # the command itself, `validate --format json`, its output to /dev/null
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        try:
            cli.main(["validate", path, "--as-of", "2026-03-16", "--format", "json"], prog_name="sheets-plan")
        except SystemExit as e:
            if e.code not in (0, 1):  # 0 or 1: checked; anything else did not run
                raise
else:
    wb = python_calamine.CalamineWorkbook.from_path(path)
    for name in wb.sheet_names[:2] + wb.sheet_names[4:5]:
        wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
wall = time.perf_counter() - start
# VmHWM, not ru_maxrss: after fork ru_maxrss starts from the parent's size (this script's, with the 100 000 rows
# it made); the high-water mark of the exec'd image is this run's own
peak = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0])
print(json.dumps({{"wall": wall, "rss_mb": peak / 1024}}))
"""


def make_project(folder: Path, rows: int, typed_below: bool = False) -> str:
    """A provisioned project whose admins typed `rows` plan rows (validate.py's plans: ~10 % slips).
    `typed_below`: typed below the provisioned rows (no provision after: the tool's computed columns
    are missing there), with three stats left out of each published post (~3 flags a row)."""
    template = load()
    backend = LocalBackend(folder)
    path = provision(backend, f"Bench {rows}", admins=ADMINS, locale="ru", template=template)
    plan, account = make_plan(template, rows)
    inputs = len(template.tab("plan").input_columns)
    typed = [r[:inputs] for r in plan.values[1:]]
    if typed_below:
        likes = [c.key for c in template.tab("plan").input_columns].index("likes")
        typed = [r[:likes] + [None, None, None] + r[likes + 3:] if len(r) > likes else r for r in typed]
    fill_rows(backend, path, template, typed, account.values[1:])
    if not typed_below:
        provision(backend, f"Bench {rows}", template=template)  # formulas and dropdowns down to the last row
    return path


def measure(path: str, what: str, root: Path = ROOT) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(root)), path, what],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def steady(path: str, what: str, typed_below: bool, root: Path = ROOT) -> dict:
    if not typed_below:
        measure(path, what, root)  # a first run writes the tool tabs: measure a steady weekly run
    return measure(path, what, root)  # typed below: the first run, which writes every missing formula


def compare(cases, against: str) -> None:
    """Each case run by `against`'s tree and by this one, each on its own copy of the same workbook."""
    print(f"{'job':>13} {'rows':>7} {'wall s before':>14} {'after':>7} {'peak MB before':>15} {'after':>6}")
    with tree_at(against) as before, tempfile.TemporaryDirectory() as tmp:
        for what, rows, typed_below in cases:
            path = make_project(Path(tmp) / f"{what}{rows}", rows, typed_below)
            other = str(Path(path).with_name("before.xlsx"))
            shutil.copy(path, other)
            was, now = steady(other, what, typed_below, before), steady(path, what, typed_below)
            label = what + (" *" if typed_below else "")
            print(f"{label:>13} {rows:>7} {was['wall']:>14.3f} {now['wall']:>7.3f} {was['rss_mb']:>15.0f} "
                  f"{now['rss_mb']:>6.0f}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="200,2000,20000")
    ap.add_argument("--validate-rows", type=int, default=100_000)
    ap.add_argument("--typed-rows", type=int, default=100_000, help="the typed-below case (0: skip)")
    ap.add_argument("--against", help="an earlier commit: its figures beside this tree's, in one run")
    args = ap.parse_args()
    cases = [("weekly", int(n), False) for n in args.rows.split(",") if n] + [("validate", args.validate_rows, False)]
    if args.typed_rows:
        cases.append(("validate-json", args.typed_rows, True))
    if args.against:
        return compare(cases, args.against)
    print(f"{'job':>13} {'rows':>7} {'wall s':>8} {'peak MB':>8} {'calamine s':>11} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for what, rows, typed_below in cases:
            path = make_project(Path(tmp) / f"{what}{rows}", rows, typed_below)
            floor = measure(path, "calamine")  # the same file, before the run writes to it
            if not typed_below:
                measure(path, what)  # a first run writes the tool tabs: measure a steady weekly run
            got = measure(path, what)  # typed below: the first run, which writes every missing formula
            label = what + (" *" if typed_below else "")
            print(f"{label:>13} {rows:>7} {got['wall']:>8.3f} {got['rss_mb']:>8.0f} {floor['wall']:>11.3f} "
                  f"{got['wall'] / floor['wall']:>5.1f}×", flush=True)
    if args.typed_rows:
        print("\n* typed below the provisioned rows (the computed columns missing), ~3 flags a row: the first run")


if __name__ == "__main__":
    main()
