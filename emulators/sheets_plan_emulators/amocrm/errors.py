"""AmoCRM's error answers (application/problem+json), and the emulator's refusal of what it does
not know (HTTP 501, never something AmoCRM would send)."""

from __future__ import annotations

import json

PROBLEM = {"Content-Type": "application/problem+json"}
TITLES = {400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
          429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable",
          504: "Gateway Timeout"}


class AmoError(Exception):
    """An answer AmoCRM gives: a status and a problem body."""

    def __init__(self, status: int, detail: str = "", validation: list[dict] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.validation = status, detail, validation

    def body(self) -> bytes:
        data = {"title": TITLES.get(self.status, "Error"), "type": f"https://httpstatus.es/{self.status}",
                "status": self.status, "detail": self.detail or TITLES.get(self.status, "")}
        if self.validation:
            data["validation-errors"] = self.validation
        return json.dumps(data, ensure_ascii=False).encode("utf-8")


class NotEmulated(Exception):
    """What the emulator does not know: answered 501 naming it, never approximated."""


def invalid(request_id: str, path: str, detail: str, code: str = "FieldNotFound") -> AmoError:
    return AmoError(400, "Request validation failed",
                    [{"request_id": request_id, "errors": [{"code": code, "path": path, "detail": detail}]}])
