"""The team file and the channels its admins are reached by, for `remind` and `weekly --remind`."""

from __future__ import annotations

import os
from pathlib import Path

from sheets_plan.errors import RunError


def team_file(given: str | None, target: str | None, folder: str) -> str:
    """--team, else team.toml beside the workbook, in the folder, or here."""
    if given:
        return given
    places = [Path(target).parent if target and Path(target).suffix else None, Path(folder), Path(".")]
    for place in places:
        if place is not None and (place / "team.toml").is_file():
            return str(place / "team.toml")
    raise RunError("no team file: write team.toml (admins' e-mails and Telegram chats) or pass --team FILE")


def crm_link(given: str | None, target: str | None, folder: str = "."):
    """How the jobs reach the projects' AmoCRM: the team file's maps (--team, else team.toml beside the
    workbook, in the folder, or here, when there is one), or None when no project is mapped."""
    from sheets_plan.core.team import load_team
    from sheets_plan.jobs.crm import crm_of

    try:
        path = team_file(given, target, folder)
    except RunError:
        return None  # no team file: every project keeps its contacts in the Leads tab
    return crm_of(load_team(path))


def channels_for(team) -> dict:
    """The channels the team's admins use; one that cannot be set up fails each send with why."""
    from sheets_plan.channels.base import SendError
    from sheets_plan.channels.email import PASSWORD_ENV, Mailer
    from sheets_plan.channels.telegram import TOKEN_ENV, Bot

    class Failing:
        def __init__(self, why: str):
            self.why = why

        def send(self, message):
            raise SendError(self.why)

    made = {}
    for way, make in (("email", lambda: Mailer(team.smtp, team.sender, team.reply_to, os.environ.get(PASSWORD_ENV))),
                      ("telegram", lambda: Bot(os.environ.get(TOKEN_ENV), team.telegram_api))):
        if any(way in a.channels() for a in team.admins):
            try:
                made[way] = make()
            except SendError as e:
                made[way] = Failing(str(e))
    return made
