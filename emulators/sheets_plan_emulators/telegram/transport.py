"""The HTTP edge: a real socket (``ThreadingHTTPServer``), requests as recorded, and parameters read from a
query string and a body in each of the forms the Bot API takes (JSON, urlencoded form, multipart form)."""

from __future__ import annotations

import json
import typing
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .errors import NotEmulated, bad_request


@dataclass
class BotRequest:
    """One call as the server received it. Never holds the token: it is in the path, not a parameter."""

    method: str                     # the Bot API's spelling ("sendMessage") when known; as sent otherwise
    params: dict[str, typing.Any] = field(default_factory=dict)  # as sent: JSON values, or text from a form
    http_method: str = "POST"
    bot_id: int | None = None       # the token's id part (public: it is the bot's user id); None: unknown
    status: int | None = None       # HTTP status answered, the error_code of an error
    refused: str | None = None      # what the server does not emulate (answered 501)


# A fault hook: called with each call that passed the schema; returns (status, description[, parameters])
# to answer instead of the method, or None.
Fault = typing.Callable[[BotRequest], "tuple | None"]

# What the HTTP handler hands each request to: (HTTP method, path, query, content type, body) -> answer.
Serve = typing.Callable[[str, str, str, str, bytes], "tuple[int, dict]"]


def read_params(query: str, content_type: str, body: bytes) -> dict[str, typing.Any]:
    """The query string's parameters, then the body's over them, as the Bot API merges them. A body of
    another content type is ignored, as Telegram does."""
    params = decoded(query)
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return params
    if kind == "application/json":
        try:
            loaded = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON object") from None
        if not isinstance(loaded, dict):
            raise bad_request("can't parse JSON object")
        params.update(loaded)
    elif kind == "application/x-www-form-urlencoded":
        try:
            params.update(decoded(body.decode("utf-8")))
        except UnicodeDecodeError:
            raise bad_request("strings must be encoded in UTF-8") from None
    elif kind == "multipart/form-data":
        params.update(multipart(content_type, body))
    return params


def decoded(text: str) -> dict[str, str]:
    try:
        return dict(parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise bad_request("strings must be encoded in UTF-8") from None


def multipart(content_type: str, body: bytes) -> dict[str, str]:
    """A multipart form's fields; a file (a part with a filename) is for methods the server does not serve."""
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    params = {}
    for part in message.iter_parts():
        if part.get_filename() is not None:
            raise NotEmulated("file uploads")
        name = part.get_param("name", header="content-disposition")
        try:
            params[str(name)] = (part.get_payload(decode=True) or b"").decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request("strings must be encoded in UTF-8") from None
    return params


class Server(ThreadingHTTPServer):
    """One thread a connection, not waited for on close: a client's kept-alive connection must not hold
    the tests up."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], serve: Serve):
        self.serve = serve
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"    # keep-alive, as Telegram's servers and requests' sessions speak it
    # headers and body are two writes: with Nagle's algorithm, each answer on a kept-alive connection
    # would wait out the client's delayed ACK (~40 ms+)
    disable_nagle_algorithm = True
    server: Server

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.answer()

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        status, payload = self.server.serve(self.command, url.path, url.query, self.headers.get("Content-Type", ""),
                                            body)
        data = json.dumps(payload).encode("ascii")   # Telegram escapes non-ASCII text (\u0410...)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: typing.Any) -> None:
        pass    # tests read the server's records, not stderr
