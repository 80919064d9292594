"""The methods served, ``sendMessage`` and ``getMe``, in Telegram's order of checks, and the objects they
answer (Message, User) as Telegram returns them. Each handler takes the parameters already read against
the schema (typed; objects as dicts of what was given) and returns the ``result``."""

from __future__ import annotations

import re
import typing

from .entities import parse_html, trim, utf16_len
from .errors import BotApiError, NotEmulated, bad_request, too_many_requests
from .state import Bot, Chat, State

MAX_TEXT = 4096     # UTF-16 code units after entities parsing (Bot API: "1-4096 characters")

# What Telegram answers for a required parameter not given, in the order it checks them.
MISSING = {"sendMessage": {"text": "message text is empty", "chat_id": "chat_id is empty"}}

# sendMessage's parameters that do not change what is delivered or answered, or whose effect is modelled;
# any other (replies, keyboards, threads, business connections, given entities...) is refused (501).
SEND_MESSAGE_TAKES = frozenset({"chat_id", "text", "parse_mode", "link_preview_options", "disable_notification",
                                "protect_content", "allow_paid_broadcast", "disable_web_page_preview"})

# Returned only by getMe (aiogram's User says so of each), always all of them: BotFather's defaults.
GET_ME_FLAGS = {"can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False,
                "can_connect_to_business": False, "has_main_web_app": False, "has_topics_enabled": False,
                "allows_users_to_create_topics": False, "can_manage_bots": False, "supports_guest_queries": False,
                "supports_join_request_queries": False}

Handler = typing.Callable[[State, Bot, dict, int], typing.Any]


def get_me(state: State, bot: Bot, params: dict, now: int) -> dict:
    return {**bot.user(), **GET_ME_FLAGS}


def send_message(state: State, bot: Bot, params: dict, now: int) -> dict:
    refused = sorted(set(params) - SEND_MESSAGE_TAKES)
    if refused:
        raise NotEmulated(f"sendMessage's {', '.join(refused)}")
    text, entities = message_text(params["text"], params.get("parse_mode", ""))
    chat = resolve(state, params["chat_id"])
    retry_after = state.take_limit(chat.id)
    if retry_after is not None:
        raise too_many_requests(retry_after)
    if chat.blocked:
        raise BotApiError(403, "Forbidden: bot was blocked by the user")
    if not chat.started:
        raise BotApiError(403, "Forbidden: bot can't initiate conversation with a user")
    chat.last_message_id += 1
    message = message_of(chat, bot, now, text, entities, params)
    # delivered now: were the answer refused (500), the user would have it all the same, as when Telegram
    # sends a message and then fails to answer
    chat.sent.append(message)
    return message


def message_text(source: str, parse_mode: str) -> tuple[str, list[dict]]:
    """The text delivered and its entities; 400 as Telegram words it for bad markup, empty or long text."""
    mode = parse_mode.lower()    # Telegram reads "HTML", "html"...
    if mode == "html":
        text, entities = parse_html(source)
    elif mode in ("markdown", "markdownv2"):
        raise NotEmulated(f"parse_mode {parse_mode}")
    elif mode:
        raise bad_request("unsupported parse_mode")
    else:
        text, entities = source, []     # Telegram would also find URLs, @mentions...: not emulated
    text, entities = trim(text, entities)
    if not text:
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def resolve(state: State, chat_id: int | str) -> Chat:
    """A private chat by its id (a number, or a number as text); a bot cannot find a user by @username."""
    if isinstance(chat_id, str):
        if not chat_id.strip():
            raise bad_request("chat_id is empty")
        if not re.fullmatch(r"\s*-?\d+\s*", chat_id):
            raise bad_request("chat not found")
        chat_id = int(chat_id)
    chat = state.chats.get(chat_id)
    if chat is None:
        raise bad_request("chat not found")
    return chat


def message_of(chat: Chat, bot: Bot, now: int, text: str, entities: list[dict], params: dict) -> dict:
    """The Message Telegram answers a sendMessage with, its keys in Telegram's order."""
    message = {"message_id": chat.last_message_id, "from": bot.user(), "chat": chat.chat(), "date": now,
               "text": text}
    if entities:
        message["entities"] = entities
    preview = {k: v for k, v in params.get("link_preview_options", {}).items() if v not in (None, False)}
    if params.get("disable_web_page_preview"):
        preview.setdefault("is_disabled", True)
    if preview:         # "if ... link preview options were changed"
        message["link_preview_options"] = preview
    if params.get("protect_content"):
        message["has_protected_content"] = True
    return message


HANDLERS: dict[str, Handler] = {"sendMessage": send_message, "getMe": get_me}
