"""The AmoEmulator: accounts, tokens, and serving a request in AmoCRM's order of checks.

The order: the host is an account (else 501), the token (401: none, unknown, expired or revoked),
the pace (429 above 7 requests in any second of the account), the fault hook, the operation is in the
description (else 501), the token's rights (403), the query's names (else 501), the body against the
description (400), the handler, the answer against the description (an answer that fails is the
emulator's bug: 500, recorded, never sent as if AmoCRM had said it)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlsplit

import requests

from sheets_plan_emulators.core import Pace, SchemaProblem, session_for

from . import handlers, query, schema
from .errors import PROBLEM, AmoError, NotEmulated
from .state import Account, Token

PER_SECOND = 7
HOST = re.compile(r"^([a-z0-9-]+)\.(amocrm\.ru|kommo\.com)$")
JSON = {"Content-Type": "application/hal+json"}


@dataclass
class AmoRequest:
    """One request as the emulator received it."""
    method: str
    url: str
    body: object = None
    status: int | None = None
    operation: str | None = None
    refused: str | None = None       # what the emulator does not emulate (501)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def params(self) -> dict:
        return query.read(urlsplit(self.url).query)


@dataclass
class AmoEmulator:
    clock: Callable[[], float] = time.time
    accounts: dict[str, Account] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    requests: list[AmoRequest] = field(default_factory=list)
    schema_errors: list[SchemaProblem] = field(default_factory=list)
    fault: Callable[[AmoRequest], "int | None"] | None = None
    paces: dict[str, Pace] = field(default_factory=dict)
    serving: float = 0.0     # wall seconds spent serving (a benchmark takes them off the client's)

    # ---------------------------------------------------------------- set-up
    def add_account(self, subdomain: str) -> Account:
        self.accounts[subdomain] = Account(subdomain, self.clock)
        self.paces[subdomain] = Pace(PER_SECOND, self.clock)
        return self.accounts[subdomain]

    def add_token(self, value: str, subdomain: str, *, expires_at: float | None = None, denied=()) -> Token:
        self.tokens[value] = Token(value, subdomain, expires_at, denied=set(denied))
        return self.tokens[value]

    def session(self) -> requests.Session:
        """A requests session whose AmoCRM calls this emulator serves (any other host: ConnectionError)."""
        return session_for("AmoCRM emulator", self.serve, ("https://",))

    def count(self, operation: str | None = None, method: str | None = None) -> int:
        return sum(1 for r in self.requests if (operation is None or r.operation == operation)
                   and (method is None or r.method == method) and r.status not in (None, 429))

    # ---------------------------------------------------------------- serving
    def serve(self, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
        started = time.perf_counter()
        try:
            return self._serve(method, url, headers, body)
        finally:
            self.serving += time.perf_counter() - started

    def _serve(self, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
        parts = urlsplit(url)
        rec = AmoRequest(method, url)
        self.requests.append(rec)
        try:
            data = json.loads(body) if body else None
        except ValueError:
            return self._answer(rec, AmoError(400, "The body is not JSON"))
        rec.body = data
        try:
            host = HOST.match(parts.hostname or "")
            account = self.accounts.get(host.group(1)) if host else None
            if account is None:
                raise NotEmulated(f"host {parts.hostname!r} (no such account in the emulator)")
            self._authenticate(headers, account)
            if not self.paces[account.subdomain].take():
                raise AmoError(429, "Too many requests: at most 7 a second")
            code = self.fault(rec) if self.fault else None
            if code:
                raise AmoError(code, "injected fault")
            found = schema.find(method, parts.path)
            if found is None or found[0].id not in handlers.ROUTES:
                raise NotEmulated(f"{method} {parts.path}" + ("" if found else " (not in the API description)"))
            op, args = found
            rec.operation = op.id
            status, answer = self._run(rec, op, args, account, data, f"{parts.scheme}://{parts.netloc}", headers)
        except AmoError as e:
            return self._answer(rec, e)
        except NotEmulated as e:
            rec.status, rec.refused = 501, str(e)
            return 501, {"Content-Type": "application/json"}, json.dumps(
                {"emulator": f"not emulated: {e}"}, ensure_ascii=False).encode("utf-8")
        rec.status = 204 if answer is None else status
        return (204, {}, b"") if answer is None else (status, JSON, json.dumps(answer, ensure_ascii=False).encode())

    def _authenticate(self, headers: dict, account: Account) -> Token:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        token = self.tokens.get(auth.removeprefix("Bearer ").strip()) if auth.startswith("Bearer ") else None
        if token is None or token.account != account.subdomain:
            raise AmoError(401, "Authorization required")
        if token.revoked or (token.expires_at is not None and self.clock() >= token.expires_at):
            raise AmoError(401, "The access token has expired or been revoked")
        self._token = token
        return token

    def _run(self, rec: AmoRequest, op: schema.Operation, args, account: Account, data, base: str, headers):
        where = f"{op.method} {op.template}"
        if handlers.AREAS[op.id] in self._token.denied:
            raise AmoError(403, f"No rights to {handlers.AREAS[op.id]}")
        names = {k.split("[", 1)[0] for k in rec.params}
        unknown = names - op.query_names
        if unknown:
            self.schema_errors.append(SchemaProblem(where, "query", f"unknown parameters {sorted(unknown)}"))
            raise NotEmulated(f"query parameters {sorted(unknown)} of {where}")
        body_schema = op.body_schema()
        if body_schema is not None:
            wrong = schema.problems(body_schema, data)
            if wrong:
                self.schema_errors += [SchemaProblem(where, "request", p) for p in wrong]
                raise AmoError(400, "Request validation failed", [{"request_id": "0", "errors": [
                    {"code": "InvalidType", "path": p.split(":")[0], "detail": p} for p in wrong]}])
        answer = handlers.ROUTES[op.id](handlers.Call(account, rec.path, rec.params, data, base, args))
        if answer is not None:
            wanted = schema.COMPLEX_ANSWER if op.id == "Leads_createComplex" else op.answer_schema()
            wrong = schema.problems(wanted, answer)
            if wrong:
                self.schema_errors += [SchemaProblem(where, "answer", p) for p in wrong]
                raise AmoError(500, "emulator: its own answer breaks the description (see schema_errors)")
        return 200, answer

    def _answer(self, rec: AmoRequest, error: AmoError) -> tuple[int, dict, bytes]:
        rec.status = error.status
        return error.status, dict(PROBLEM), error.body()
