"""An AmoCRM account like the demo's in the emulator, and a project that reads it: the demo workbook
(its Leads tab empty), a team file mapping it to the emulated account, a CrmLink over the emulator's
session sharing one moved clock (the 7-a-second pace without waiting)."""

from __future__ import annotations

import datetime as dt
import json
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sheets_plan_emulators.amocrm import AmoEmulator
from sheets_plan_emulators.core import FakeClock

from sheets_plan.core.team import parse_team
from sheets_plan.jobs.crm import CrmLink
from sheets_plan.jobs.demo import run_demo
from sheets_plan.jobs.demo_crm import demo_answers

DAY = dt.date(2026, 11, 26)
TOKEN = "amo-long-lived-token-0f9e8d7c"   # never to appear in any output
ENV = "AMO_TEST_TOKEN"


@dataclass
class Crm:
    emu: AmoEmulator
    clock: FakeClock
    link: CrmLink
    path: Path                # the workbook
    answers: dict             # what the account holds (its people's data, for the leak checks)

    @property
    def account(self):
        return self.emu.accounts["zerno"]

    def fresh_link(self, **changes) -> CrmLink:
        self.clock.advance(2)  # another run, seconds later: the pace starts afresh
        return CrmLink(**{**self.link.__dict__, **changes})

    def personal(self) -> list[str]:
        """Every name, phone, e-mail and profile the account holds (and each phone's last seven digits)."""
        out = []
        for c in self.answers["contacts"]:
            out += [c["name"]] if len(c["name"]) > 3 else []
            for v in c.get("custom_fields_values") or []:
                out += [str(x["value"]) for x in v["values"] if len(str(x["value"])) > 5]
        return out


def emulated(tmp_path: Path, locale: str = "ru", wall_clock: bool = False, **team_changes) -> Crm:
    """`wall_clock`: the emulator keeps real time (for the command line, whose client paces by it)."""
    folder = tmp_path / "demo"
    made = run_demo(folder, locale=locale, as_of=DAY, crm=True)
    # the demo's team file, pointed at the emulated account instead of its recorded answers (which take
    # no writes: a live account takes the admins' tasks)
    team_changes = {"tasks": "alongside", **team_changes}
    path = folder / "team.toml"
    text = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("recorded"))
    lines = [line for line in text.splitlines() if line.split(" = ")[0] not in team_changes]
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in team_changes.items()]
    path.write_text("\n".join(lines).replace('subdomain = "demo"', f'subdomain = "zerno"\ntoken_env = "{ENV}"')
                    + "\n", encoding="utf-8")
    team = parse_team(tomllib.loads(path.read_text(encoding="utf-8")), str(path))
    clock = FakeClock(dt.datetime.combine(DAY, dt.time(12), ZoneInfo("Europe/Moscow")).timestamp())
    emu = AmoEmulator(clock=time.time if wall_clock else clock)
    answers = demo_answers(locale, DAY)
    emu.add_account("zerno").load(answers)
    emu.add_token(TOKEN, "zerno")
    pace = (time.monotonic, time.sleep) if wall_clock else (clock, clock.sleep)  # the emulator's time, shared
    link = CrmLink(team, session=emu.session(), clock=pace[0], sleep=pace[1], env={ENV: TOKEN},
                   state=tmp_path / "amocrm-state.json")
    return Crm(emu, clock, link, Path(made.path), answers)
