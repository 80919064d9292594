"""Benchmark: how long the summary tabs' formulas are, and what LibreOffice takes to recalculate them.

For the demo workbook and a 2 000-row project (Russian), per formula tab (Weekly, KPI, What works): the formulas, the
longest (characters), the share of formulas within 150 characters, those over 500, the total
formula text; then the whole workbook's recalculation in LibreOffice headless (a conversion
to xlsx, which recalculates every formula). Run against this checkout and, side by side, an
earlier commit (a git worktree of `--against`, default HEAD), so one run shows before and after.

    python benchmarks/formulas.py [--against HEAD~1] [--rows 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from worktree import tree_at

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 26)

# Runs in a subprocess with the measured tree first on sys.path: prints one JSON line.
MEASURE = r"""
import datetime as dt, json, sys, tempfile, time
from pathlib import Path
import openpyxl
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[4])  # this checkout's LibreOffice helpers (emulators/), whichever tree is measured
from sheets_plan.backends.local import LocalBackend
try:
    from sheets_plan.core.template_load import load
except ImportError:  # a tree from before the loader had its own module
    from sheets_plan.core.template import load
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.jobs.provision import provision
from sheets_plan_emulators.office.recalc import recalculate
as_of, rows = dt.date.fromisoformat(sys.argv[2]), int(sys.argv[3])
out = {}
with tempfile.TemporaryDirectory() as tmp:
    made = {"demo": str(demo.run_demo(Path(tmp) / "demo", locale="ru", as_of=as_of).path)}
    template, backend = load(), LocalBackend(Path(tmp) / "big")
    path = provision(backend, "Big", admins=["Аня", "Боря", "Вера"], locale="ru", template=template)
    plan, account = demo.sample_rows(template, "ru", as_of)
    demo.fill_rows(backend, path, template, (plan * (rows // len(plan) + 1))[:rows], account)
    jobs.run_project(backend, path, as_of=as_of)
    made[f"{rows} rows"] = path
    for case, p in made.items():
        tabs = {}
        for ws in openpyxl.load_workbook(p).worksheets:
            sizes = [len(c.value) for row in ws.iter_rows() for c in row
                     if isinstance(c.value, str) and c.value.startswith("=")]
            if ws.title in ("Статистика по неделям", "KPI", "Что работает") and sizes:
                tabs[ws.title] = [len(sizes), max(sizes), sum(s <= 150 for s in sizes) / len(sizes),
                                  sum(s > 500 for s in sizes), sum(sizes)]
        start = time.perf_counter()
        recalculate(Path(p), Path(tmp) / "out")
        out[case] = {"tabs": tabs, "recalc": time.perf_counter() - start}
print(json.dumps(out))
"""


def measure(tree: Path, rows: int) -> dict:
    done = subprocess.run([sys.executable, "-c", MEASURE, str(tree), AS_OF.isoformat(), str(rows),
                           str(ROOT / "emulators")],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="HEAD", help="the commit to compare with (a git worktree of it)")
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    with tree_at(args.against) as before:
        results = {args.against: measure(before, args.rows), "this tree": measure(ROOT, args.rows)}
    print(f"{'tree':>10} {'workbook':>10} {'tab':>22} {'formulas':>8} {'longest':>7} {'≤150':>6} {'>500':>5} "
          f"{'total KB':>8} {'recalc s':>8}")
    for tree, cases in results.items():
        for case, got in cases.items():
            for tab, (n, longest, short, over, total) in got["tabs"].items():
                print(f"{tree:>10} {case:>10} {tab:>22} {n:>8} {longest:>7} {short:>6.0%} {over:>5} "
                      f"{total / 1000:>8.0f} {got['recalc']:>8.1f}")


if __name__ == "__main__":
    main()
