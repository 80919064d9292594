"""Telegram's Bot API (10.3), served locally for tests and strict like Telegram: a real HTTP server on
127.0.0.1 (a free port, a background thread), so the product's own HTTP code reaches it unmodified, with
the server's ``url`` as the API base (as a local Bot API server is configured)::

    from sheets_plan_emulators.telegram import BotApiServer
    with BotApiServer() as bot:                       # starts on a free port; .url = "http://127.0.0.1:PORT"
        bot.add_bot("123456:ABC-secret")              # a bot token it accepts
        bot.add_chat(1001, first_name="Анна")         # a private chat with a user who started the bot
        bot.block(1002)                               # a user who blocked the bot: 403
        requests.post(f"{bot.url}/bot123456:ABC-secret/sendMessage", json={"chat_id": 1001, "text": "hi"})
        bot.messages[1001]                            # the texts delivered to that chat, in order
        assert bot.schema_errors == []

Served: ``sendMessage`` and ``getMe`` (names case-insensitive, GET or POST, parameters in the query string,
a JSON body, an urlencoded or a multipart form). Errors as Telegram answers them, the HTTP status equal to
``error_code``: an unknown token 401, an unknown method 404, an unknown chat 400 "chat not found", a user
who blocked the bot 403 (``block``) or never started it 403 (``add_chat(..., started=False)``), an empty text
or one over 4096 UTF-16 code units after entities parsing 400, bad HTML markup 400 "can't parse entities".
Flood control: ``bot.limit(chat_id, retry_after=N, times=K)`` (429 with ``parameters.retry_after``); any other
fault: ``bot.inject(hook)``, the hook given each BotRequest and returning ``(status, description[,
parameters])`` or None. Records: ``bot.requests`` (method, params, status; never the token),
``bot.messages`` (texts) and ``bot.sent`` (Message objects) by chat, ``bot.schema_errors``, ``bot.crashes``.

Schema: every request and every answer is checked against aiogram's generated models (``aiogram==3.31.0``,
Bot API 10.3), strictly (a key a model does not declare too; see ``schema``). A request's violation is
recorded and answered 400 "Bad Request: ..."; an answer's, the server's own bug, is recorded and answered 500.

Stricter than Telegram, on purpose: Telegram ignores a parameter it does not know and reads a number for a
String; here both are schema errors (400), to catch a client's typo. Not emulated, answered HTTP 501 naming
it (``BotRequest.refused``), never approximated: the Bot API's other methods, parse modes Markdown and
MarkdownV2, sendMessage's replies, keyboards, threads, given entities, text mentions; file uploads. Not
modelled: groups and channels, the entities Telegram finds itself in plain text (URLs, @mentions...).

Modules: ``server`` (the BotApiServer), ``pipeline`` (the order of checks), ``methods`` (the handlers and
Telegram's objects), ``entities`` (HTML parse mode, UTF-16 lengths), ``schema`` (aiogram's models),
``state``, ``transport`` (HTTP, recorded requests), ``errors``.
"""

from .errors import NotEmulated, SchemaProblem
from .server import BotApiServer
from .transport import BotRequest

__all__ = ["BotApiServer", "BotRequest", "SchemaProblem", "NotEmulated"]
