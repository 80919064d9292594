"""The HTTP edge: requests as recorded, the ``requests`` transport adapter, the no-network guard."""

from __future__ import annotations

import http
import io
from dataclasses import dataclass, field
from typing import Callable

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

# What the adapter hands each request to: (method, url, headers, body) -> (status, headers, body).
Serve = Callable[[str, str, dict, "bytes | None"], "tuple[int, dict, bytes]"]


@dataclass
class VkRequest:
    """One method call as the emulator received it; a call inside ``execute`` is recorded too, after it."""

    method: str                                         # "wall.getById", "execute"
    params: dict[str, str] = field(default_factory=dict)   # as sent, without access_token
    error: int | None = None                            # the error code answered; None: a response
    batched: bool = False                               # one of an execute's calls
    refused: str | None = None                          # what the emulator does not emulate (HTTP 501)


# A fault hook: called with each call (an execute's too), returns a VK error code to answer instead, or None.
Fault = Callable[[VkRequest], "int | None"]


class Adapter(BaseAdapter):
    """A requests transport adapter that serves every request in process (``serve``), no socket."""

    def __init__(self, serve: Serve):
        super().__init__()
        self.serve = serve

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        status, headers, content = self.serve(request.method, request.url, dict(request.headers), body)
        resp = requests.Response()
        resp.status_code = status
        resp.headers = CaseInsensitiveDict(headers)
        resp._content = content
        resp.raw = io.BytesIO(content)
        resp.url = request.url
        resp.request = request
        resp.reason = http.HTTPStatus(status).phrase
        resp.encoding = "utf-8"
        resp.connection = self
        return resp

    def close(self):
        pass


class NoNetwork(BaseAdapter):
    """Anything that is not VK's API must not leave the test."""

    def send(self, request, **kwargs):
        raise requests.ConnectionError(f"VK emulator: no network in tests ({request.method} {request.url})")

    def close(self):
        pass
