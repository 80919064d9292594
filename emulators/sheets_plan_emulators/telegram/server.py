"""The BotApiServer: a local HTTP server speaking the Bot API, its set-up helpers, fault hooks and records."""

from __future__ import annotations

import threading
import time
import typing

from .errors import SchemaProblem
from .pipeline import Pipeline
from .state import Limit, State
from .transport import BotRequest, Fault, Server


class BotApiServer:
    """See the package's docstring. Usable as a context manager (start, then stop) or by ``start()`` and
    ``stop()``; set-up and records may be used before, during and after serving."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, clock: typing.Callable[[], float] = time.time):
        self.address = (host, port)     # port 0: a free one, chosen by the system when started
        self.state = State()
        self.pipeline = Pipeline(self.state, clock)
        self.httpd: Server | None = None
        self.thread: threading.Thread | None = None

    # ------------------------------------------------------------------ serving

    def start(self) -> BotApiServer:
        if self.httpd is None:
            self.httpd = Server(self.address, self.pipeline.serve)
            # a short poll: stop() waits for serve_forever to notice, and tests start and stop servers often
            self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                           name=f"bot-api-server:{self.port}", daemon=True)
            self.thread.start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
            if self.thread is not None:
                self.thread.join()
            self.httpd = self.thread = None

    def __enter__(self) -> BotApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self.httpd is None:
            raise RuntimeError("the Bot API server is not started")
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        """The API base: requests go to ``{url}/bot<TOKEN>/<method>``."""
        return f"http://{self.address[0]}:{self.port}"

    # ------------------------------------------------------------------ set-up

    def add_bot(self, token: str, first_name: str = "Test Bot", username: str | None = None) -> dict:
        """A bot the server accepts the token of; returns it as a User (username: ``test<id>_bot`` if none)."""
        with self.pipeline.lock:
            return self.state.add_bot(token, first_name, username).user()

    def add_chat(self, chat_id: int, first_name: str = "User", *, last_name: str | None = None,
                 username: str | None = None, started: bool = True) -> None:
        """A private chat with a user; ``started=False``: the bot knows the user, who never pressed Start
        (403 "bot can't initiate conversation with a user"). Every bot of the server shares the chats."""
        with self.pipeline.lock:
            self.state.add_chat(chat_id, first_name, last_name=last_name, username=username, started=started)

    def block(self, chat_id: int, first_name: str = "User") -> None:
        """The user blocked the bot (403); the chat is added if it was not."""
        with self.pipeline.lock:
            chat = self.state.chats.get(chat_id) or self.state.add_chat(chat_id, first_name)
            chat.blocked = True

    def unblock(self, chat_id: int) -> None:
        with self.pipeline.lock:
            self.state.chats[chat_id].blocked = False

    def limit(self, chat_id: int, retry_after: int, times: int = 1) -> None:
        """The next ``times`` sendMessage calls that reach this chat answer 429, retry after ``retry_after``."""
        if not isinstance(retry_after, int) or retry_after < 1 or times < 1:
            raise ValueError("retry_after: a whole number of seconds (Telegram's), times: at least 1")
        with self.pipeline.lock:
            self.state.limits[chat_id] = Limit(retry_after, times)

    def inject(self, fault: Fault | None) -> None:
        """A fault hook, called with each call that passed the schema (a BotRequest); it returns
        ``(status, description[, parameters])`` to answer instead, or None. ``inject(None)``: no hooks."""
        with self.pipeline.lock:
            if fault is None:
                self.pipeline.faults.clear()
            else:
                self.pipeline.faults.append(fault)

    # ------------------------------------------------------------------ records

    @property
    def messages(self) -> dict[int, list[str]]:
        """Each chat's delivered texts (as the user sees them: tags removed), in order."""
        with self.pipeline.lock:
            return {chat_id: [m["text"] for m in chat.sent] for chat_id, chat in self.state.chats.items()}

    @property
    def sent(self) -> dict[int, list[dict]]:
        """Each chat's delivered messages, the Message objects as answered (entities, ids, date...)."""
        with self.pipeline.lock:
            return {chat_id: list(chat.sent) for chat_id, chat in self.state.chats.items()}

    @property
    def requests(self) -> list[BotRequest]:
        """Every call, in order (the live list)."""
        return self.pipeline.requests

    @property
    def schema_errors(self) -> list[SchemaProblem]:
        """Requests and answers that do not conform to the Bot API (the live list: a test may take off
        those it provoked)."""
        return self.pipeline.schema_errors

    @property
    def crashes(self) -> list[str]:
        """Tracebacks of the server's own failures (answered 500)."""
        return self.pipeline.crashes

    def count(self, method: str) -> int:
        with self.pipeline.lock:
            return sum(1 for r in self.pipeline.requests if r.method.lower() == method.lower())
