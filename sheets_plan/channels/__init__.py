"""How a reminder reaches an admin: e-mail over SMTP (``email``), Telegram's Bot API
(``telegram``). Each takes a finished message and sends it, or raises SendError: a send that failed
is never taken for sent."""

from .base import Message, SendError

__all__ = ["Message", "SendError"]
