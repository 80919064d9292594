"""Benchmark: how fast a command starts. `sheets-plan --help`, and the weekly job on a 2 000-row
project as a command (`sheets-plan weekly --dir`), each a whole process, in this checkout and, side
by side in one run, in an earlier commit (a git worktree of `--against`): wall time (median of
`--runs`) and the modules imported before the command's work (`-X importtime`).

    python benchmarks/startup.py [--against eb64ad2] [--rows 2000] [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from local import make_project  # noqa: E402
from worktree import tree_at  # noqa: E402

RUN = ("import sys; sys.path.insert(0, {tree!r}); sys.argv = ['sheets-plan', *{args!r}]; "
       "from sheets_plan.cli import main; main()")


def timed(tree: Path, args: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", RUN.format(tree=str(tree), args=args)], capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def imported(tree: Path) -> int:
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", RUN.format(tree=str(tree), args=["--help"])],
                          capture_output=True, text=True)
    return sum(1 for line in done.stderr.splitlines() if line.startswith("import time:")) - 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="eb64ad2", help="the commit to compare with (a git worktree of it)")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp, tree_at(args.against) as before:
        made = Path(tmp) / "made"
        make_project(made, args.rows)
        rows = []
        for name, tree in ((args.against, before), ("this tree", ROOT)):
            plans = Path(tmp) / f"plans-{name.replace(' ', '-')}"
            shutil.copytree(made, plans)
            weekly = ["weekly", "--dir", str(plans), "--as-of", "2026-03-16"]
            timed(tree, weekly, 1)  # the first run writes the tool's tabs: time steady runs
            rows.append((name, timed(tree, ["--help"], args.runs), imported(tree), timed(tree, weekly, args.runs)))
    print(f"{'tree':>10} {'--help s':>9} {'modules':>8} {'weekly ' + str(args.rows) + ' rows s':>20}")
    for name, help_s, modules, weekly_s in rows:
        print(f"{name:>10} {help_s:>9.2f} {modules:>8} {weekly_s:>20.2f}")


if __name__ == "__main__":
    main()
