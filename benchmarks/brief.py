"""Benchmark: the client's weekly report (`sheets-plan brief`): one report, and a folder of 50
projects, PDF and HTML, time per report (each project of the demo's sample rows: 3 accounts,
3 admins, a register).

    python benchmarks/brief.py [--projects 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets_plan import LocalBackend, provision  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan.jobs.brief import brief  # noqa: E402
from sheets_plan.jobs.demo import fill_rows, sample_leads, sample_rows  # noqa: E402

AS_OF = dt.date(2026, 11, 26)


def make(folder: Path, n: int) -> list[str]:
    template = load()
    backend = LocalBackend(folder)
    plan, account = sample_rows(template, "ru", AS_OF)
    leads = sample_leads(template, "ru", AS_OF)
    out = []
    for i in range(n):
        path = provision(backend, f"Проект {i + 1:02d}", admins=["Анна", "Борис", "Вера"], locale="ru", template=template)
        fill_rows(backend, path, template, plan, account, leads)
        out.append(path)
    return out


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--projects", type=int, default=50)
    n = args.parse_args().projects
    with tempfile.TemporaryDirectory() as tmp:
        paths = make(Path(tmp) / "plans", n)
        backend = LocalBackend(Path(tmp) / "plans")
        rows = []
        for fmt in ("pdf", "html"):
            start = time.perf_counter()
            brief(backend, paths[0], as_of=AS_OF, fmt=fmt, out=Path(tmp) / "one")
            first = time.perf_counter() - start  # with the first imports (WeasyPrint, matplotlib) and font cuts
            times = []
            for path in paths:
                start = time.perf_counter()
                brief(backend, path, as_of=AS_OF, fmt=fmt, out=Path(tmp) / fmt)
                times.append(time.perf_counter() - start)
            rows.append((fmt, first, sum(times), statistics.median(times), max(times)))
    print(f"{n} projects (the demo's rows: 3 accounts, 3 admins, a register), one report each\n")
    print(f"{'format':<8}{'first s':>9}{'all s':>9}{'median s':>10}{'max s':>8}")
    for fmt, first, total, median, top in rows:
        print(f"{fmt:<8}{first:>9.2f}{total:>9.1f}{median:>10.2f}{top:>8.2f}")


if __name__ == "__main__":
    main()
