"""The Bot API test server (sheets_plan_emulators.telegram) over a real socket, with ``requests`` as the
product's channel uses it: Telegram's answers and errors, its length limits in UTF-16 code units, HTML
markup, flood control, the forms a request may take, and the schema check (aiogram 3.31.0, Bot API 10.3)
of every request and answer. The ``bot`` fixture fails a test that leaves a schema error it did not expect."""

from __future__ import annotations

import asyncio
import time

import pytest
import requests

from sheets_plan_emulators.telegram import BotApiServer, schema
from sheets_plan_emulators.telegram import methods as served

TOKEN = "123456:ABC-secret"
NOW = 1_717_243_200     # 2024-06-01 12:00 UTC


@pytest.fixture(scope="module", autouse=True)
def schema_loaded():
    """Importing aiogram builds all of its models (about 4 s): once per module, outside any test's time."""
    assert schema.find("sendMessage") is not None


@pytest.fixture
def bot():
    with BotApiServer(clock=lambda: NOW) as server:
        server.add_bot(TOKEN, first_name="Напоминалка", username="plan_reminder_bot")
        server.add_chat(1001, first_name="Анна")
        server.block(1002)
        yield server
        assert [str(p) for p in server.schema_errors] == []
        assert server.crashes == []


def call(bot: BotApiServer, method: str = "sendMessage", token: str = TOKEN, **params) -> requests.Response:
    return requests.post(f"{bot.url}/bot{token}/{method}", json=params, timeout=5)


def error(response: requests.Response) -> tuple[int, str]:
    body = response.json()
    assert body["ok"] is False and body["error_code"] == response.status_code
    assert response.headers["Content-Type"] == "application/json"
    return response.status_code, body["description"]


def provoked(bot: BotApiServer, count: int) -> list[str]:
    """The schema errors a test provoked on purpose, taken off so the fixture's check sees the rest."""
    taken = [str(p) for p in bot.schema_errors]
    assert len(taken) == count, taken
    bot.schema_errors.clear()
    return taken


# ============================================================================ delivery

def test_the_brief_example_delivers_and_answers_a_message_as_telegram(bot):
    assert bot.url.startswith("http://127.0.0.1:") and bot.port > 0
    answer = call(bot, chat_id=1001, text="hi")
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "result": {
        "message_id": 1, "date": NOW, "text": "hi",
        "from": {"id": 123456, "is_bot": True, "first_name": "Напоминалка", "username": "plan_reminder_bot"},
        "chat": {"id": 1001, "first_name": "Анна", "type": "private"}}}
    assert call(bot, chat_id=1001, text="again").json()["result"]["message_id"] == 2
    assert bot.messages[1001] == ["hi", "again"] and bot.messages[1002] == []


def test_the_product_s_parameters_are_taken_and_html_gives_entities(bot):
    answer = call(bot, chat_id=1001, text="<b>План</b> на <i>неделю</i> &amp; <a href=\"https://ex.am/p\">ссылка</a>",
                  parse_mode="HTML", link_preview_options={"is_disabled": True}, disable_notification=True)
    message = answer.json()["result"]
    assert message["text"] == "План на неделю & ссылка"
    assert message["entities"] == [{"offset": 0, "length": 4, "type": "bold"},
                                   {"offset": 8, "length": 6, "type": "italic"},
                                   {"offset": 17, "length": 6, "type": "text_link", "url": "https://ex.am/p"}]
    assert message["link_preview_options"] == {"is_disabled": True}
    assert bot.messages[1001] == ["План на неделю & ссылка"]
    assert bot.sent[1001][0] == message


@pytest.mark.parametrize("markup, entity", [
    ("<strong>x</strong>", {"type": "bold"}), ("<em>x</em>", {"type": "italic"}),
    ("<ins>x</ins>", {"type": "underline"}), ("<u>x</u>", {"type": "underline"}),
    ("<del>x</del>", {"type": "strikethrough"}), ("<strike>x</strike>", {"type": "strikethrough"}),
    ("<s>x</s>", {"type": "strikethrough"}), ("<code>x</code>", {"type": "code"}),
    ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler"}), ('<span class="tg-spoiler">x</span>', {"type": "spoiler"}),
    ("<pre>x</pre>", {"type": "pre"}),
    ('<pre><code class="language-python">x</code></pre>', {"type": "pre", "language": "python"}),
    ("<blockquote>x</blockquote>", {"type": "blockquote"}),
    ("<blockquote expandable>x</blockquote>", {"type": "expandable_blockquote"}),
    ('<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>', {"type": "custom_emoji",
                                                              "custom_emoji_id": "5368324170671202286"}),
])
def test_every_supported_tag_makes_its_entity(bot, markup, entity):
    message = call(bot, chat_id=1001, text=markup, parse_mode="HTML").json()["result"]
    assert message["text"] == "x" and message["entities"] == [{"offset": 0, "length": 1, **entity}]


