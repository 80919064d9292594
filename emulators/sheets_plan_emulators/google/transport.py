"""The HTTP edge: requests as recorded, the transport adapter, fault hooks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

# The in-process transport adapter is the emulators' shared one (emulators/, the test extra's package):
# (method, url, headers, body) -> (status, headers, body).
from sheets_plan_emulators.core.transport import Adapter, NoNetwork, Serve  # noqa: F401

from .errors import truthy


@dataclass
class RecordedRequest:
    """One request as the emulator received it."""

    method: str                     # "GET", "POST", ...
    url: str                        # path + query, as sent: "/v4/spreadsheets/abc:batchUpdate"
    json: Any = None                # the decoded JSON body (None when there is none)
    status: int | None = None       # the status answered (None while being served)
    host: str = ""                  # "sheets.googleapis.com" | "www.googleapis.com"
    method_id: str | None = None    # discovery id, "sheets.spreadsheets.batchUpdate"; None if unknown URL
    file_id: str | None = None      # spreadsheetId / fileId taken from the path, if any
    headers: dict = field(default_factory=dict, repr=False)
    size: int = 0                   # bytes of the body as sent (Google recommends at most 2 MB a request)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.url).query, keep_blank_values=True)


Fault = Callable[[RecordedRequest], "int | None"]


def random_faults(rate: float, seed: int, statuses: tuple[int, ...] = (429, 500, 503)) -> Fault:
    """A fault hook failing about ``rate`` of the requests, reproducibly (``seed``)."""
    rng = random.Random(seed)

    def fault(request: RecordedRequest) -> int | None:
        return rng.choice(statuses) if rng.random() < rate else None

    return fault


# ============================================================================ transport

@dataclass
class Media:
    """Bytes that are not JSON: an upload's content, or a download's (files.export)."""

    content: bytes
    mime: str


@dataclass
class Call:
    """One request as a handler sees it: path parameters, query, decoded body (or media)."""
    rec: RecordedRequest
    path: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    media: Media | None = None

    def one(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def many(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str) -> bool:
        return truthy(self.one(name))

