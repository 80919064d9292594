"""A message ready to send, the one failure every channel raises, and what a channel did (a Delivery)."""

from __future__ import annotations

from dataclasses import dataclass


class SendError(RuntimeError):
    """The message did not go: the server is down, refused it, or the address is wrong."""


@dataclass(frozen=True)
class Message:
    to: str             # an e-mail address, or a Telegram chat id
    subject: str
    text: str           # plain text (e-mail's first part; Telegram's fallback)
    html: str           # HTML (e-mail's alternative; Telegram's parse_mode HTML subset)


@dataclass
class Delivery:
    """What one channel did with one admin's reminders."""
    admin: str
    channel: str      # "email" | "telegram" | "amocrm" | "" (not sent)
    items: int
    ok: bool
    why: str = ""     # quiet hours, no contact, nothing new, the failure
