"""What the server knows: bots (by token), private chats and what they were sent, flood limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

TOKEN = re.compile(r"(\d+):[A-Za-z0-9_-]+")   # as @BotFather issues them: the bot's id, a colon, a secret


@dataclass
class Bot:
    id: int
    first_name: str
    username: str

    def user(self) -> dict:
        """The bot as a message's ``from``: a User."""
        return {"id": self.id, "is_bot": True, "first_name": self.first_name, "username": self.username}


@dataclass
class Chat:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    started: bool = True                    # the user pressed Start: a bot may only write to those who did
    blocked: bool = False
    last_message_id: int = 0                # private chats number their messages from 1
    sent: list[dict] = field(default_factory=list)     # the Message objects answered, in order

    def chat(self) -> dict:
        """The chat as a message's ``chat``: Telegram's order of keys, the optional ones only when set."""
        out: dict = {"id": self.id, "first_name": self.first_name}
        if self.last_name:
            out["last_name"] = self.last_name
        if self.username:
            out["username"] = self.username
        out["type"] = "private"
        return out


@dataclass
class Limit:
    retry_after: int
    times: int


@dataclass
class State:
    bots: dict[str, Bot] = field(default_factory=dict)         # token -> bot
    chats: dict[int, Chat] = field(default_factory=dict)
    limits: dict[int, Limit] = field(default_factory=dict)     # chat id -> the next answers' 429

    def add_bot(self, token: str, first_name: str, username: str | None) -> Bot:
        m = TOKEN.fullmatch(token)
        if not m:
            raise ValueError(f"not a bot token as @BotFather issues them (<id>:<secret>): {token[:4]}...")
        bot_id = int(m.group(1))
        bot = Bot(bot_id, first_name, username or f"test{bot_id}_bot")
        if not bot.username.lower().endswith("bot"):
            raise ValueError(f"a bot's username ends in 'bot' (Telegram's rule): {bot.username!r}")
        self.bots[token] = bot
        return bot

    def add_chat(self, chat_id: int, first_name: str, **details) -> Chat:
        if not isinstance(chat_id, int) or chat_id <= 0:
            raise ValueError(f"a private chat's id is the user's: a positive integer, not {chat_id!r}")
        self.chats[chat_id] = chat = Chat(chat_id, first_name, **details)
        return chat

    def take_limit(self, chat_id: int) -> int | None:
        """The retry_after of the next limited answer to this chat, used up; None: not limited."""
        limit = self.limits.get(chat_id)
        if limit is None:
            return None
        limit.times -= 1
        if limit.times <= 0:
            del self.limits[chat_id]
        return limit.retry_after
