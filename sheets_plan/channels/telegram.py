"""Reminders by Telegram: the Bot API's sendMessage over HTTPS, the bot's token from the environment,
the API's base URL configurable (a local Bot API server). Telegram takes at most 4096 characters a
message (counted after the HTML tags, in UTF-16 units): a longer digest goes as several, split
between lines. Flood control (429) says how long to wait: waited, then sent, a few times at most."""

from __future__ import annotations

import html
import re
import time
from typing import Callable

import requests

from .base import Message, SendError

TOKEN_ENV = "SHEETS_PLAN_TELEGRAM_TOKEN"
LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")


def visible_length(text: str) -> int:
    """What Telegram counts of an HTML message: the text without its tags, entities read, in UTF-16 units."""
    return len(html.unescape(_TAG.sub("", text)).encode("utf-16-le")) // 2


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Parts of at most `limit`, cut between lines (a line longer than that is cut inside its text)."""
    parts, current = [], ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if visible_length(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while visible_length(line) > limit:  # only our own plain lines are this long: no tags to break
            plain = html.unescape(_TAG.sub("", line))
            cut = limit
            while len(plain[:cut].encode("utf-16-le")) // 2 > limit:
                cut -= 1
            parts.append(html.escape(plain[:cut], quote=False))
            line = html.escape(plain[cut:], quote=False)
        current = line
    if current:
        parts.append(current)
    return parts


class Bot:
    def __init__(self, token: str | None, api_url: str = "https://api.telegram.org", *, session=None,
                 sleep: Callable[[float], None] = time.sleep, attempts: int = 3, timeout: float = 20):
        if not token:
            raise SendError(f"no Telegram bot token: set {TOKEN_ENV}")
        self.url = f"{api_url.rstrip('/')}/bot{token}/sendMessage"
        self.http = session or requests.Session()
        self.sleep, self.attempts, self.timeout = sleep, attempts, timeout

    def send(self, message: Message) -> list[int]:
        """Send the message's HTML (in parts if it is long); returns the message ids. SendError if any part did not go."""
        return [self._one(message.to, part) for part in split(message.html)]

    def _one(self, chat: str, text: str) -> int:
        body = {"chat_id": chat, "text": text, "parse_mode": "HTML", "link_preview_options": {"is_disabled": True}}
        for attempt in range(self.attempts):
            try:
                answer = self.http.post(self.url, json=body, timeout=self.timeout)
                data = answer.json()
            except (requests.RequestException, ValueError) as e:
                raise SendError(f"Telegram to {chat}: the Bot API does not answer ({type(e).__name__})") from None
            if data.get("ok"):
                return int(data["result"]["message_id"])
            wait = (data.get("parameters") or {}).get("retry_after")
            if data.get("error_code") == 429 and wait is not None and attempt + 1 < self.attempts:
                self.sleep(float(wait))
                continue
            raise SendError(f"Telegram to {chat}: {data.get('description', answer.status_code)}")
        raise SendError(f"Telegram to {chat}: still flood-limited after {self.attempts} tries")
