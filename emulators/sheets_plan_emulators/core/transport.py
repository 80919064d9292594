"""The HTTP edge: a ``requests`` transport adapter that serves in process, and the no-network guard."""

from __future__ import annotations

import http
import io
from typing import Callable

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

# What the adapter hands each request to: (method, url, headers, body) -> (status, headers, body).
Serve = Callable[[str, str, dict, "bytes | None"], "tuple[int, dict, bytes]"]


class Adapter(BaseAdapter):
    """Serves every request in process through ``serve``: no socket, the real client code unmodified."""

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
        resp._content_consumed = True
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
    """Anything the emulator does not serve must not leave the test."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def send(self, request, **kwargs):
        raise requests.ConnectionError(f"{self.name}: no network in tests ({request.method} {request.url})")

    def close(self):
        pass


def session_for(name: str, serve: Serve, prefixes: tuple[str, ...]) -> requests.Session:
    """A session whose requests to `prefixes` are served in process, and whose others fail."""
    session = requests.Session()
    session.mount("https://", NoNetwork(name))
    session.mount("http://", NoNetwork(name))
    adapter = Adapter(serve)
    for prefix in prefixes:
        session.mount(prefix, adapter)
    return session
