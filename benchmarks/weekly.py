"""Benchmark of the weekly job.

1. 100 projects on the emulator with a simulated 60-requests-per-minute
   quota: requests in all, failed projects, simulated minutes (the pacer
   and the emulator share a fake clock, so waiting costs no real time).
2. 100 local workbooks of 2 000 plan rows each: wall time of the job.

    python benchmarks/weekly.py [--projects 100] [--rows 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulators"))  # the emulators as in the checkout

from sheets_plan.jobs import folder as job  # noqa: E402
from sheets_plan.jobs.demo import fill_rows, sample_rows  # noqa: E402
from sheets_plan.backends.google import GoogleBackend, connect  # noqa: E402
from sheets_plan.backends.local import LocalBackend  # noqa: E402
from sheets_plan.jobs.provision import provision  # noqa: E402
from sheets_plan.backends.retry import Pacer, RetryPolicy  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan_emulators.google import Emulator  # noqa: E402

AS_OF = dt.date(2026, 3, 16)
RUN_AT = dt.datetime(2026, 3, 16, 9, 0)


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float):
        self.now += seconds


def rows_for(template, n: int, seed: int):
    plan, account = sample_rows(template, "ru", AS_OF, seed=seed)
    return (plan * (n // max(len(plan), 1) + 1))[:n], account


def emulator_run(projects: int) -> dict:
    template = load()
    clock = FakeClock()
    emu = Emulator(quota_per_minute=60, clock=clock)
    folder = emu.add_folder("Team")
    for i in range(projects):  # set-up through the emulator's model, outside the measured run
        sid = emu.create_spreadsheet(f"Project {i:03d}", folder, locale="ru_RU", time_zone="Europe/Moscow",
                                     app_properties={"project": f"Project {i:03d}", "template": template.name,
                                                     "version": template.version, "tool": "sheets-plan"})
        setup = GoogleBackend(connect(session=emu.session(), per_minute=None)[0], folder=folder)
        emu.quota_per_minute = None
        provision(setup, f"Project {i:03d}", template=template)
        plan, account = rows_for(template, 60, i)
        fill_rows(setup, sid, template, plan, account)
        emu.quota_per_minute = 60
    emu.requests.clear()
    client, _ = connect(session=emu.session(), per_minute=60)
    client.http_client.configure(RetryPolicy(seed=1), Pacer(60, clock=clock, sleep=clock.sleep), sleep=clock.sleep)
    backend = GoogleBackend(client, folder=folder)
    start_sim, start = clock.now, time.perf_counter()
    results = job.weekly(backend, template=template, as_of=AS_OF, run_at=RUN_AT)
    return {"requests": len(emu.requests), "throttled (429)": emu.count(status=429),
            "failed projects": sum(not r.ok for r in results),
            "simulated minutes": round((clock.now - start_sim) / 60, 1),
            "wall s": round(time.perf_counter() - start, 1)}


def local_run(projects: int, rows: int) -> dict:
    template = load()
    with tempfile.TemporaryDirectory() as tmp:
        backend = LocalBackend(tmp)
        for i in range(projects):
            path = provision(backend, f"Project {i:03d}", admins=["Анна", "Борис"], template=template)
            plan, account = rows_for(template, rows, i)
            fill_rows(backend, path, template, plan, account)
            provision(backend, f"Project {i:03d}", template=template)
        start = time.perf_counter()
        results = job.weekly(LocalBackend(tmp), template=template, as_of=AS_OF, run_at=RUN_AT)
        wall = time.perf_counter() - start
    return {"failed projects": sum(not r.ok for r in results), "wall s": round(wall, 1),
            "s per project": round(wall / projects, 2)}


def table(title: str, row: dict):
    print(f"\n{title}")
    width = max(map(len, row))
    for k, v in row.items():
        print(f"  {k:<{width}}  {v}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=100)
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--local-projects", type=int, default=None)
    args = ap.parse_args()
    n = args.projects
    g = emulator_run(n)
    g["target"] = f"≤ {3 * n + (n // 1000 + 1)} requests, 0 failed"
    table(f"Google (emulator), {n} projects, 60 requests/min", g)
    table(f"Local, {args.local_projects or n} workbooks × {args.rows} rows", local_run(args.local_projects or n, args.rows))


if __name__ == "__main__":
    main()
