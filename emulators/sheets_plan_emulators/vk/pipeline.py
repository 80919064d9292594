"""The VkEmulator's request pipeline, in the order VK checks a call: the method exists (3), the version is
given (8), the token is valid (5), the rate (6), the fault hook, the parameters against the schema (100),
the handler, the answer against the schema (10); ``execute`` runs its calls through the same steps.

A mixin of ``emulator.VkEmulator``, which holds the state it reads.
"""

from __future__ import annotations

import json
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

from . import conform, schema, vkscript
from .errors import NotEmulated, SchemaProblem, VkError, invalid
from .methods import Call, Handler
from .state import Token, World
from .transport import Fault, VkRequest

JSON = {"Content-Type": "application/json; charset=utf-8"}
PER_SECOND = 3   # a user token's requests per second (dev.vk.com, "Ограничения и рекомендации")
EXECUTE_PARAMS = frozenset({"code", "func_v"})   # execute is VK's own, not in the generated methods


class Pipeline:
    """Serving one HTTP request (``handle``): VK answers HTTP 200 with a response or an error."""

    world: World
    requests: list[VkRequest]
    schema_errors: list[SchemaProblem]
    clock: Callable[[], float]
    fault: Fault | None
    handlers: dict[str, Handler]

    def handle(self, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
        parts = urlsplit(url)
        name = parts.path.removeprefix("/method/")
        if name == parts.path or not name or "/" in name:
            return 404, {"Content-Type": "text/plain"}, b"emulator: only /method/{name} is served"
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        raw = dict(parse_qsl(parts.query, keep_blank_values=True))
        form = bool(body) and "x-www-form-urlencoded" in kind
        if form:
            raw.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        token = raw.pop("access_token", None)
        rec = VkRequest(name, raw)
        self.requests.append(rec)
        if body and not form:
            return self.refuse(rec, NotEmulated(f"a {kind or 'typeless'} body (vk_api sends a form)"))
        try:
            answer = self.answer(rec, token)
        except VkError as exc:
            rec.error = exc.code
            answer = exc.body(name, raw)
        except NotEmulated as exc:
            return self.refuse(rec, exc)
        return 200, JSON, json.dumps(answer, ensure_ascii=False).encode("utf-8")

    def refuse(self, rec: VkRequest, exc: NotEmulated) -> tuple[int, dict, bytes]:
        """What the emulator does not know is answered 501 naming it: loud, and nothing VK would send."""
        rec.refused = str(exc)
        return 501, JSON, json.dumps({"emulator": f"not emulated: {exc}"}, ensure_ascii=False).encode("utf-8")

    def answer(self, rec: VkRequest, token_value: str | None) -> dict:
        spec = None if rec.method == "execute" else schema.find(rec.method)
        if spec is None and rec.method != "execute":
            raise VkError(3)
        if "v" not in rec.params:
            raise VkError(8)
        if rec.params["v"] != schema.VERSION:
            # other versions answer in other shapes (groups.getById was a list before 5.194)
            raise NotEmulated(f"API version {rec.params['v']!r}: the emulator answers {schema.VERSION} only")
        token = self.authenticate(token_value)
        self.take_rate(token)
        self.faults(rec)
        if spec is None:
            return self.execute(rec, token)
        return {"response": self.run(rec, token, spec)}

    def authenticate(self, value: str | None) -> Token:
        if not value:
            raise VkError(5, "User authorization failed: no access_token passed.")
        token = self.world.tokens.get(value)
        if token is None:
            raise VkError(5)
        if token.expires_at is not None and self.clock() >= token.expires_at:
            raise VkError(5, "User authorization failed: access_token has expired.")
        return token

    def take_rate(self, token: Token) -> None:
        """At most 3 requests in any second of the clock. A refused request takes no place, so a client
        that waits and retries (vk_api sleeps 0.5 s on error 6) gets through."""
        now = self.clock()
        token.sent[:] = [t for t in token.sent if t > now - 1]
        if len(token.sent) >= PER_SECOND:
            raise VkError(6)
        token.sent.append(now)

    def faults(self, rec: VkRequest) -> None:
        code = self.fault(rec) if self.fault is not None else None
        if code:
            raise VkError(code)

    def run(self, rec: VkRequest, token: Token, spec: schema.MethodSpec) -> Any:
        """One method: its parameters read against the schema, the handler, its answer checked."""
        problems: list[str] = []
        try:
            params = schema.read_params(spec, rec.params, problems)
        finally:
            self.schema_errors += [SchemaProblem(spec.name, "request", p) for p in problems]
        handler = self.handlers.get(spec.name)
        if handler is None:
            raise NotEmulated(f"{spec.name} (the schema has it; the emulator does not serve it)")
        data = handler(Call(spec.name, params, token))
        wrong = conform.problems(spec.response_model(params), data)
        if wrong:
            self.schema_errors += [SchemaProblem(spec.name, "response", p) for p in wrong]
            raise VkError(10)  # the emulator's bug, never sent as if VK had said it
        return data

    def execute(self, rec: VkRequest, token: Token) -> dict:
        """The calls of the script in turn; a failed one is ``false`` in the list and an entry of
        ``execute_errors``. The execute is one request for the rate limit, whatever it calls."""
        self.schema_errors += [SchemaProblem("execute", "request", f"unknown parameter {name!r}")
                               for name in rec.params.keys() - EXECUTE_PARAMS - schema.COMMON]
        if not rec.params.get("code"):
            self.schema_errors.append(SchemaProblem("execute", "request", "missing required parameter 'code'"))
            raise invalid("code", "is undefined")
        results: list[Any] = []
        errors: list[dict] = []
        for method, values in vkscript.calls(rec.params["code"]):
            inner = VkRequest(method, values, batched=True)
            self.requests.append(inner)
            try:
                spec = schema.find(method)
                if spec is None:
                    raise VkError(3)
                self.faults(inner)
                results.append(self.run(inner, token, spec))
            except VkError as exc:
                inner.error = exc.code
                results.append(False)
                errors.append({"method": method, "error_code": exc.code, "error_msg": exc.message})
            except NotEmulated as exc:
                inner.refused = str(exc)
                raise
        return {"response": results, "execute_errors": errors} if errors else {"response": results}
