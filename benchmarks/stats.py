"""Benchmark: VK statistics for 500 posts of three communities (a project each), through the real
vk_api client against the VK emulator at VK's pace (vk_api waits 0.34 s between requests, VK's 3 a
second for a user token), beside what the same figures cost without `execute` and call by call.

    python benchmarks/stats.py [--posts 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "emulators"))  # the emulators as in the checkout

from sheets_plan import LocalBackend, provision  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan.jobs.demo import fill_rows  # noqa: E402
from sheets_plan.jobs.stats import stats  # noqa: E402
from sheets_plan.sheets.values import serial  # noqa: E402
from sheets_plan.sources.vk import POSTS_PER_CALL, REACH_PER_CALL, VkSource  # noqa: E402
from sheets_plan_emulators.vk import VkEmulator  # noqa: E402

AS_OF = dt.date(2026, 3, 18)
MSK = ZoneInfo("Europe/Moscow")
COMMUNITIES = (101, 202, 303)


def world(posts: int) -> tuple[VkEmulator, dict[int, list[tuple[int, dt.date]]]]:
    emu = VkEmulator()
    per = {c: [] for c in COMMUNITIES}
    for c in COMMUNITIES:
        emu.add_community(c, f"Community {c}", members=1000 + c)
        emu.add_token(f"token-{c}", community=c, scopes={"wall", "stats", "groups"})
    for i in range(posts):
        c = COMMUNITIES[i % len(COMMUNITIES)]
        day = dt.date(2026, 1, 5) + dt.timedelta(days=(i // 3) % 60)
        emu.add_post(-c, 1000 + i, date=dt.datetime.combine(day, dt.time(12), MSK), likes=i % 90, comments=i % 7,
                     reposts=i % 5, views=500 + i, reach=400 + i, reach_subscribers=200)
        per[c].append((1000 + i, day))
    return emu, per


def projects(folder: Path, per: dict[int, list[tuple[int, dt.date]]]) -> dict[int, str]:
    template = load()
    backend = LocalBackend(folder)
    out = {}
    for c, posts in per.items():
        path = provision(backend, f"Project {c}", admins=["Anna"], locale="en", template=template)
        rows = [[serial(day), None, "VK", "post", None, f"topic {n}", "text", "Anna", "published",
                 f"https://vk.com/wall-{c}_{n}"] + [None] * 6 for n, day in posts]
        fill_rows(backend, path, template, rows, [])
        out[c] = path
    return out


def main():
    args = argparse.ArgumentParser()
    args.add_argument("--posts", type=int, default=500)
    n = args.parse_args().posts
    emu, per = world(n)
    with tempfile.TemporaryDirectory() as tmp:
        paths = projects(Path(tmp), per)
        tokens = {str(-c): f"token-{c}" for c in COMMUNITIES}
        start = time.perf_counter()
        filled = 0
        for c, path in paths.items():
            result = stats(LocalBackend(Path(tmp)), path, sources=[VkSource(tokens, session=emu.session())],
                           as_of=AS_OF, apply=True)
            filled += len(result.plan.fills)
        wall = time.perf_counter() - start
    assert emu.schema_errors == [], emu.schema_errors
    sent = emu.count("execute", batched=False)
    calls = sum(math.ceil(len(p) / POSTS_PER_CALL) + math.ceil(len(p) / REACH_PER_CALL) + 1 for p in per.values())
    rows = [("execute, 25 calls a request (sheets-plan)", sent, wall),
            ("one call a request", calls, calls / 3), ("a request per post and figure (naive)", 2 * n + 3, (2 * n + 3) / 3)]
    print(f"{n} posts in {len(COMMUNITIES)} communities (a project each), {filled} cells filled; VK: 3 requests/s\n")
    print(f"{'strategy':<44}{'requests':>9}{'seconds':>9}")
    for name, count, seconds in rows:
        print(f"{name:<44}{count:>9}{seconds:>9.1f}")
    print("\n(seconds: measured for sheets-plan, the whole run with vk_api's pacing; the others at 3 a second)")


if __name__ == "__main__":
    main()
