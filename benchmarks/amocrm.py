"""Benchmark: the weekly job on a project whose contacts are in AmoCRM, an account of 10 000 leads
(with their contacts) and 30 000 stage changes, through the product's AmoCRM client against the
AmoCRM emulator at AmoCRM's pace (7 requests a second, on a clock the client and the emulator share,
so the pace is counted, not waited): the first run (everything read) and a second one after 50
changes (only what changed read), each in a fresh process. Requests, the seconds those requests
take at 7 a second (the pauses the client makes), the product's own seconds (the run's wall time
less the emulator's serving, which checks every answer against the API description), and the
process's peak memory (with the emulator's account, given apart), side by side in one run.

    python benchmarks/amocrm.py [--leads 10000] [--moves 30000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "emulators"))

from sheets_plan import LocalBackend, provision  # noqa: E402
from sheets_plan.core.team import parse_team  # noqa: E402
from sheets_plan.jobs import project as jobs  # noqa: E402
from sheets_plan.jobs.crm import CrmLink  # noqa: E402
from sheets_plan_emulators.amocrm import LOST, AmoEmulator  # noqa: E402
from sheets_plan_emulators.core import FakeClock  # noqa: E402

AS_OF = dt.date(2026, 11, 26)
MSK = ZoneInfo("Europe/Moscow")
STATUSES = ["Первичный контакт", "Тёплый лид", "Переговоры", "Заявка"]
ADMINS = {"Анна": "Анна Смирнова", "Борис": "Борис Кузнецов", "Вера": "Вера Попова"}


def account(leads: int, moves: int, clock: FakeClock) -> AmoEmulator:
    rnd = random.Random(5)
    emu = AmoEmulator(clock=clock)
    acc = emu.add_account("bench")
    users = [acc.add_user(name) for name in ADMINS.values()]
    pipe = acc.add_pipeline("Воронка", STATUSES)
    ids = [acc.status_id(pipe, s) for s in STATUSES] + [LOST]
    profile = acc.add_field("contacts", "Профиль", "url")
    start = dt.datetime.combine(AS_OF - dt.timedelta(weeks=26), dt.time(9), MSK).timestamp()
    span = dt.datetime.combine(AS_OF, dt.time(9), MSK).timestamp() - start
    made = []
    for n in range(leads):
        at = int(start + rnd.random() * span)
        contact = acc.add_contact(f"Контакт {n}", phones=[f"+7 9{rnd.randrange(10, 99)} {rnd.randrange(100, 999)}-"
                                                         f"{rnd.randrange(10, 99)}-{rnd.randrange(10, 99)}"],
                                  values={profile: f"https://vk.com/id{n}"}, at=at)
        made.append(acc.add_lead(f"#{n}", pipeline=pipe, status=ids[0], responsible=users[n % 3], contact=contact,
                                 at=at, tags=[rnd.choice(["Instagram", "VK", "Telegram"])]))
    for _ in range(moves):
        lead = rnd.choice(made)
        row = acc.leads[lead]
        acc.move_lead(lead, rnd.choice(ids), at=min(row["updated_at"] + rnd.randrange(3600, 5 * 86400),
                                                    int(start + span)))
    for lead in made[: leads // 3]:
        acc.add_task(lead, "Связаться", responsible=acc.leads[lead]["responsible_user_id"],
                     complete_till=int(start + span) + 86400)
    emu.add_token("bench-token", "bench")
    return emu


def rss_peak_mb() -> float:
    """This process's peak resident memory so far (VmHWM)."""
    return int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) / 1024


def child(which: str, folder: Path, leads: int, moves: int) -> dict:
    """One run in this (fresh) process: the account made again from its seed, and for the second run
    the 50 changes made; the workbook and the project's state are the first run's, on disk."""
    clock = FakeClock(dt.datetime.combine(AS_OF, dt.time(12), MSK).timestamp())
    emu = account(leads, moves, clock)
    if which == "second":
        acc, rnd = emu.accounts["bench"], random.Random(9)
        clock.advance(3600)
        pipe = next(iter(acc.pipelines))
        for lead in rnd.sample(list(acc.leads), 50):
            acc.move_lead(lead, acc.status_id(pipe, STATUSES[1]))
        clock.advance(5)
    base = rss_peak_mb()
    team = parse_team({"projects": {"Bench": {"amocrm": {
        "subdomain": "bench", "token_env": "T", "pipeline": "Воронка",
        "stages": {"dialog": [STATUSES[0]], "warm_lead": [STATUSES[1]], "application": [STATUSES[3]],
                   "refusal": ["Закрыто и не реализовано"]},
        "admins": ADMINS, "profile_field": "Профиль"}}}})
    link = CrmLink(team, session=emu.session(), clock=clock, sleep=clock.sleep, env={"T": "bench-token"},
                   state=folder / "state.json")
    start = time.perf_counter()
    result = jobs.run_project(LocalBackend(folder), str(folder / "Bench.xlsx"), as_of=AS_OF, crm=link)
    wall = time.perf_counter() - start
    return {"requests": len(emu.requests), "paced s": sum(clock.slept), "product s": wall - emu.serving,
            "emulator s": emu.serving, "peak MB": rss_peak_mb(), "account MB": base,
            "leads": len(result.snapshot.crm.leads), "schema problems": len(emu.schema_errors)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--moves", type=int, default=30_000)
    parser.add_argument("--child", choices=("first", "second"), help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, Path(args.dir), args.leads, args.moves)))
        return
    print(f"account: {args.leads} leads with their contacts, {args.moves} stage changes, a third with an open task")
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        provision(LocalBackend(tmp), "Bench", admins=list(ADMINS), locale="ru")
        for which in ("first", "second"):
            done = subprocess.run([sys.executable, __file__, "--child", which, "--dir", tmp, "--leads", str(args.leads),
                                   "--moves", str(args.moves)], capture_output=True, text=True, check=True)
            rows[which] = json.loads(done.stdout.strip().splitlines()[-1])
    keys = list(rows["first"])
    print(f"{'':>18}" + "".join(f"{k:>16}" for k in keys))
    for name, row in (("first run", rows["first"]), ("second (50 moved)", rows["second"])):
        print(f"{name:>18}" + "".join(f"{row[k]:>16.1f}" if isinstance(row[k], float) else f"{row[k]:>16}"
                                      for k in keys))
    print("paced s: what the requests take at 7 a second; product s: the run's wall time less the emulator's;"
          "\npeak MB: the process's peak resident memory (VmHWM), the emulator's account (account MB) included")


if __name__ == "__main__":
    main()
