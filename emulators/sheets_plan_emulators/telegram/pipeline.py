"""Serving one request in Telegram's order of checks: path, token (401), method (404), parameters against
the schema (400), the fault hook, the method itself; then the answer against the schema (500 if it fails,
the server's own bug). Everything is recorded: the request, schema problems, crashes."""

from __future__ import annotations

import re
import threading
import traceback
import typing

from . import schema
from .errors import BotApiError, NotEmulated, SchemaProblem, bad_request, not_found, unauthorized
from .methods import HANDLERS, MISSING
from .state import Bot, State
from .transport import BotRequest, Fault, read_params

PATH = re.compile(r"/bot([^/]*)/([^/]*)")


class Pipeline:
    def __init__(self, state: State, clock: typing.Callable[[], float]):
        self.state = state
        self.clock = clock
        self.requests: list[BotRequest] = []
        self.schema_errors: list[SchemaProblem] = []
        self.faults: list[Fault] = []
        self.crashes: list[str] = []        # tracebacks of the server's own exceptions (answered 500)
        # one request at a time: the state is plain data, and a test reads it between requests
        self.lock = threading.RLock()

    def serve(self, http_method: str, path: str, query: str, content_type: str, body: bytes) -> tuple[int, dict]:
        with self.lock:
            try:
                return self.answer(http_method, path, query, content_type, body)
            except Exception:
                self.crashes.append(traceback.format_exc())
                self.requests[-1].status = 500
                return 500, BotApiError(500, "Internal Server Error: the test server failed").body()

    def answer(self, http_method: str, path: str, query: str, content_type: str, body: bytes) -> tuple[int, dict]:
        match = PATH.fullmatch(path)
        request = BotRequest(match.group(2) if match else path, http_method=http_method)
        self.requests.append(request)
        model = None
        try:
            unreadable = None
            try:
                request.params = read_params(query, content_type, body)
            except BotApiError as exc:      # said after the token and the method, as Telegram orders them
                unreadable = exc
            bot = self.state.bots.get(match.group(1)) if match else None
            if match is None:
                raise not_found()
            if bot is None:
                raise unauthorized()
            request.bot_id = bot.id
            model = schema.find(request.method)
            if model is None:
                raise not_found()
            request.method = model.__api_method__
            if unreadable is not None:
                raise unreadable
            payload = {"ok": True, "result": self.call(request, model, bot)}
        except BotApiError as exc:
            payload = exc.body()
        except NotEmulated as exc:
            request.refused = str(exc)
            payload = exc.answer().body()
        payload = self.checked(request.method, model, payload)
        request.status = payload.get("error_code", 200)
        return request.status, payload

    def call(self, request: BotRequest, model: type, bot: Bot) -> typing.Any:
        handler = HANDLERS.get(model.__api_method__)
        if handler is None:
            # a Bot API method the server does not serve: saying 404 would claim Telegram lacks it
            raise NotEmulated(f"method {model.__api_method__}")
        read = schema.read_request(model, request.params)
        self.schema_errors += [SchemaProblem(request.method, "request", p) for p in read.problems]
        if read.missing:
            wording = MISSING.get(request.method, {})
            first = next((name for name in wording if name in read.missing), read.missing[0])
            raise bad_request(wording.get(first, f"{first} is empty"))
        if read.problems:
            raise bad_request(read.problems[0])
        fault = self.fault(request)
        if fault is not None:
            raise fault
        return handler(self.state, bot, read.params, int(self.clock()))

    def fault(self, request: BotRequest) -> BotApiError | None:
        for hook in self.faults:
            answer = hook(request)
            if answer is not None:
                status, description, *parameters = answer
                return BotApiError(status, description, parameters[0] if parameters else None)
        return None

    def checked(self, method: str, model: type | None, payload: dict) -> dict:
        """The answer if it conforms to the schema; else the problems recorded and a 500 in its place."""
        problems = schema.check_answer(model, payload)
        if not problems:
            return payload
        self.schema_errors += [SchemaProblem(method, "answer", p) for p in problems]
        return BotApiError(500, "Internal Server Error: the answer does not conform to the Bot API").body()
