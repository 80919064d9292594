"""Telegram's error answers, the server's refusal of what it does not emulate, and schema problems."""

from __future__ import annotations

# the shared core's: a request or an answer that does not conform to the published description
from sheets_plan_emulators.core.schemas import SchemaProblem  # noqa: F401



class BotApiError(Exception):
    """An answer in the Bot API's error shape, with the HTTP status equal to ``error_code`` as Telegram sends
    it: ``{"ok": false, "error_code": 400, "description": "Bad Request: ...", "parameters": {...}}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None):
        self.status = status
        self.description = description
        self.parameters = parameters
        super().__init__(f"[{status}] {description}")

    def body(self) -> dict:
        out: dict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters is not None:
            out["parameters"] = self.parameters
        return out


def bad_request(why: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {why}")


def unauthorized() -> BotApiError:
    return BotApiError(401, "Unauthorized")


def not_found() -> BotApiError:
    return BotApiError(404, "Not Found")


def too_many_requests(retry_after: int) -> BotApiError:
    return BotApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})


class NotEmulated(Exception):
    """A request the server cannot answer as Telegram would (a method, a parameter, a parse mode it does not
    model). Answered with HTTP 501 naming it, never approximated: Telegram itself never answers 501."""

    def answer(self) -> BotApiError:
        return BotApiError(501, f"Not Implemented: {self} (not emulated by the test server)")
