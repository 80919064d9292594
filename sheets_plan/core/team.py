"""The team's settings file (``team.toml``), which the manager keeps beside the projects: how each
admin is reached (e-mail, Telegram, quiet hours, which accounts' weekly rows are theirs), the mail
and Telegram settings, and the agency's name, logo and colour for the client's report.

Secrets are never in it: the SMTP password and the Telegram bot token come from the environment.
Admins are named as in the Responsible dropdown (letter case aside). Pure: TOML text in.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sheets_plan.errors import RunError

CHANNELS = ("email", "telegram", "both")
SECURITY = ("starttls", "ssl", "none")
_QUIET = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True)
class Admin:
    name: str
    email: str | None = None
    telegram: int | str | None = None
    channel: str | None = None          # None: e-mail if given, else Telegram
    time_zone: str | None = None        # None: the team's
    quiet: tuple[dt.time, dt.time] | None = None
    accounts: tuple[str, ...] = ()      # platforms whose weekly Account rows are this admin's ("all": every one)

    def channels(self) -> tuple[str, ...]:
        if self.channel == "both":
            return tuple(c for c, to in (("email", self.email), ("telegram", self.telegram)) if to)
        if self.channel:
            return (self.channel,) if getattr(self, self.channel) else ()
        return ("email",) if self.email else ("telegram",) if self.telegram else ()


@dataclass(frozen=True)
class Team:
    path: str = ""
    agency: str = ""
    logo: str | None = None
    colour: str = "#2E7D32"
    time_zone: str = "Europe/Moscow"
    quiet: tuple[dt.time, dt.time] = (dt.time(21), dt.time(9))
    sender: str = ""                    # From: "Content plan <plan@agency.com>"
    reply_to: str | None = None
    smtp: dict = field(default_factory=dict)       # host, port, security, username
    telegram_api: str = "https://api.telegram.org"
    admins: tuple[Admin, ...] = ()
    targets: dict = field(default_factory=dict)    # the report's targets: figure -> value

    def admin(self, name: str) -> Admin | None:
        return next((a for a in self.admins if a.name.casefold() == name.strip().casefold()), None)

    def quiet_for(self, admin: Admin) -> tuple[dt.time, dt.time]:
        return admin.quiet or self.quiet

    def zone_for(self, admin: Admin) -> ZoneInfo:
        return ZoneInfo(admin.time_zone or self.time_zone)


def in_quiet_hours(moment: dt.datetime, quiet: tuple[dt.time, dt.time]) -> bool:
    """Whether a local time falls in quiet hours (21:00-09:00 spans midnight)."""
    start, end, now = quiet[0], quiet[1], moment.time()
    return (start <= now or now < end) if start > end else start <= now < end


def load_team(path: str | Path | None) -> Team:
    """The team file, checked; no file at the default place is an empty team (nobody to remind)."""
    if path is None:
        return Team()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise RunError(f"{path}: cannot read the team file: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise RunError(f"{path}: not valid TOML: {e}") from None
    return parse_team(data, str(path))


def parse_team(data: dict, where: str = "team.toml") -> Team:
    def fail(key: str, why: str):
        raise RunError(f"{where}: {key}: {why}")

    unknown = set(data) - {"agency", "reminders", "smtp", "telegram", "admins", "targets"}
    if unknown:
        fail(sorted(unknown)[0], "unknown section; one of agency, reminders, smtp, telegram, admins, targets")
    agency, reminders = data.get("agency", {}), data.get("reminders", {})
    zone = _zone(reminders.get("time_zone", "Europe/Moscow"), "reminders.time_zone", fail)
    colour = agency.get("colour", agency.get("color", "#2E7D32"))
    if not _COLOUR.fullmatch(str(colour)):
        fail("agency.colour", f"{colour!r}: give it as #RRGGBB")
    smtp = dict(data.get("smtp", {}))
    if smtp and smtp.get("security", "starttls") not in SECURITY:
        fail("smtp.security", f"one of {', '.join(SECURITY)}")
    admins = tuple(_admin(name, entry, fail) for name, entry in data.get("admins", {}).items())
    folded = [a.name.casefold() for a in admins]
    if len(set(folded)) != len(folded):
        fail("admins", "two admins differ only in letter case")
    return Team(where, str(agency.get("name", "")), agency.get("logo"), str(colour), zone,
                _quiet(reminders.get("quiet", "21:00-09:00"), "reminders.quiet", fail), str(reminders.get("from", "")),
                reminders.get("reply_to"), smtp, str(data.get("telegram", {}).get("api_url", "https://api.telegram.org")),
                admins, dict(data.get("targets", {})))


def _admin(name: str, entry, fail) -> Admin:
    where = f'admins."{name}"'
    if not isinstance(entry, dict):
        fail(where, "must be a table")
    unknown = set(entry) - {"email", "telegram", "channel", "time_zone", "quiet", "accounts"}
    if unknown:
        fail(f"{where}.{sorted(unknown)[0]}", "unknown key")
    channel = entry.get("channel")
    if channel is not None and channel not in CHANNELS:
        fail(f"{where}.channel", f"one of {', '.join(CHANNELS)}")
    if channel in ("email", "telegram") and not entry.get(channel):
        fail(f"{where}.channel", f"{channel}, but no {channel} is given")
    accounts = entry.get("accounts", ())
    accounts = ("all",) if accounts == "all" else tuple(accounts)
    return Admin(name, entry.get("email"), entry.get("telegram"), channel,
                 _zone(entry["time_zone"], f"{where}.time_zone", fail) if "time_zone" in entry else None,
                 _quiet(entry["quiet"], f"{where}.quiet", fail) if "quiet" in entry else None, accounts)


def _zone(text, key: str, fail) -> str:
    try:
        ZoneInfo(str(text))
    except (ZoneInfoNotFoundError, ValueError):
        fail(key, f"unknown time zone {text!r}")
    return str(text)


def _quiet(text, key: str, fail) -> tuple[dt.time, dt.time]:
    m = _QUIET.fullmatch(str(text))
    if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
        fail(key, f"{text!r}: give it as HH:MM-HH:MM, e.g. 21:00-09:00")
    return dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]), int(m[4]))