def test_text_is_trimmed_and_entity_offsets_count_utf16_units(bot):
    message = call(bot, chat_id=1001, text="\n 😀 <b>Анна</b>  \n", parse_mode="html").json()["result"]
    assert message["text"] == "😀 Анна"
    assert message["entities"] == [{"offset": 3, "length": 4, "type": "bold"}]   # the emoji is two units


# ============================================================================ Telegram's errors

def test_an_unknown_token_is_401(bot):
    assert error(call(bot, token="123456:wrong", chat_id=1001, text="hi")) == (401, "Unauthorized")
    assert error(call(bot, "getMe", token="nonsense")) == (401, "Unauthorized")


def test_an_unknown_method_is_404_and_an_unserved_bot_api_method_501(bot):
    assert error(call(bot, "sendMesage", chat_id=1001, text="hi")) == (404, "Not Found")
    assert error(requests.get(f"{bot.url}/nothing", timeout=5)) == (404, "Not Found")
    status, description = error(call(bot, "sendPhoto", chat_id=1001, photo="x"))
    assert status == 501 and "sendPhoto" in description
    assert bot.requests[-1].refused == "method sendPhoto"


def test_an_unknown_chat_is_400_and_a_blocked_user_403(bot):
    assert error(call(bot, chat_id=1003, text="hi")) == (400, "Bad Request: chat not found")
    assert error(call(bot, chat_id="@anna", text="hi")) == (400, "Bad Request: chat not found")
    assert error(call(bot, chat_id=1002, text="hi")) == (403, "Forbidden: bot was blocked by the user")
    bot.add_chat(1004, first_name="Борис", started=False)
    assert error(call(bot, chat_id=1004, text="hi")) == (403, "Forbidden: bot can't initiate conversation with a user")
    bot.unblock(1002)
    assert call(bot, chat_id=1002, text="hi").status_code == 200
    assert bot.messages == {1001: [], 1002: ["hi"], 1004: []}


def test_an_empty_text_is_400(bot):
    for text in ("", " \n ", "<b></b>"):
        assert error(call(bot, chat_id=1001, text=text, parse_mode="HTML")) == (400, "Bad Request: message text is empty")
    assert error(call(bot, chat_id=1001)) == (400, "Bad Request: message text is empty")
    assert provoked(bot, 1) == ['request of sendMessage: missing required parameter "text"']
    assert error(call(bot, text="hi")) == (400, "Bad Request: chat_id is empty")
    provoked(bot, 1)


@pytest.mark.parametrize("fits, too_long", [
    ("a" * 4096, "a" * 4097),
    ("я" * 4096, "я" * 4097),                   # 8192 bytes of UTF-8 fit: Telegram does not count bytes
    ("😀" * 2048, "😀" * 2048 + "a"),            # 2049 code points do not fit: an emoji is two UTF-16 units
    ("<b>" + "a" * 4096 + "</b>", "<b>" + "a" * 4097 + "</b>"),    # tags are not text
    ("&amp;" * 4096, "&amp;" * 4097),           # an entity is one character
])
def test_4096_utf16_units_after_entities_parsing_pass_and_one_more_fails(bot, fits, too_long):
    answer = call(bot, chat_id=1001, text=fits, parse_mode="HTML")
    assert answer.status_code == 200, answer.text
    assert error(call(bot, chat_id=1001, text=too_long, parse_mode="HTML")) == (400, "Bad Request: message is too long")
    assert len(bot.messages[1001]) == 1


