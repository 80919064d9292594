"""`sheets-plan remind` by e-mail, against a real SMTP server on localhost (aiosmtpd): each admin gets
one message with exactly her items, once; quiet hours hold it; a server that is down is exit 2 and
the next run sends; a contact's data never leaves in a reminder."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from sheets_plan import LocalBackend
from sheets_plan.channels.email import Mailer
from sheets_plan.cli.commands import cli
from sheets_plan.core.team import parse_team
from sheets_plan.jobs.demo import run_demo
from sheets_plan.jobs.remind import remind

DAY = dt.date(2026, 11, 26)
MSK = ZoneInfo("Europe/Moscow")
MORNING, NIGHT = dt.datetime(2026, 11, 26, 10, 0, tzinfo=MSK), dt.datetime(2026, 11, 26, 23, 30, tzinfo=MSK)


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        mail = email.message_from_bytes(envelope.content, policy=policy.default)
        mail["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(mail)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    inbox.controller = controller
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("remind") / "demo"
    run_demo(folder, locale="ru", as_of=DAY)
    return folder


@pytest.fixture
def workbook(demo_folder, tmp_path) -> Path:
    path = next(demo_folder.glob("*.xlsx"))
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    return copy


def team(port: int, **more) -> object:
    return parse_team({"reminders": {"from": "Контент-план <plan@agency.test>", "reply_to": "boss@agency.test"},
                       "smtp": {"host": "127.0.0.1", "port": port, "security": "none"},
                       "admins": {"Анна": {"email": "anna@agency.test", "accounts": ["VK"]},
                                  "Борис": {"email": "boris@agency.test", **more}}})


def run(path: Path, the_team, port: int, **kw):
    channels = {"email": Mailer(the_team.smtp, the_team.sender, the_team.reply_to)}
    return remind(LocalBackend(path.parent), str(path), team=the_team, channels=channels, as_of=DAY,
                  now=kw.pop("now", MORNING), **kw)


def body(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_each_admin_gets_one_message_with_exactly_her_items_and_a_second_run_sends_nothing(smtp, workbook):
    result = run(workbook, team(smtp.port), smtp.port)
    assert result.exit_code() == 0
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == ["anna@agency.test", "boris@agency.test"]
    for mail in smtp.messages:
        assert mail["Message-ID"] and mail["From"] == "Контент-план <plan@agency.test>"
        assert mail["Reply-To"] == "boss@agency.test" and mail.get_body(("html",)) is not None
    anna = next(m for m in smtp.messages if m["X-Envelope-To"] == "anna@agency.test")
    boris = next(m for m in smtp.messages if m["X-Envelope-To"] == "boris@agency.test")
    digest = {d.admin: d for d in result.digests}
    for mail, name, other in ((anna, "Анна", "Борис"), (boris, "Борис", "Анна")):
        text = body(mail)
        assert text.startswith(f"{name}, напоминание по проекту")
        for item in digest[name].items:
            assert item.text in text and item.where in text
        for item in digest[other].items:  # none of the other admin's
            assert f"{item.where}  {item.text}" not in text
    assert "Контент-план!K3" in body(anna) and "Контент-план!L8" in body(boris)
    assert "VK: нет строки с подписчиками" in body(anna)  # the VK account's weekly rows are Anna's

    again = run(workbook, team(smtp.port), smtp.port)
    assert len(smtp.messages) == 2 and all(d.why == "nothing new" for d in again.deliveries)


def test_a_server_that_is_down_is_exit_2_nothing_marked_and_the_next_run_sends(smtp, workbook):
    port = free_port()  # nobody listens there
    failed = run(workbook, team(port), port)
    assert failed.exit_code() == 2
    assert all(not d.ok and "does not answer" in d.why for d in failed.deliveries)
    sent = run(workbook, team(smtp.port), smtp.port)
    assert sent.exit_code() == 0 and len(smtp.messages) == 2


def test_quiet_hours_hold_the_digest_for_a_later_run(smtp, workbook):
    night = run(workbook, team(smtp.port), smtp.port, now=NIGHT)
    assert smtp.messages == [] and all("quiet hours" in d.why for d in night.deliveries)
    # Boris is in Vladivostok: 10:00 in Moscow is 17:00 there, not quiet; Anna's 06:30 is
    early = dt.datetime(2026, 11, 26, 6, 30, tzinfo=MSK)
    held = run(workbook, team(smtp.port, time_zone="Asia/Vladivostok"), smtp.port, now=early)
    assert [m["X-Envelope-To"] for m in smtp.messages] == ["boris@agency.test"]
    assert next(d for d in held.deliveries if d.admin == "Анна").why.startswith("quiet hours")
    run(workbook, team(smtp.port, time_zone="Asia/Vladivostok"), smtp.port)
    assert sorted(m["X-Envelope-To"] for m in smtp.messages) == ["anna@agency.test", "boris@agency.test"]


def test_a_contact_s_data_never_leaves_in_a_reminder(smtp, workbook):
    import openpyxl

    leads = openpyxl.load_workbook(workbook)["Лиды"]
    header = [c.value for c in leads[1]]
    personal = [leads.cell(row=r, column=header.index(h) + 1).value for r in range(2, leads.max_row + 1)
                for h in ("Телефон", "E-mail", "ФИО", "Профиль")]
    personal = [str(v) for v in personal if v]
    digits = {re.sub(r"\D", "", v)[-7:] for v in personal if len(re.sub(r"\D", "", v)) >= 7}
    assert len(personal) > 20 and len(digits) > 5  # the register is full of data: the test could fail
    run(workbook, team(smtp.port), smtp.port)
    for mail in smtp.messages:
        everything = mail.as_string() + body(mail) + mail.get_body(("html",)).get_content()
        assert not [v for v in personal if v in everything]
        assert not [d for d in digits if d in re.sub(r"\D", "", everything)]


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_demo_prints_the_digests_it_would_send(tmp_path, locale, monkeypatch):
    folder = tmp_path / "demo"
    run_demo(folder, locale=locale, as_of=DAY)
    admins = ("Анна", "Борис") if locale == "ru" else ("Anna", "Boris")
    # no quiet hours: the run's moment is the wall clock's, and 21:00-09:00 would hold the digests
    (folder / "team.toml").write_text(f'[reminders]\nquiet = "00:00-00:00"\nfrom = "plan@agency.test"\n'
                                      f'[smtp]\nhost = "127.0.0.1"\n'
                                      f'[admins."{admins[0]}"]\nemail = "a@agency.test"\n'
                                      f'[admins."{admins[1]}"]\ntelegram = 1001\n', encoding="utf-8")
    path = next(folder.glob("*.xlsx"))
    result = CliRunner().invoke(cli, ["remind", str(path), "--dry-run", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    out = result.output
    title = {"ru": "напоминание по проекту", "en": "reminders for"}[locale]
    assert out.count(title) == 2 and ("→ email" in out and "→ telegram" in out)
    assert ("Вера: нет в файле команды" if locale == "ru" else "Vera: not in the team file") in out
    assert not list(folder.glob(".*reminders.json"))  # a dry run remembers nothing


def test_each_channel_delivers_once_whatever_the_other_did(smtp, workbook):
    """`channel = "both"` with Telegram down: the e-mail goes once (not every hour until Telegram is back),
    Telegram gets the digest when it answers again, and neither repeats."""
    from sheets_plan.channels.telegram import Bot
    from sheets_plan_emulators.telegram import BotApiServer

    token = "123456:AAH-secret-bot-token"
    both = parse_team({"smtp": {"host": "127.0.0.1", "port": smtp.port, "security": "none"},
                       "reminders": {"from": "plan@agency.test"},
                       "admins": {"Анна": {"email": "anna@agency.test", "telegram": 1001, "channel": "both"}}})
    with BotApiServer() as bot:
        bot.add_bot(token, username="plan_bot")
        bot.add_chat(1001, first_name="Анна")
        bot.block(1001)  # Telegram refuses: the e-mail still goes

        def hourly():
            channels = {"email": Mailer(both.smtp, both.sender), "telegram": Bot(token, bot.url, sleep=lambda s: None)}
            return remind(LocalBackend(workbook.parent), str(workbook), team=both, channels=channels, as_of=DAY,
                          now=MORNING)

        first, second = hourly(), hourly()
        assert [(d.channel, d.ok) for d in first.deliveries] == [("email", True), ("telegram", False)]
        assert first.exit_code() == 2 and second.exit_code() == 2
        assert [m["X-Envelope-To"] for m in smtp.messages] == ["anna@agency.test"]  # once, not once an hour
        items = first.deliveries[0].items
        assert items > 0 and second.deliveries[0] == type(second.deliveries[0])("Анна", "email", 0, True, "nothing new")
        assert bot.messages.get(1001, []) == []
        bot.unblock(1001)
        third = hourly()
        assert third.exit_code() == 0 and len(bot.messages[1001]) == 1 and len(smtp.messages) == 1
        assert [(d.channel, d.items) for d in third.deliveries] == [("email", 0), ("telegram", items)]
        assert all(d.items == 0 for d in hourly().deliveries) and len(bot.messages[1001]) == 1
        assert bot.schema_errors == []


def test_a_state_file_of_before_channels_counts_as_sent_on_every_channel(tmp_path):
    from sheets_plan.jobs.remind import SentState

    path = tmp_path / "s.json"
    path.write_text('{"version": 1, "sent": {"анна": {"flag:stats:plan:K3": "2026-11-26T10:00"}}}', encoding="utf-8")
    state = SentState.load(path)
    assert state.has("Анна", "email", "flag:stats:plan:K3") and state.has("Анна", "telegram", "flag:stats:plan:K3")
    assert not state.has("Анна", "email", "flag:stats:plan:K4")


def test_a_team_file_is_checked_as_a_whole_one_line_a_mistake_and_exit_2(tmp_path, workbook):
    """port = "8025x", an address "anna at coffee", no sender: each one line naming file and key; exit 2
    (exit 1 means "flags found", which cron would not read as a failure)."""
    team_file = tmp_path / "team.toml"
    team_file.write_text('[smtp]\nhost = "127.0.0.1"\nport = "8025x"\n[admins."Анна"]\nemail = "anna at coffee"\n'
                         '[admins."Борис"]\nemail = "boris@agency.test"\nchannel = "both"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["remind", str(workbook), "--team", str(team_file), "--as-of", DAY.isoformat()])
    assert result.exit_code == 2 and "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [f"error: {team_file}: smtp.port: '8025x': a port number, e.g. 587",
                     f"{team_file}: admins.\"Анна\".email: 'anna at coffee': an e-mail address, e.g. anna@agency.com",
                     f"{team_file}: admins.\"Борис\".channel: both, but not both an email and a telegram are given",
                     f"{team_file}: reminders.from: missing: who the reminders come from, "
                     "e.g. \"Content plan <plan@agency.com>\""]


def test_a_digest_names_each_post_lists_a_cell_once_and_puts_late_weeks_to_fix(workbook):
    """A plan cell's item says which post (its day and topic); no cell is both "due soon" and "to fix";
    a week's Account row missing since before last week is late (to fix), not due."""
    the_team = team(9)
    result = remind(LocalBackend(workbook.parent), str(workbook), team=the_team, channels={}, as_of=DAY, now=MORNING,
                    dry_run=True)
    anna = next(d for d in result.digests if d.admin == "Анна")
    wrong = [i for i in anna.items if i.kind == "wrong" and i.where.startswith("Контент-план!")]
    assert wrong and all(re.search(r" — \d\d\.\d\d(, «[^»]+»)?$", i.text) for i in wrong), [i.text for i in wrong]
    for digest in result.digests:
        due = {i.where for i in digest.items if i.kind == "due"}
        assert not due & {i.where for i in digest.items if i.kind == "wrong"}
    vk = next(i for i in anna.items if i.text.startswith("VK: нет строки"))
    assert vk.kind == "wrong" and "02.11.2026" in vk.text  # three weeks late: to fix
