"""`sheets-plan remind` by Telegram, against a local server speaking the Bot API (every request and
answer checked against aiogram's Bot API 10.3 models): one message per admin with her items, once;
flood control waited out; a digest over 4096 characters split between its lines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sheets_plan import LocalBackend
from sheets_plan.channels.base import Message
from sheets_plan.channels.telegram import Bot, split, visible_length
from sheets_plan.core.team import parse_team
from sheets_plan.jobs.demo import run_demo
from sheets_plan.jobs.remind import remind
from sheets_plan_emulators.telegram import BotApiServer

DAY = dt.date(2026, 11, 26)
MORNING = dt.datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Moscow"))
TOKEN = "123456:AAH-secret-bot-token"


@pytest.fixture
def bot():
    with BotApiServer() as server:
        server.add_bot(TOKEN, username="plan_bot")
        server.add_chat(1001, first_name="Анна")
        server.add_chat(1002, first_name="Борис")
        yield server
        assert server.schema_errors == []


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("tg") / "demo"
    return Path(run_demo(folder, locale="ru", as_of=DAY).path)


@pytest.fixture
def workbook(demo, tmp_path) -> Path:
    copy = tmp_path / demo.name
    copy.write_bytes(demo.read_bytes())
    return copy


TEAM = parse_team({"admins": {"Анна": {"telegram": 1001}, "Борис": {"telegram": 1002, "channel": "telegram"}}})


def run(path, bot, waits=None):
    channel = Bot(TOKEN, bot.url, sleep=(waits.append if waits is not None else (lambda s: None)))
    return remind(LocalBackend(path.parent), str(path), team=TEAM, channels={"telegram": channel}, as_of=DAY,
                  now=MORNING)


def test_each_admin_gets_her_items_by_telegram_once(bot, workbook):
    result = run(workbook, bot)
    assert result.exit_code() == 0
    digest = {d.admin: d for d in result.digests}
    for chat, name, other in ((1001, "Анна", "Борис"), (1002, "Борис", "Анна")):
        text = "\n".join(bot.messages[chat])
        assert text.startswith(f"{name}, напоминание по проекту")
        assert all(i.text in text for i in digest[name].items)
        assert not any(f"{i.where}: {i.text}" in text for i in digest[other].items)
    assert [r.method for r in bot.requests] == ["sendMessage", "sendMessage"]
    assert all(TOKEN not in str(r.params) for r in bot.requests)
    again = run(workbook, bot)
    assert len(bot.requests) == 2 and all(d.why == "nothing new" for d in again.deliveries)


def test_flood_control_is_waited_out_then_sent(bot, workbook):
    bot.limit(1001, retry_after=3, times=1)
    waits: list[float] = []
    result = run(workbook, bot, waits)
    assert result.exit_code() == 0 and waits == [3.0]
    assert [r.status for r in bot.requests if r.params.get("chat_id") in (1001, "1001")] == [429, 200]
    assert len(bot.messages[1001]) == 1


def test_a_blocked_bot_is_exit_2_not_marked_and_tried_again(bot, workbook):
    bot.block(1002)
    failed = run(workbook, bot)
    assert failed.exit_code() == 2
    assert next(d for d in failed.deliveries if d.admin == "Борис").why.endswith("Forbidden: bot was blocked by the user")
    bot.unblock(1002)
    again = run(workbook, bot)
    assert again.exit_code() == 0 and len(bot.messages[1002]) == 1 and len(bot.messages[1001]) == 1


def test_a_digest_over_4096_characters_goes_in_parts_cut_between_lines(bot):
    lines = [f"• <b>Контент-план!K{r}</b>: статистика к завтрашнему сроку — «тема {r}» 😀 &amp; ещё" for r in range(400)]
    html = "\n".join(lines)
    assert visible_length(html) > 3 * 4096
    parts = split(html)
    assert len(parts) >= 4 and all(visible_length(p) <= 4096 for p in parts)
    assert "\n".join(parts) == html  # nothing lost, every cut between two lines
    ids = Bot(TOKEN, bot.url).send(Message("1001", "s", "t", html))
    assert len(ids) == len(parts) and len(bot.messages[1001]) == len(parts)
    assert all(r.status == 200 for r in bot.requests)