@pytest.mark.parametrize("markup, why", [
    ("<b>unclosed", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
    ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
    ("Анна <p>x</p>", 'Unsupported start tag "p" at byte offset 9'),      # bytes of UTF-8, as tdlib counts
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("x</b>", "Unexpected end tag at byte offset 1"),
    ("<b", "Unclosed start tag at byte offset 0"),
    ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
])
def test_malformed_html_is_400_can_t_parse_entities(bot, markup, why):
    assert error(call(bot, chat_id=1001, text=markup, parse_mode="HTML")) == (
        400, f"Bad Request: can't parse entities: {why}")
    assert call(bot, chat_id=1001, text=markup).json()["result"]["text"] == markup     # no parse mode: as is


def test_parse_modes_other_than_html(bot):
    assert error(call(bot, chat_id=1001, text="x", parse_mode="HTM")) == (400, "Bad Request: unsupported parse_mode")
    assert error(call(bot, chat_id=1001, text="*x*", parse_mode="MarkdownV2"))[0] == 501
    assert bot.requests[-1].refused == "parse_mode MarkdownV2"


def test_parameters_that_are_not_emulated_are_refused(bot):
    keyboard = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    assert error(call(bot, chat_id=1001, text="x", reply_markup=keyboard))[0] == 501
    assert bot.requests[-1].refused == "sendMessage's reply_markup" and bot.messages[1001] == []


# ============================================================================ flood control, faults

def test_flood_control_answers_429_with_retry_after_then_delivers(bot):
    bot.limit(1001, retry_after=3, times=2)
    for _ in range(2):
        answer = call(bot, chat_id=1001, text="hi")
        assert answer.status_code == 429
        assert answer.json() == {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 3",
                                 "parameters": {"retry_after": 3}}
    assert call(bot, chat_id=1001, text="hi").status_code == 200
    assert bot.messages[1001] == ["hi"] and [r.status for r in bot.requests] == [429, 429, 200]


def test_a_fault_hook_answers_instead_of_the_method(bot):
    seen = []

    def hook(request):
        seen.append((request.method, request.params.get("chat_id")))
        return (400, "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": -1001234}) if request.params.get("text") == "fail" else None

    bot.inject(hook)
    answer = call(bot, chat_id=1001, text="fail")
    assert answer.status_code == 400 and answer.json()["parameters"] == {"migrate_to_chat_id": -1001234}
    assert call(bot, chat_id=1001, text="fine").status_code == 200
    bot.inject(None)
    assert call(bot, chat_id=1001, text="fail").status_code == 200
    assert seen == [("sendMessage", 1001), ("sendMessage", 1001)] and bot.messages[1001] == ["fine", "fail"]


# ============================================================================ getMe, request forms

def test_get_me_answers_the_bot_as_a_user(bot):
    me = requests.get(f"{bot.url}/bot{TOKEN}/getMe", timeout=5).json()
    assert me["ok"] is True
    assert {k: me["result"][k] for k in ("id", "is_bot", "first_name", "username")} == {
        "id": 123456, "is_bot": True, "first_name": "Напоминалка", "username": "plan_reminder_bot"}
    assert me["result"]["can_join_groups"] is True and me["result"]["supports_inline_queries"] is False
    assert all(isinstance(v, bool) for k, v in me["result"].items() if k not in ("id", "first_name", "username"))


def test_form_encoded_query_string_multipart_and_json_bodies(bot):
    url = f"{bot.url}/bot{TOKEN}/sendMessage"
    form = {"chat_id": "1001", "text": "<b>форма</b>", "parse_mode": "HTML", "disable_notification": "true",
            "link_preview_options": '{"is_disabled": true}'}
    answer = requests.post(url, data=form, timeout=5).json()["result"]
    assert answer["text"] == "форма" and answer["link_preview_options"] == {"is_disabled": True}
    assert requests.get(url, params={"chat_id": 1001, "text": "запрос"}, timeout=5).status_code == 200
    assert requests.post(url, files={"chat_id": (None, "1001"), "text": (None, "части")}, timeout=5).status_code == 200
    assert requests.post(url, json={"chat_id": "1001", "text": "json"}, timeout=5).status_code == 200
    assert requests.post(f"{bot.url}/bot{TOKEN}/SENDMESSAGE", json={"chat_id": 1001, "text": "ВСЕ"},
                         timeout=5).status_code == 200      # the Bot API's method names are case-insensitive
    assert bot.messages[1001] == ["форма", "запрос", "части", "json", "ВСЕ"]
    assert [r.http_method for r in bot.requests] == ["POST", "GET", "POST", "POST", "POST"]
    assert bot.requests[0].params == form and bot.count("sendMessage") == 5


def test_a_kept_alive_session_is_answered_at_once(bot):
    """requests' Session reuses its connection: each answer must not wait out a delayed ACK (Nagle)."""
    session = requests.Session()
    started = time.monotonic()
    for i in range(20):
        assert session.post(f"{bot.url}/bot{TOKEN}/sendMessage", json={"chat_id": 1001, "text": f"m{i}"},
                            timeout=5).status_code == 200
    assert time.monotonic() - started < 0.5      # 20 × ~40 ms with Nagle's algorithm on
    session.close()
    assert len(bot.messages[1001]) == 20


