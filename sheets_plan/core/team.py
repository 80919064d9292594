"""The team's settings file (``team.toml``), which the manager keeps beside the projects: how each
admin is reached (e-mail, Telegram, quiet hours, which accounts' weekly rows are theirs), the mail
and Telegram settings, the agency's name, logo and colour for the client's report, and which
projects keep their contacts in AmoCRM (``crm_map``).

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

from .crm_map import CrmMap, crm_maps

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
    crm: dict[str, CrmMap] = field(default_factory=dict)  # project name (casefolded) -> its AmoCRM map

    def crm_for(self, project: str) -> CrmMap | None:
        """The project's AmoCRM map, or None when it keeps its contacts in the Leads tab."""
        return self.crm.get(project.strip().casefold())

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


SECTIONS = ("agency", "reminders", "smtp", "telegram", "admins", "targets", "amocrm", "projects")
SMTP_KEYS = {"host", "port", "security", "username"}


def parse_team(data: dict, where: str = "team.toml") -> Team:
    """The team file, checked as a whole: every mistake is a line (file: key: what is expected), all
    of them in one RunError."""
    problems: list[str] = []

    def fail(key: str, why: str):
        problems.append(f"{where}: {key}: {why}")

    for key in sorted(set(data) - set(SECTIONS)):
        fail(key, f"unknown section; one of {', '.join(SECTIONS)}")
    agency, reminders = _table(data, "agency", fail), _table(data, "reminders", fail)
    zone = _zone(reminders.get("time_zone", "Europe/Moscow"), "reminders.time_zone", fail)
    colour = agency.get("colour", agency.get("color", "#2E7D32"))
    if not _COLOUR.fullmatch(str(colour)):
        fail("agency.colour", f"{colour!r}: give it as #RRGGBB")
    smtp = _smtp(_table(data, "smtp", fail), fail)
    admins = tuple(a for a in (_admin(name, entry, fail) for name, entry in _table(data, "admins", fail).items()) if a)
    folded = [a.name.casefold() for a in admins]
    if len(set(folded)) != len(folded):
        fail("admins", "two admins differ only in letter case")
    sender = str(reminders.get("from", ""))
    if sender and not _address(sender):
        fail("reminders.from", f"{sender!r}: an e-mail address, e.g. \"Content plan <plan@agency.com>\"")
    if any("email" in a.channels() for a in admins) and not sender:
        fail("reminders.from", "missing: who the reminders come from, e.g. \"Content plan <plan@agency.com>\"")
    if any("email" in a.channels() for a in admins) and not smtp.get("host"):
        fail("smtp.host", "missing: the mail server that sends the reminders")
    reply_to = reminders.get("reply_to")
    if reply_to is not None and not _address(str(reply_to)):
        fail("reminders.reply_to", f"{reply_to!r}: an e-mail address")
    quiet = _quiet(reminders.get("quiet", "21:00-09:00"), "reminders.quiet", fail)
    crm = crm_maps(data, fail)
    telegram, targets = _table(data, "telegram", fail), _table(data, "targets", fail)
    if problems:
        raise RunError("\n".join(problems))
    return Team(where, str(agency.get("name", "")), agency.get("logo"), str(colour), zone, quiet, sender,
                reply_to, smtp, str(telegram.get("api_url", "https://api.telegram.org")), admins, dict(targets), crm)


def _table(data: dict, key: str, fail) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        fail(key, "must be a table")
        return {}
    return value


def _smtp(smtp: dict, fail) -> dict:
    for key in sorted(set(smtp) - SMTP_KEYS):
        fail(f"smtp.{key}", f"unknown key; one of {', '.join(sorted(SMTP_KEYS))} (the password comes from the environment)")
    if smtp.get("security", "starttls") not in SECURITY:
        fail("smtp.security", f"one of {', '.join(SECURITY)}")
    port = smtp.get("port")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
        fail("smtp.port", f"{port!r}: a port number, e.g. 587")
    return dict(smtp)


def _address(text: str) -> bool:
    """An e-mail address, bare or with a name ("Plan <plan@agency.com>"), by its syntax (a team's own
    test domains, e.g. agency.test, included: where it is delivered is the mail server's business)."""
    from email.utils import parseaddr

    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(parseaddr(text)[1], check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        return False
    return True


def _admin(name: str, entry, fail) -> Admin | None:
    where = f'admins."{name}"'
    if not isinstance(entry, dict):
        fail(where, "must be a table")
        return None
    for key in sorted(set(entry) - {"email", "telegram", "channel", "time_zone", "quiet", "accounts"}):
        fail(f"{where}.{key}", "unknown key; one of email, telegram, channel, time_zone, quiet, accounts")
    channel = entry.get("channel")
    if channel is not None and channel not in CHANNELS:
        fail(f"{where}.channel", f"one of {', '.join(CHANNELS)}")
    if channel in ("email", "telegram") and not entry.get(channel):
        fail(f"{where}.channel", f"{channel}, but no {channel} is given")
    if channel == "both" and not (entry.get("email") and entry.get("telegram")):
        fail(f"{where}.channel", "both, but not both an email and a telegram are given")
    if "email" in entry and not (isinstance(entry["email"], str) and _address(entry["email"])):
        fail(f"{where}.email", f"{entry['email']!r}: an e-mail address, e.g. anna@agency.com")
    telegram = entry.get("telegram")
    if telegram is not None and not (isinstance(telegram, int) and not isinstance(telegram, bool)
                                     or isinstance(telegram, str) and telegram.startswith("@")):
        fail(f"{where}.telegram", f"{telegram!r}: the chat's number (from the bot) or @channel")
    accounts = entry.get("accounts", ())
    accounts = ("all",) if accounts == "all" else tuple(accounts) if isinstance(accounts, list) else ()
    return Admin(name, entry.get("email"), telegram, channel,
                 _zone(entry["time_zone"], f"{where}.time_zone", fail) if "time_zone" in entry else None,
                 _quiet(entry["quiet"], f"{where}.quiet", fail) if "quiet" in entry else None, accounts)


def _zone(text, key: str, fail) -> str:
    try:
        ZoneInfo(str(text))
    except (ZoneInfoNotFoundError, ValueError):
        fail(key, f"unknown time zone {text!r}")
        return "Europe/Moscow"
    return str(text)


def _quiet(text, key: str, fail) -> tuple[dt.time, dt.time]:
    m = _QUIET.fullmatch(str(text))
    if not m or int(m[1]) > 23 or int(m[3]) > 23 or int(m[2]) > 59 or int(m[4]) > 59:
        fail(key, f"{text!r}: give it as HH:MM-HH:MM, e.g. 21:00-09:00")
        return dt.time(21), dt.time(9)
    return dt.time(int(m[1]), int(m[2])), dt.time(int(m[3]), int(m[4]))
