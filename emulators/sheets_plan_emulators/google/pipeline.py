"""The Emulator's request pipeline: record, authenticate, quota, faults, discovery validation,
dispatch to the per-area handlers, field masks, Google's error shapes.

A mixin of ``server.Emulator``, which holds the state it reads: the recorded ``requests``, the
quota window, the fault hooks and the handlers by discovery method id.
"""

from __future__ import annotations

import json
import math
from collections import deque
from typing import Any, Callable
from urllib.parse import SplitResult, parse_qs, urlsplit

from sheets_plan import model
from sheets_plan_emulators.google import fieldmask
from sheets_plan_emulators.google.discovery import SchemaError, find_method, method_defs, validate_request
from .errors import ApiError, check_mask
from .transport import Call, Fault, Media, RecordedRequest

# Drive v3 answers with a few fields unless ``fields`` asks for more.
_DRIVE_DEFAULT_FIELDS = {
    "drive.files.get": "kind,id,name,mimeType",
    "drive.files.create": "kind,id,name,mimeType",
    "drive.files.copy": "kind,id,name,mimeType",
    "drive.files.update": "kind,id,name,mimeType",
    "drive.files.list": "kind,incompleteSearch,nextPageToken,files(kind,id,name,mimeType)",
    "drive.permissions.create": "kind,id,type,role",
    "drive.permissions.list": "kind,nextPageToken,permissions(kind,id,type,role)",
}


class _Body:
    """A request's body as the handlers take it: decoded JSON, an upload's media, or JSON that is not."""

    def __init__(self, path: str, headers: dict, body: bytes | None):
        self.data: Any = None
        self.media: Media | None = None
        self.invalid_json = False
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if body and path.startswith("/upload/") and "json" not in kind:
            self.media = Media(body, kind.split(";")[0].strip())  # an upload's content, not JSON
        elif body:
            try:
                self.data = json.loads(body)
            except ValueError:
                self.invalid_json = True


class Pipeline:
    """Serving one HTTP request, in the order Google checks it (``handle``)."""

    requests: list[RecordedRequest]
    quota_per_minute: int | None
    clock: Callable[[], float]
    _window: deque[float]
    _fault: Fault | None
    _failing: dict[str, int]
    _handlers: dict[str, Callable[[Call], tuple[int, Any]]]

    def handle(self, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
        """Serve one HTTP request; returns (status, headers, body bytes)."""
        parts = urlsplit(url)
        method = method.upper()
        got = _Body(parts.path, headers, body)
        rec = RecordedRequest(method, parts.path + (f"?{parts.query}" if parts.query else ""), got.data,
                              host=parts.netloc, headers=dict(headers), size=len(body or b""))
        self.requests.append(rec)
        extra: dict[str, str] = {}
        try:
            status, payload = self._serve(rec, method, url, parts, headers, got)
            if isinstance(payload, Media):  # a download: its own bytes and type
                rec.status = status
                return status, {"Content-Type": payload.mime}, payload.content
        except ApiError as exc:
            status, payload, extra = exc.status, exc.body(parts.netloc), exc.headers
        except model.ModelError as exc:
            err = ApiError(exc.status, str(exc))
            status, payload = err.status, err.body(parts.netloc)
        rec.status = status
        out_headers = {"Content-Type": "application/json; charset=UTF-8", **extra}
        content = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return status, out_headers, content

    def _serve(self, rec: RecordedRequest, method: str, url: str, parts: SplitResult, headers: dict,
               got: _Body) -> tuple[int, Any]:
        """The checks in Google's order, then the handler and the field mask; raises ApiError."""
        try:
            found = find_method(method, url)
        except SchemaError:
            found = None
        if found is not None:
            rec.method_id = found.id
            rec.file_id = found.path_params.get("spreadsheetId") or found.path_params.get("fileId")
        self._authenticate(headers)
        self._take_quota()
        self._faults(rec)
        if found is None:
            raise ApiError(404, f"The requested URL {parts.path} was not found on this server.", reason="notFound")
        if got.invalid_json:
            raise ApiError(400, "Invalid JSON payload received.", reason="parseError")
        if found.id == "sheets.spreadsheets.batchUpdate":
            _flatten_requests(got.data)
        _validate(method, url, got.data)
        handler = self._handlers.get(found.id)
        if handler is None:
            raise ApiError(501, f"emulator: {found.id} is not implemented", reason="notImplemented")
        call = Call(rec, found.path_params, parse_qs(parts.query, keep_blank_values=True), got.data, got.media)
        status, payload = handler(call)
        if payload is not None and not isinstance(payload, Media):
            payload = self._shape(found.id, call, payload)
        return status, payload

    def _authenticate(self, headers: dict) -> None:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        if not auth.startswith("Bearer ") or not auth[7:].strip():
            raise ApiError(401, reason="required",
                           headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})

    def _take_quota(self) -> None:
        if self.quota_per_minute is None:
            return
        now = self.clock()
        while self._window and self._window[0] <= now - 60:
            self._window.popleft()
        if len(self._window) >= self.quota_per_minute:
            wait = max(1, math.ceil(self._window[0] + 60 - now))
            raise ApiError(429, reason="rateLimitExceeded", headers={"Retry-After": str(wait)})
        self._window.append(now)

    def _faults(self, rec: RecordedRequest) -> None:
        if rec.file_id is not None and rec.file_id in self._failing:
            raise ApiError(self._failing[rec.file_id])
        if self._fault is not None:
            status = self._fault(rec)
            if status:
                raise ApiError(status)

    def _shape(self, method_id: str, call: Call, payload: Any) -> Any:
        """Apply the ``fields`` mask (checked against the response schema) or Drive's defaults."""
        fields = call.one("fields")
        if fields:
            response = method_defs()[method_id].get("response", {}).get("$ref")
            api = method_id.split(".", 1)[0]
            if response:
                check_mask(api, response, fields)
            return fieldmask.apply(payload, fields)
        default = _DRIVE_DEFAULT_FIELDS.get(method_id)
        return fieldmask.apply(payload, default) if default else payload


def _flatten_requests(body: Any) -> None:
    """`requests` holding lists of requests ([[req, req], [req]]) is read as the flat list: a widely
    used formatting library (gspread-formatting) has sent such batches to Google for years, and Google
    applies them in order."""
    if isinstance(body, dict) and isinstance(body.get("requests"), list) and any(
            isinstance(r, list) for r in body["requests"]):
        flat: list = []

        def add(items):
            for item in items:
                add(item) if isinstance(item, list) else flat.append(item)

        add(body["requests"])
        body["requests"] = flat


def _validate(method: str, url: str, data: Any) -> None:
    """The request against Google's discovery documents: 400 INVALID_ARGUMENT naming the field."""
    try:
        validate_request(method, url, data)
    except SchemaError as exc:
        where = str(exc).split(":", 1)[0]
        prefix = "Invalid JSON payload received. " if where.startswith("body") else "Invalid argument. "
        field = where.removeprefix("body").lstrip(".") or where
        raise ApiError(400, prefix + str(exc), reason="badRequest",
                       violations=[(field, prefix + str(exc))]) from None