def test_a_body_that_is_not_a_json_object_is_400(bot):
    answer = requests.post(f"{bot.url}/bot{TOKEN}/sendMessage", data=b"[1, 2]",
                           headers={"Content-Type": "application/json"}, timeout=5)
    assert error(answer) == (400, "Bad Request: can't parse JSON object")


def test_requests_are_recorded_without_the_token(bot):
    call(bot, chat_id=1001, text="hi")
    call(bot, token="999:other", chat_id=1001, text="hi")
    assert [(r.method, r.params, r.status, r.bot_id) for r in bot.requests] == [
        ("sendMessage", {"chat_id": 1001, "text": "hi"}, 200, 123456),
        ("sendMessage", {"chat_id": 1001, "text": "hi"}, 401, None)]
    assert "ABC-secret" not in repr(bot.requests) and "other" not in repr(bot.requests)


def test_aiogram_s_own_client_talks_to_it(bot):
    """aiogram's Bot (its own HTTP session and answer parsing) as an independent client of the server."""
    from aiogram import Bot
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer

    async def talk():
        client = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(bot.url)))
        try:
            return await client.get_me(), await client.send_message(1001, "<i>из aiogram</i>", parse_mode="HTML")
        finally:
            await client.session.close()

    me, message = asyncio.run(talk())
    assert me.username == "plan_reminder_bot" and message.text == "из aiogram"
    assert message.from_user.id == 123456 and message.entities[0].type == "italic"


# ============================================================================ the schema

def test_the_schema_refuses_an_unknown_parameter_at_any_depth(bot):
    assert error(call(bot, chat_id=1001, text="x", disable_notifications=True)) == (
        400, 'Bad Request: "disable_notifications" is not declared by SendMessage')
    assert error(call(bot, chat_id=1001, text="x", link_preview_options={"is_disabeld": True}))[0] == 400
    assert provoked(bot, 2) == [
        'request of sendMessage: "disable_notifications" is not declared by SendMessage',
        'request of sendMessage: "link_preview_options.is_disabeld" is not declared by LinkPreviewOptions']
    assert error(requests.get(f"{bot.url}/bot{TOKEN}/getMe", params={"x": 1}, timeout=5))[0] == 400
    provoked(bot, 1)
    assert bot.messages[1001] == []


def test_the_schema_refuses_a_wrong_type(bot):
    assert error(call(bot, chat_id=1001, text="x", disable_notification="maybe")) == (
        400, 'Bad Request: parameter "disable_notification": Input should be a valid boolean, unable to interpret input')
    assert error(call(bot, chat_id=1001, text=5))[0] == 400          # Telegram would take it: a client's bug
    assert error(call(bot, chat_id=[1001], text="x"))[0] == 400
    assert error(requests.post(f"{bot.url}/bot{TOKEN}/sendMessage", timeout=5,
                               data={"chat_id": 1001, "text": "x", "link_preview_options": "{oops"})) == (
        400, "Bad Request: can't parse link preview options JSON object")
    assert len(provoked(bot, 4)) == 4 and bot.messages[1001] == []


def test_the_schema_catches_a_planted_bad_answer(bot, monkeypatch):
    planted = served.message_of

    def with_a_stray_key(*args):
        return {**planted(*args), "views": 1}       # a channel post's counter: a Message has none

    monkeypatch.setattr(served, "message_of", with_a_stray_key)
    answer = call(bot, chat_id=1001, text="hi")
    assert answer.status_code == 500 and answer.json()["ok"] is False
    assert provoked(bot, 1) == ['answer of sendMessage: "result.views" is not declared by Message']


def test_the_schema_catches_a_bad_fault_answer_and_a_wrong_json_kind(bot):
    bot.inject(lambda request: (429, "Too Many Requests: retry after 3", {"retry_after": "3"}))
    assert call(bot, chat_id=1001, text="hi").status_code == 500
    assert provoked(bot, 1) == [
        "answer of sendMessage: parameters.retry_after: a JSON str where the schema has int | None"]
    bot.inject(None)
    bot.add_chat(1005, first_name=5)        # a mistake in the set-up surfaces as the answer's
    assert call(bot, chat_id=1005, text="hi").status_code == 500
    assert len(provoked(bot, 2)) == 2       # the strict walk's and pydantic's
