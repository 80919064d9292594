"""Google Sheets v4 + Drive v3, in memory, strict like Google (moto-style).

A state model (``sheets_plan.model.Spreadsheet`` for Sheets, ``drive.Drive``
for Drive) behind a thin request/response layer: a ``requests`` transport
adapter mounted on ``https://sheets.googleapis.com/`` and
``https://www.googleapis.com/``, so the real gspread client (and the product's
GoogleBackend) run unmodified::

    emu = Emulator()
    folder = emu.add_folder("Team")                  # a shared drive
    gc = emu.client()                                # a real gspread.Client
    sh = gc.create("Plan", folder_id=folder)
    assert emu.count("sheets.spreadsheets.get") == 1

Every request is recorded (``emu.requests``), authenticated (Bearer header, else
401), counted against an optional per-minute quota (429 + Retry-After), passed
to the fault hooks, validated against Google's discovery documents (400
INVALID_ARGUMENT before anything is served) and then served. Errors use
Google's JSON error shape.

Where Google's behaviour is richer than this emulator (formula evaluation,
table detection of ``values:append``, number formats) the emulator does the
simple, documented subset and says so in the docstrings below; requests it
cannot serve faithfully are refused (400/501), never silently approximated.
Done as Google documents it: a repeatCell's formula moves its relative
references in each cell of the range; mergeCells splits by ``mergeType`` and
replaces the merges it covers; a field mask may write ``/`` for ``.``; hiding
the last visible sheet is a 400. Refused with 501: dimension properties other
than column widths (``hiddenByUser``, row heights).
"""

from __future__ import annotations

import copy
import datetime as dt
import http
import io
import json
import math
import random
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import requests
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from .. import model
from ..formula import decimal_comma
from ..grid import EPOCH, col_letter, quote_title
from ..ranges import parse_a1
from . import fieldmask
from .discovery import SchemaError, _method_defs, find_method, validate_request
from .drive import SPREADSHEET, ApiError, Drive, check_mask, selects, truthy

__all__ = ["Emulator", "RecordedRequest", "ApiError", "random_faults", "SHEETS_URL", "DRIVE_URL"]

SHEETS_URL = "https://sheets.googleapis.com/"
DRIVE_URL = "https://www.googleapis.com/"
TOKEN = "emulator-token"

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


# ============================================================================ recording & faults

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

class _Adapter(BaseAdapter):
    def __init__(self, emulator: "Emulator"):
        super().__init__()
        self.emulator = emulator

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        body = request.body
        if hasattr(body, "read"):
            body = body.read()
        if isinstance(body, str):
            body = body.encode("utf-8")
        status, headers, content = self.emulator.handle(request.method, request.url,
                                                        dict(request.headers), body)
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


class _NoNetwork(BaseAdapter):
    """Anything that is not Sheets or Drive must not leave the test."""

    def send(self, request, **kwargs):
        raise requests.ConnectionError(f"emulator: no network in tests ({request.method} {request.url})")

    def close(self):
        pass


@dataclass
class _Call:
    rec: RecordedRequest
    path: dict[str, str]
    query: dict[str, list[str]]
    body: Any

    def one(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def many(self, name: str) -> list[str]:
        return self.query.get(name, [])

    def flag(self, name: str) -> bool:
        return truthy(self.one(name))


# ============================================================================ the emulator

class Emulator:
    """Google Sheets v4 + Drive v3, in memory, strict like Google."""

    def __init__(self, *, service_account: str | None = "robot@project.iam.gserviceaccount.com",
                 quota_per_minute: int | None = None, clock: Callable[[], float] | None = None,
                 locale: str = "en_US", time_zone: str = "Etc/GMT",
                 recalc: Callable[[model.Spreadsheet], None] | None = None):
        """``service_account=None`` acts as a person (OAuth user credentials): such an account has
        storage in "My Drive". ``locale``/``time_zone`` are the account's defaults for new
        spreadsheets. ``recalc(spreadsheet)``, if given, is called after every write to fill
        ``Cell.effective`` of formula cells (the emulator itself does not evaluate formulas)."""
        self.identity = service_account or "user@example.com"
        self.drive = Drive(self.identity, service_account is not None)
        self.spreadsheets: dict[str, model.Spreadsheet] = {}
        self.requests: list[RecordedRequest] = []
        self.quota_per_minute = quota_per_minute
        self.clock = clock or time.monotonic
        self.locale, self.time_zone = locale, time_zone
        self.recalc = recalc
        self._window: deque[float] = deque()
        self._fault: Fault | None = None
        self._failing: dict[str, int] = {}
        self._handlers: dict[str, Callable[[_Call], tuple[int, Any]]] = {
            "sheets.spreadsheets.create": self._sheets_create,
            "sheets.spreadsheets.get": self._sheets_get,
            "sheets.spreadsheets.batchUpdate": self._sheets_batch_update,
            "sheets.spreadsheets.values.get": self._values_get,
            "sheets.spreadsheets.values.batchGet": self._values_batch_get,
            "sheets.spreadsheets.values.update": self._values_update,
            "sheets.spreadsheets.values.batchUpdate": self._values_batch_update,
            "sheets.spreadsheets.values.append": self._values_append,
            "sheets.spreadsheets.values.clear": self._values_clear,
            "sheets.spreadsheets.values.batchClear": self._values_batch_clear,
            "drive.files.create": self._files_create,
            "drive.files.get": self._files_get,
            "drive.files.update": self._files_update,
            "drive.files.copy": self._files_copy,
            "drive.files.list": self._files_list,
            "drive.files.delete": self._files_delete,
            "drive.permissions.create": self._permissions_create,
            "drive.permissions.list": self._permissions_list,
            "drive.permissions.delete": self._permissions_delete,
            "drive.comments.list": self._comments_list,
            "drive.comments.create": self._comments_create,
        }

    # ------------------------------------------------------------------ state shortcuts
    @property
    def files(self) -> dict[str, dict]:
        """Drive file metadata by id (Google-shaped File resources)."""
        return self.drive.files

    @property
    def permissions(self) -> dict[str, list[dict]]:
        return self.drive.permissions

    def add_folder(self, name: str, shared_drive: bool = True, parent: str | None = None) -> str:
        """See ``Drive.add_folder``: a shared drive (default) or a person's "My Drive" folder
        shared with the service account; with ``parent``, a sub-folder."""
        return self.drive.add_folder(name, shared_drive, parent)

    def create_spreadsheet(self, title: str = "Untitled spreadsheet", folder_id: str | None = None, *,
                           locale: str | None = None, time_zone: str | None = None,
                           app_properties: dict[str, str] | None = None,
                           sheets: tuple[str, ...] = ("Sheet1",)) -> str:
        """Set-up helper (no HTTP, no quota, no storage rule): a spreadsheet and its Drive file."""
        parent = folder_id or self.drive.root_id
        holder = self.drive.files.get(parent) or self.drive._drive_root(parent)
        if holder is None:
            raise KeyError(parent)
        sid = self.drive._new_id()
        rec = self.drive._record(sid, title, SPREADSHEET, [parent], drive_id=holder.get("driveId"),
                                 app_properties=app_properties)
        self.drive.files[sid] = rec
        self.drive.permissions[sid] = self.drive._initial_permissions(holder.get("driveId"))
        self.spreadsheets[sid] = self._new_spreadsheet(sid, title, locale, time_zone, sheets)
        return sid

    def _new_spreadsheet(self, sid: str, title: str, locale: str | None, time_zone: str | None,
                         sheets: tuple[str, ...] = ("Sheet1",)) -> model.Spreadsheet:
        ss = model.Spreadsheet(sid, title, locale or self.locale, time_zone or self.time_zone)
        ss.batch_update([{"addSheet": {"properties": {"sheetId": 0 if i == 0 else None, "title": t}}}
                         for i, t in enumerate(sheets)])
        return ss

    # ------------------------------------------------------------------ behaviour hooks
    def inject(self, fault: Fault | None) -> None:
        """Install a fault hook: called with each request, returns a status to answer instead of
        serving it (429/500/503/403...) or None to serve. ``inject(None)`` removes it."""
        self._fault = fault

    def fail_spreadsheet(self, sid: str, status: int = 403) -> None:
        """Every request about this file (Sheets or Drive, by id in the path) fails with ``status``."""
        self._failing[sid] = status

    def deny(self, file_id: str) -> None:
        """The account loses access to this file/folder (and everything below it): Drive answers
        404 "File not found", Sheets 403 PERMISSION_DENIED, as Google does."""
        self.drive.denied.add(file_id)

    def allow(self, file_id: str) -> None:
        self.drive.denied.discard(file_id)

    def count(self, method_id: str | None = None, *, status: int | None = None) -> int:
        """How many requests were received (of one discovery method, with one status)."""
        return sum(1 for r in self.requests
                   if (method_id is None or r.method_id == method_id) and (status is None or r.status == status))

    # ------------------------------------------------------------------ clients
    def session(self, authorized: bool = True) -> requests.Session:
        """A Session whose Google traffic goes to this emulator (other hosts: ConnectionError).
        ``authorized``: a google-auth AuthorizedSession with a never-expiring token; otherwise a
        bare Session that sends no Authorization header (-> 401)."""
        if authorized:
            from google.auth.transport.requests import AuthorizedSession
            from google.oauth2.credentials import Credentials
            session: requests.Session = AuthorizedSession(Credentials(token=TOKEN))
        else:
            session = requests.Session()
        blocked = _NoNetwork()
        session.mount("https://", blocked)
        session.mount("http://", blocked)
        adapter = _Adapter(self)
        session.mount(SHEETS_URL, adapter)
        session.mount(DRIVE_URL, adapter)
        return session

    def client(self, http_client=None):
        """A real ``gspread.Client`` talking to this emulator."""
        import gspread
        from google.oauth2.credentials import Credentials

        kwargs = {"http_client": http_client} if http_client is not None else {}
        return gspread.Client(auth=Credentials(token=TOKEN), session=self.session(), **kwargs)

    # ------------------------------------------------------------------ the request pipeline
    def handle(self, method: str, url: str, headers: dict, body: bytes | None) -> tuple[int, dict, bytes]:
        """Serve one HTTP request; returns (status, headers, body bytes)."""
        parts = urlsplit(url)
        method = method.upper()
        invalid_json = False
        data = None
        if body:
            try:
                data = json.loads(body)
            except ValueError:
                invalid_json = True
        rec = RecordedRequest(method, parts.path + (f"?{parts.query}" if parts.query else ""), data,
                              host=parts.netloc, headers=dict(headers))
        self.requests.append(rec)
        extra: dict[str, str] = {}
        try:
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
                raise ApiError(404, f"The requested URL {parts.path} was not found on this server.",
                               reason="notFound")
            if invalid_json:
                raise ApiError(400, "Invalid JSON payload received.", reason="parseError")
            try:
                validate_request(method, url, data)
            except SchemaError as exc:
                where = str(exc).split(":", 1)[0]
                prefix = "Invalid JSON payload received. " if where.startswith("body") else "Invalid argument. "
                raise ApiError(400, prefix + str(exc), reason="badRequest") from None
            handler = self._handlers.get(found.id)
            if handler is None:
                raise ApiError(501, f"emulator: {found.id} is not implemented", reason="notImplemented")
            call = _Call(rec, found.path_params, parse_qs(parts.query, keep_blank_values=True), data)
            status, payload = handler(call)
            if payload is not None:
                payload = self._shape(found.id, call, payload)
        except ApiError as exc:
            status, payload, extra = exc.status, exc.body(parts.netloc), exc.headers
        except model.ModelError as exc:
            err = ApiError(exc.status, str(exc))
            status, payload = err.status, err.body(parts.netloc)
        rec.status = status
        out_headers = {"Content-Type": "application/json; charset=UTF-8", **extra}
        content = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        return status, out_headers, content

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

    def _shape(self, method_id: str, call: _Call, payload: Any) -> Any:
        """Apply the ``fields`` mask (checked against the response schema) or Drive's defaults."""
        fields = call.one("fields")
        if fields:
            response = _method_defs()[method_id].get("response", {}).get("$ref")
            api = method_id.split(".", 1)[0]
            if response:
                check_mask(api, response, fields)
            return fieldmask.apply(payload, fields)
        default = _DRIVE_DEFAULT_FIELDS.get(method_id)
        return fieldmask.apply(payload, default) if default else payload

    # ================================================================== Sheets
    def _spreadsheet(self, sid: str) -> model.Spreadsheet:
        ss = self.spreadsheets.get(sid)
        if ss is None:
            if sid in self.drive.files and self.drive.accessible(sid):
                raise ApiError(400, "This operation is not supported for this document",
                               reason="failedPrecondition")
            raise ApiError(404)
        if not self.drive.accessible(sid):
            raise ApiError(403)
        return ss

    def _changed(self, ss: model.Spreadsheet) -> None:
        rec = self.drive.files.get(ss.id)
        if rec is not None:
            rec["name"] = ss.properties["title"]
            self.drive.touch(ss.id)
        if self.recalc is not None:
            self.recalc(ss)

    def _sheets_create(self, call: _Call):
        if self.drive.service_account:
            # A service account has no Drive storage: it cannot own a new spreadsheet.
            raise ApiError(403)
        body = call.body or {}
        props = dict(body.get("properties") or {})
        title = props.pop("title", None) or "Untitled spreadsheet"
        rec = self.drive.create({"name": title, "mimeType": SPREADSHEET}, all_drives=True)
        sid = rec["id"]
        ss = model.Spreadsheet(sid, title, props.pop("locale", None) or self.locale,
                               props.pop("timeZone", None) or self.time_zone)
        ss.properties.update(copy.deepcopy(props))
        requests_: list[dict] = []
        sheets = body.get("sheets") or [{}]
        for i, sheet in enumerate(sheets):
            sprops = dict(sheet.get("properties") or {})
            if i == 0:
                sprops.setdefault("sheetId", 0)
            sprops.setdefault("title", f"Sheet{i + 1}")
            requests_.append({"addSheet": {"properties": sprops}})
        try:
            ss.batch_update(requests_)
            more: list[dict] = []
            for sheet, made in zip(sheets, ss.sheets):
                more.extend(_sheet_content_requests(sheet, made.id))
            for nr in body.get("namedRanges") or []:
                more.append({"addNamedRange": {"namedRange": nr}})
            for meta in body.get("developerMetadata") or []:
                more.append({"createDeveloperMetadata": {"developerMetadata": meta}})
            unsupported = set(body) - {"properties", "sheets", "namedRanges", "developerMetadata",
                                       "spreadsheetId", "spreadsheetUrl"}
            if unsupported:
                raise ApiError(501, f"emulator: spreadsheets.create does not support {sorted(unsupported)}",
                               reason="notImplemented")
            if more:
                ss.batch_update(more)
        except Exception:
            self.drive.files.pop(sid, None)
            raise
        self.spreadsheets[sid] = ss
        self._changed(ss)
        return 200, ss.resource(include_grid=False)

    def _sheets_get(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        fields = call.one("fields")
        include = selects(fields, ["sheets", "data"]) if fields else call.flag("includeGridData")
        ranges = [self._normal_range(ss, r) for r in call.many("ranges")]
        return 200, ss.resource(include_grid=include, ranges=ranges or None)

    def _normal_range(self, ss: model.Spreadsheet, text: str) -> str:
        """A range of spreadsheets.get in the form the model reads: 'Title'!A2:C (or 'Title')."""
        rng = _resolve(ss, text)
        _check_limits(rng)
        if rng.whole:
            return quote_title(rng.sheet.title)
        end = (col_letter(rng.c1 - 1) if rng.c1 is not None else "") + ("" if rng.r1 is None else str(rng.r1))
        return f"{quote_title(rng.sheet.title)}!{col_letter(rng.c0)}{rng.r0 + 1}:{end}"

    def _sheets_batch_update(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        body = call.body or {}
        reqs = body.get("requests") or []
        if not reqs:
            raise ApiError(400, "Must specify at least one request.")
        try:
            replies = ss.batch_update(reqs)
        except KeyError as exc:
            raise ApiError(400, f"Invalid request: missing required field {exc.args[0]!r}") from None
        self._changed(ss)
        out = {"spreadsheetId": ss.id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            ranges = [self._normal_range(ss, r) for r in body.get("responseRanges") or []]
            out["updatedSpreadsheet"] = ss.resource(include_grid=bool(body.get("responseIncludeGridData")),
                                                    ranges=ranges or None)
        return 200, out

    # ------------------------------------------------------------------ values: reading
    def _value_range(self, ss: model.Spreadsheet, rng: "_Rng", major: str | None, render: str | None,
                     dt_render: str | None) -> dict:
        major = major if major in ("ROWS", "COLUMNS") else "ROWS"
        render = render or "FORMATTED_VALUE"
        dt_render = dt_render or "SERIAL_NUMBER"
        locale = ss.properties.get("locale", "en_US")
        sheet = rng.sheet
        r0, r1, c0, c1 = rng.closed()
        used_r, used_c = sheet.extent()
        rows = []
        for r in range(r0, min(r1, used_r)):
            line = sheet.cells.get(r, {})
            rows.append([_render(line.get(c), render, dt_render, locale) for c in range(c0, min(c1, used_c))])
        if major == "COLUMNS":
            width = max((len(row) for row in rows), default=0)
            rows = [[row[c] if c < len(row) else None for row in rows] for c in range(width)]
        lines = []
        for row in rows:
            while row and row[-1] in (None, ""):
                row.pop()
            lines.append(["" if v is None else v for v in row])
        while lines and not lines[-1]:
            lines.pop()
        out = {"range": _a1_name(sheet.title, r0, r1, c0, c1), "majorDimension": major}
        if lines:
            out["values"] = lines
        return out

    def _values_get(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        rng = _resolve(ss, call.path["range"])
        _check_limits(rng)
        return 200, self._value_range(ss, rng, call.one("majorDimension"), call.one("valueRenderOption"),
                                      call.one("dateTimeRenderOption"))

    def _values_batch_get(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        out = {"spreadsheetId": ss.id}
        rngs = [_resolve(ss, r) for r in call.many("ranges")]
        for rng in rngs:
            _check_limits(rng)
        if rngs:
            out["valueRanges"] = [self._value_range(ss, rng, call.one("majorDimension"),
                                                    call.one("valueRenderOption"),
                                                    call.one("dateTimeRenderOption")) for rng in rngs]
        return 200, out

    # ------------------------------------------------------------------ values: writing
    def _plan_write(self, ss: model.Spreadsheet, rng: "_Rng", value_range: dict, option: str,
                    *, origin: tuple[int, int] | None = None, grow: bool = False):
        """Model requests for one ValueRange; returns (requests, UpdateValuesResponse, needed rows/cols)."""
        major = value_range.get("majorDimension") or "ROWS"
        values = value_range.get("values") or []
        if not isinstance(values, list):
            raise ApiError(400, "Invalid values: expected a list of lists")
        sheet = rng.sheet
        r0, c0 = origin or (rng.r0, rng.c0)
        locale = ss.properties.get("locale", "en_US")
        cells: dict[int, dict[int, dict]] = {}
        formats: list[tuple[int, int, dict]] = []
        positions: list[tuple[int, int]] = []
        max_r = max_c = -1
        for i, line in enumerate(values):
            if not isinstance(line, list):
                raise ApiError(400, f"Invalid values[{i}]: {_kind(line)}")
            for j, value in enumerate(line):
                r, c = (r0 + i, c0 + j) if major != "COLUMNS" else (r0 + j, c0 + i)
                if origin is None and not rng.anchor:
                    if rng.r1 is not None and r >= rng.r1:
                        raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                            f"to row [{r + 1}]")
                    if rng.c1 is not None and c >= rng.c1:
                        raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                            f"to column [{col_letter(c)}]")
                positions.append((r, c))
                max_r, max_c = max(max_r, r), max(max_c, c)
                if value is None:
                    continue  # null: leave the cell as it is
                if isinstance(value, (dict, list)):
                    raise ApiError(400, f"Invalid values[{i}][{j}]: {_kind(value)}")
                ev, nf = _user_entered(value, locale) if option == "USER_ENTERED" else (_raw(value, i, j), None)
                cells.setdefault(r, {})[c] = {"userEnteredValue": ev} if ev else {}
                if nf:
                    formats.append((r, c, nf))
        need_rows, need_cols = max_r + 1, max_c + 1
        if not grow and (need_rows > sheet.rows or need_cols > sheet.cols):
            raise ApiError(400, f"Range ({quote_title(sheet.title)}!{col_letter(max(max_c, 0))}{max_r + 1}) "
                                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        reqs = _cell_requests(sheet.id, cells) + [
            {"repeatCell": {"range": {"sheetId": sheet.id, "startRowIndex": r, "endRowIndex": r + 1,
                                      "startColumnIndex": c, "endColumnIndex": c + 1},
                            "cell": {"userEnteredFormat": {"numberFormat": nf}},
                            "fields": "userEnteredFormat.numberFormat"}} for r, c, nf in formats]
        response = {"spreadsheetId": ss.id}
        if positions:
            response.update(
                updatedRange=_a1_name(sheet.title, min(p[0] for p in positions), need_rows,
                                      min(p[1] for p in positions), need_cols),
                updatedRows=len(cells), updatedColumns=len({c for row in cells.values() for c in row}),
                updatedCells=sum(len(row) for row in cells.values()))
            for key in ("updatedRows", "updatedColumns", "updatedCells"):
                if not response[key]:
                    del response[key]
        else:
            response["updatedRange"] = rng.name()
        return reqs, response, (need_rows, need_cols)

    def _apply(self, ss: model.Spreadsheet, reqs: list[dict]) -> None:
        if reqs:
            ss.batch_update(reqs)
        self._changed(ss)

    def _with_data(self, ss, response: dict, call_opts: dict) -> dict:
        if call_opts.get("include") and "updatedRange" in response:
            rng = _resolve(ss, response["updatedRange"])
            response["updatedData"] = self._value_range(ss, rng, None, call_opts.get("render"),
                                                        call_opts.get("dt"))
        return response

    @staticmethod
    def _input_option(value: str | None) -> str:
        if not value:
            raise ApiError(400, "'valueInputOption' is required but not specified")
        if value not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, f"Invalid valueInputOption: {value}")
        return value

    def _values_update(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        option = self._input_option(call.one("valueInputOption"))
        rng = _resolve(ss, call.path["range"])
        _check_limits(rng)
        body = call.body or {}
        if body.get("range") and not _same_range(ss, body["range"], rng):
            raise ApiError(400, f"Requested range [{call.path['range']}] must match the range in the body "
                                f"[{body['range']}]")
        reqs, response, _ = self._plan_write(ss, rng, body, option)
        self._apply(ss, reqs)
        opts = {"include": call.flag("includeValuesInResponse"), "render": call.one("responseValueRenderOption"),
                "dt": call.one("responseDateTimeRenderOption")}
        return 200, self._with_data(ss, response, opts)

    def _values_batch_update(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        body = call.body or {}
        option = self._input_option(body.get("valueInputOption"))
        data = body.get("data") or []
        all_reqs, responses = [], []
        for i, vr in enumerate(data):
            if not vr.get("range"):
                raise ApiError(400, f"Invalid data[{i}]: range is required")
            rng = _resolve(ss, vr["range"])
            _check_limits(rng)
            reqs, response, _ = self._plan_write(ss, rng, vr, option)
            all_reqs.extend(reqs)
            responses.append(response)
        if not data:
            return 200, {"spreadsheetId": ss.id}
        self._apply(ss, all_reqs)
        opts = {"include": bool(body.get("includeValuesInResponse")), "render": body.get("responseValueRenderOption"),
                "dt": body.get("responseDateTimeRenderOption")}
        responses = [self._with_data(ss, r, opts) for r in responses]
        out = {"spreadsheetId": ss.id,
               "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
               "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
               "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
               "totalUpdatedSheets": len({_resolve(ss, r["updatedRange"]).sheet.id for r in responses
                                          if r.get("updatedCells")}),
               "responses": responses}
        return 200, {k: v for k, v in out.items() if v != 0}

    def _values_append(self, call: _Call):
        """The "table" is the block of consecutive non-empty rows (within the range's columns)
        that starts at the first non-empty row of the range; values go to the row after it,
        starting at the range's first column. The grid grows as needed, as on Google."""
        ss = self._spreadsheet(call.path["spreadsheetId"])
        option = self._input_option(call.one("valueInputOption"))
        insert = call.one("insertDataOption", "OVERWRITE")
        rng = _resolve(ss, call.path["range"])
        _check_limits(rng)
        sheet = rng.sheet
        r0, r1, c0, c1 = rng.closed()
        if rng.anchor:  # one cell (or a whole sheet): the table is searched from there on
            r1, c1 = sheet.rows, sheet.cols
        filled = sorted(r for r, line in sheet.cells.items() if r0 <= r < r1 and any(
            c0 <= c < c1 and (cell.value not in (None, "") or cell.formula) for c, cell in line.items()))
        table = None
        if filled:
            start = end = filled[0]
            for r in filled[1:]:
                if r != end + 1:
                    break
                end = r
            table = (start, end + 1)
            target = end + 1
        else:
            target = r0
        if insert == "INSERT_ROWS" and any(r >= target and any(
                (cell.value not in (None, "") or cell.formula) for cell in line.values())
                for r, line in sheet.cells.items()):
            raise ApiError(501, "emulator: INSERT_ROWS with data below the table is not implemented",
                           reason="notImplemented")
        body = call.body or {}
        reqs, response, (need_rows, need_cols) = self._plan_write(ss, rng, body, option, origin=(target, c0),
                                                                  grow=True)
        grow = []
        if need_rows > sheet.rows:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "ROWS",
                                             "length": need_rows - sheet.rows}})
        if need_cols > sheet.cols:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "COLUMNS",
                                             "length": need_cols - sheet.cols}})
        self._apply(ss, grow + reqs)
        opts = {"include": call.flag("includeValuesInResponse"), "render": call.one("responseValueRenderOption"),
                "dt": call.one("responseDateTimeRenderOption")}
        out = {"spreadsheetId": ss.id, "updates": self._with_data(ss, response, opts)}
        if table:
            right = c1 if (rng.c1 is not None and not rng.anchor) else max(c0 + 1, max(
                (c + 1 for r in range(*table) for c, cell in sheet.cells.get(r, {}).items()
                 if cell.value not in (None, "") or cell.formula), default=c0 + 1))
            out["tableRange"] = _a1_name(sheet.title, table[0], table[1], c0, right)
        return 200, out

    def _clear_requests(self, rng: "_Rng") -> list[dict]:
        sheet = rng.sheet
        r0, r1, c0, c1 = rng.closed()
        used_r, used_c = sheet.extent()
        r1, c1 = min(r1, used_r), min(c1, used_c)
        if r0 >= r1 or c0 >= c1:
            return []
        return [{"updateCells": {"range": {"sheetId": sheet.id, "startRowIndex": r0, "endRowIndex": r1,
                                           "startColumnIndex": c0, "endColumnIndex": c1},
                                 "fields": "userEnteredValue"}}]

    def _values_clear(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        rng = _resolve(ss, call.path["range"])
        _check_limits(rng)
        self._apply(ss, self._clear_requests(rng))
        return 200, {"spreadsheetId": ss.id, "clearedRange": rng.name()}

    def _values_batch_clear(self, call: _Call):
        ss = self._spreadsheet(call.path["spreadsheetId"])
        rngs = [_resolve(ss, r) for r in (call.body or {}).get("ranges") or []]
        reqs = []
        for rng in rngs:
            _check_limits(rng)
            reqs.extend(self._clear_requests(rng))
        self._apply(ss, reqs)
        out = {"spreadsheetId": ss.id}
        if rngs:
            out["clearedRanges"] = [rng.name() for rng in rngs]
        return 200, out

    # ================================================================== Drive
    @staticmethod
    def _all_drives(call: _Call) -> bool:
        return call.flag("supportsAllDrives") or call.flag("supportsTeamDrives")

    def _files_create(self, call: _Call):
        if call.one("uploadType") or call.rec.path.startswith("/upload/"):
            raise ApiError(501, "emulator: media uploads are not implemented", reason="notImplemented")
        rec = self.drive.create(call.body or {}, all_drives=self._all_drives(call))
        if rec["mimeType"] == SPREADSHEET:
            self.spreadsheets[rec["id"]] = self._new_spreadsheet(rec["id"], rec["name"], None, None)
        return 200, rec

    def _files_get(self, call: _Call):
        rec = self.drive.lookup(call.path["fileId"], all_drives=self._all_drives(call))
        if call.one("alt") == "media":
            if rec["mimeType"].startswith("application/vnd.google-apps."):
                raise ApiError(403, "Only files with binary content can be downloaded. Use Export with Docs "
                                    "Editors files.", reason="fileNotDownloadable", location="alt")
            raise ApiError(501, "emulator: downloads are not implemented", reason="notImplemented")
        return 200, rec

    def _files_update(self, call: _Call):
        if call.rec.path.startswith("/upload/"):
            raise ApiError(501, "emulator: media uploads are not implemented", reason="notImplemented")
        rec = self.drive.update(call.path["fileId"], call.body or {}, add_parents=call.one("addParents"),
                                remove_parents=call.one("removeParents"), all_drives=self._all_drives(call))
        ss = self.spreadsheets.get(rec["id"])
        if ss is not None:
            ss.properties["title"] = rec["name"]
        return 200, rec

    def _files_copy(self, call: _Call):
        source = call.path["fileId"]
        rec = self.drive.copy(source, call.body or {}, all_drives=self._all_drives(call))
        if source in self.spreadsheets:
            ss = copy.deepcopy(self.spreadsheets[source])
            ss.id = rec["id"]
            ss.properties["title"] = rec["name"]
            self.spreadsheets[rec["id"]] = ss
        return 200, rec

    def _files_list(self, call: _Call):
        params = {k: v[-1] for k, v in call.query.items()}
        return 200, self.drive.list(params)

    def _files_delete(self, call: _Call):
        for fid in self.drive.delete(call.path["fileId"], all_drives=self._all_drives(call)):
            self.spreadsheets.pop(fid, None)
        return 204, None

    def _permissions_create(self, call: _Call):
        perm = self.drive.add_permission(call.path["fileId"], call.body or {},
                                         notify=truthy(call.one("sendNotificationEmail", "true")),
                                         message=call.one("emailMessage"), all_drives=self._all_drives(call))
        return 200, perm

    def _permissions_list(self, call: _Call):
        perms = self.drive.list_permissions(call.path["fileId"], all_drives=self._all_drives(call))
        return 200, {"kind": "drive#permissionList", "permissions": copy.deepcopy(perms)}

    def _permissions_delete(self, call: _Call):
        self.drive.delete_permission(call.path["fileId"], call.path["permissionId"],
                                     all_drives=self._all_drives(call))
        return 204, None

    @staticmethod
    def _need_fields(call: _Call) -> None:
        if not call.one("fields"):
            raise ApiError(400, "The 'fields' parameter is required for this operation.", reason="required",
                           location="fields")

    def _comments_list(self, call: _Call):
        self._need_fields(call)
        rec = self.drive.lookup(call.path["fileId"], all_drives=True)
        comments = [c for c in self.drive.comments.get(rec["id"], [])
                    if call.flag("includeDeleted") or not c.get("deleted")]
        return 200, {"kind": "drive#commentList", "comments": copy.deepcopy(comments)}

    def _comments_create(self, call: _Call):
        self._need_fields(call)
        rec = self.drive.lookup(call.path["fileId"], all_drives=True)
        body = dict(call.body or {})
        if not body.get("content"):
            raise ApiError(400, "The comment content field is required.", reason="required")
        now = self.drive.timestamp()
        comments = self.drive.comments.setdefault(rec["id"], [])
        comment = {"kind": "drive#comment", "id": f"AAAA{len(comments) + 1:06d}", "createdTime": now,
                   "modifiedTime": now, "author": {"kind": "drive#user", "displayName": self.identity,
                                                   "me": True},
                   "deleted": False, "resolved": False, **body}
        comments.append(comment)
        return 200, comment


# ============================================================================ ranges

@dataclass
class _Rng:
    """A resolved A1 range: 0-based, half-open; None ends are open (to the grid's end)."""

    sheet: model.Sheet
    r0: int
    r1: int | None
    c0: int
    c1: int | None
    anchor: bool     # a single cell or a whole sheet: a write may extend from its top-left cell
    whole: bool      # the whole sheet
    text: str        # as requested

    def closed(self) -> tuple[int, int, int, int]:
        return (self.r0, self.sheet.rows if self.r1 is None else self.r1,
                self.c0, self.sheet.cols if self.c1 is None else self.c1)

    def name(self) -> str:
        r0, r1, c0, c1 = self.closed()
        return _a1_name(self.sheet.title, r0, r1, c0, c1)


_CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$")
_SPAN_REF = re.compile(r"^(\$?[A-Za-z]{1,3}\$?\d*|\$?\d+):(\$?[A-Za-z]{1,3}\$?\d*|\$?\d+)$")


def _resolve(ss: model.Spreadsheet, text: str) -> _Rng:
    """An A1 range as Google reads it: 'Sheet'!A1:B2, Sheet!A:B, Sheet, A1:B2 (first sheet), a named range."""
    bad = ApiError(400, f"Unable to parse range: {text}")
    t = text.strip()
    if not t or not ss.sheets:
        raise bad
    if "!" in t:
        head, _, ref = t.rpartition("!")
        title = head[1:-1].replace("''", "'") if len(head) >= 2 and head[0] == head[-1] == "'" else head
        if not ref:
            raise bad
    else:
        bare = t[1:-1].replace("''", "'") if len(t) >= 2 and t[0] == t[-1] == "'" else t
        if any(s.title == bare for s in ss.sheets):
            title, ref = bare, ""
        else:
            for nr in ss.named_ranges:
                if nr.get("name") == t:
                    gr = nr.get("range", {})
                    sheet = ss.sheet(gr.get("sheetId", 0))
                    return _Rng(sheet, gr.get("startRowIndex", 0), gr.get("endRowIndex"),
                                gr.get("startColumnIndex", 0), gr.get("endColumnIndex"), False, False, text)
            title, ref = ss.sheets[0].title, t
    sheet = next((s for s in ss.sheets if s.title == title), None)
    if sheet is None:
        raise bad
    if not ref:
        return _Rng(sheet, 0, None, 0, None, True, True, text)
    if not (_CELL_REF.match(ref) or _SPAN_REF.match(ref)):
        raise bad
    try:
        a1 = parse_a1("x!" + ref)
    except ValueError:
        raise bad from None
    r0, r1, c0, c1 = a1.start_row or 0, a1.end_row, a1.start_col or 0, a1.end_col
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return _Rng(sheet, r0, r1, c0, c1, ":" not in ref, False, text)


def _check_limits(rng: _Rng) -> None:
    sheet = rng.sheet
    last_r = rng.r1 if rng.r1 is not None else rng.r0 + 1
    last_c = rng.c1 if rng.c1 is not None else rng.c0 + 1
    if last_r > sheet.rows or last_c > sheet.cols:
        ref = rng.text.rpartition("!")[2] if "!" in rng.text else rng.text
        raise ApiError(400, f"Range ({quote_title(sheet.title)}!{ref}) exceeds grid limits. "
                            f"Max rows: {sheet.rows}, max columns: {sheet.cols}")


def _same_range(ss: model.Spreadsheet, text: str, rng: _Rng) -> bool:
    other = _resolve(ss, text)
    return (other.sheet.id, other.closed()) == (rng.sheet.id, rng.closed())


_SIMPLE_TITLE = re.compile(r"[^\W\d]\w*")
_LOOKS_LIKE_REF = re.compile(r"(?i)[a-z]{1,3}\d+|r\d*c?\d*|true|false")


def google_title(title: str) -> str:
    """A sheet title as Google writes it in A1 ranges: quoted only when it needs quotes."""
    if _SIMPLE_TITLE.fullmatch(title) and not _LOOKS_LIKE_REF.fullmatch(title):
        return title
    return quote_title(title)


def _a1_name(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """Sheet1!A1:D4, 'My sheet'!B2 (one cell), as Google names a closed range."""
    first = f"{col_letter(c0)}{r0 + 1}"
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return f"{google_title(title)}!{first}"
    return f"{google_title(title)}!{first}:{col_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"


def _sheet_content_requests(sheet: dict, sheet_id: int) -> list[dict]:
    """batchUpdate requests that recreate a Sheet resource's content (spreadsheets.create)."""
    out = []
    for data in sheet.get("data") or []:
        rows = [{"values": [{k: v for k, v in cell.items()
                             if k in ("userEnteredValue", "userEnteredFormat", "note", "dataValidation")}
                            for cell in row.get("values", [])]} for row in data.get("rowData", [])]
        if rows:
            out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": data.get("startRow", 0),
                                                  "columnIndex": data.get("startColumn", 0)},
                                        "rows": rows,
                                        "fields": "userEnteredValue,userEnteredFormat,note,dataValidation"}})
    for rule in sheet.get("conditionalFormats") or []:
        out.append({"addConditionalFormatRule": {"rule": rule, "index": len(out)}})
    for pr in sheet.get("protectedRanges") or []:
        out.append({"addProtectedRange": {"protectedRange": pr}})
    for merge in sheet.get("merges") or []:
        out.append({"mergeCells": {"range": merge, "mergeType": "MERGE_ALL"}})
    for chart in sheet.get("charts") or []:
        out.append({"addChart": {"chart": chart}})
    unsupported = set(sheet) - {"properties", "data", "conditionalFormats", "protectedRanges", "merges", "charts"}
    if unsupported:
        raise ApiError(501, f"emulator: spreadsheets.create does not support sheets[].{sorted(unsupported)}",
                       reason="notImplemented")
    return out


def _cell_requests(sheet_id: int, cells: dict[int, dict[int, dict]]) -> list[dict]:
    """updateCells requests (fields=userEnteredValue) for sparse cells: one per block of rows that
    write the same contiguous columns."""
    runs: list[tuple[int, int, list[dict]]] = []
    for r in sorted(cells):
        cols = sorted(cells[r])
        start = prev = cols[0]
        for c in cols[1:] + [None]:
            if c is not None and c == prev + 1:
                prev = c
                continue
            runs.append((r, start, [cells[r][k] for k in range(start, prev + 1)]))
            if c is not None:
                start = prev = c
    out: list[dict] = []
    last = None
    for r, c0, values in runs:
        if last and last[0] + last[2] == r and last[1] == c0 and len(last[3][0]["values"]) == len(values):
            last[3].append({"values": values})
            last[2] += 1
            continue
        rows = [{"values": values}]
        out.append({"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": r, "columnIndex": c0},
                                    "rows": rows, "fields": "userEnteredValue"}})
        last = [r, c0, 1, rows]
    return out


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return f"struct_value {json.dumps(value)}"
    if isinstance(value, list):
        return f"list_value {json.dumps(value)}"
    return repr(value)


# ============================================================================ value input

def _raw(value: Any, i: int = 0, j: int = 0) -> dict | None:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ApiError(400, f"Invalid values[{i}][{j}]: number_value {value}")
        return {"numberValue": value}
    if value == "":
        return None
    return {"stringValue": str(value)}


_DOT_DATE_LANGS = {"ru", "uk", "be", "kk", "de", "tr", "pl", "cs", "sk", "fi", "nb", "no", "da", "ro", "hr",
                   "sl", "sr", "bg", "lv", "lt", "et", "hu", "az", "ka", "hy", "uz", "is"}
_GROUP_DOT_LANGS = {"de", "tr", "es", "it", "pt", "nl", "da", "id", "ro", "hr", "sl", "sr", "el"}


def _lang(locale: str) -> tuple[str, str]:
    lang, _, country = (locale or "en_US").replace("-", "_").partition("_")
    return lang.lower(), country.upper()


def _date_order(locale: str) -> str:
    lang, country = _lang(locale)
    if lang == "en" and country in ("US", "PH", ""):
        return "MDY"
    if lang in _DOT_DATE_LANGS:
        return "DMY."
    if lang in ("zh", "ja", "ko", "hu", "lt", "sv"):
        return "YMD"
    return "DMY/"


def _default_pattern(kind: str, locale: str) -> str:
    order = _date_order(locale)
    date = {"MDY": "m/d/yyyy", "DMY.": "dd.mm.yyyy", "DMY/": "dd/mm/yyyy"}.get(order, "yyyy-mm-dd")
    clock = "h:mm:ss am/pm" if order == "MDY" else "h:mm:ss"
    return {"DATE": date, "TIME": clock}.get(kind, f"{date} {clock}")


_NUM_POINT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?$|^[+-]?\.\d+(?:[eE][+-]?\d+)?$")
_TIME = r"(\d{1,2}):(\d{2})(?::(\d{2}))?"


def _parse_number(text: str, locale: str) -> tuple[float, dict | None] | None:
    percent = text.endswith("%")
    core = text[:-1].strip() if percent else text
    if decimal_comma(locale):
        lang, _ = _lang(locale)
        groups = r"[ \u00a0\u202f" + (r"." if lang in _GROUP_DOT_LANGS else "") + r"]"
        pattern = rf"^[+-]?(?:\d{{1,3}}(?:{groups}\d{{3}})+|\d+)(?:,\d*)?(?:[eE][+-]?\d+)?$"
        if not re.match(pattern, core):
            return None
        grouped = bool(re.search(groups, core))
        core = re.sub(groups, "", core).replace(",", ".")
    else:
        if not _NUM_POINT.match(core):
            return None
        grouped = "," in core
        core = core.replace(",", "")
    number = float(core)
    decimals = "." in core and "e" not in core.lower()
    if percent:
        return number / 100, {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
    # Typed with thousands separators: Sheets also applies a grouped number format.
    fmt = {"type": "NUMBER", "pattern": "#,##0.00" if decimals else "#,##0"} if grouped else None
    if number.is_integer() and "e" not in core.lower() and abs(number) < 2 ** 53:
        return int(number), fmt
    return number, fmt


def _serial(day: dt.date, h: int = 0, m: int = 0, s: int = 0) -> float | int:
    days = (day - EPOCH).days
    frac = (h * 3600 + m * 60 + s) / 86400
    return days + frac if frac else days


def _parse_date(text: str, locale: str) -> tuple[float, dict] | None:
    order = _date_order(locale)
    m = re.fullmatch(rf"(\d{{4}})-(\d{{1,2}})-(\d{{1,2}})(?:[ T]{_TIME})?", text)
    try:
        if m:
            y, mo, d, hh, mm, ss = m.groups()
            day = dt.date(int(y), int(mo), int(d))
            pattern = "yyyy-mm-dd" + (" h:mm:ss" if hh else "")
        else:
            sep = "." if order == "DMY." else "/"
            m = re.fullmatch(rf"(\d{{1,2}})\{sep}(\d{{1,2}})\{sep}(\d{{4}})(?: {_TIME})?", text)
            if m:
                a, b, y, hh, mm, ss = m.groups()
                mo, d = (a, b) if order == "MDY" else (b, a)
                day = dt.date(int(y), int(mo), int(d))
                pattern = _default_pattern("DATE_TIME" if hh else "DATE", locale)
            else:
                m = re.fullmatch(_TIME, text)
                if not m:
                    return None
                hh, mm, ss = m.groups()
                if int(hh) > 23 or int(mm) > 59 or int(ss or 0) > 59:
                    return None
                return (int(hh) * 3600 + int(mm) * 60 + int(ss or 0)) / 86400, \
                    {"type": "TIME", "pattern": _default_pattern("TIME", locale)}
    except ValueError:
        return None
    h, mi, s = int(hh or 0), int(mm or 0), int(ss or 0)
    if h > 23 or mi > 59 or s > 59:
        return None
    return _serial(day, h, mi, s), {"type": "DATE_TIME" if hh else "DATE", "pattern": pattern}


def _user_entered(value: Any, locale: str) -> tuple[dict | None, dict | None]:
    """A value as if typed into the Sheets UI: formulas, numbers, percents, dates, booleans."""
    if not isinstance(value, str):
        return _raw(value), None
    if value == "":
        return None, None
    if value.startswith("'"):
        return {"stringValue": value[1:]}, None
    if value.startswith("=") and len(value) > 1:
        return {"formulaValue": value}, None
    text = value.strip()
    if text.upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.upper() == "TRUE"}, None
    number = _parse_number(text, locale)
    if number is not None:
        return {"numberValue": number[0]}, number[1]
    date = _parse_date(text, locale)
    if date is not None:
        return {"numberValue": date[0]}, date[1]
    return {"stringValue": value}, None


# ============================================================================ value output

def _num(value: float | int) -> float | int:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 53:
        return int(value)
    return value


def _render(cell: model.Cell | None, render: str, dt_render: str, locale: str) -> Any:
    if cell is None:
        return None
    if render == "FORMULA" and cell.formula is not None:
        return cell.formula
    value = cell.effective if cell.formula is not None else cell.value
    if value is None or value == "":
        return None
    fmt = (cell.fmt or {}).get("numberFormat")
    if render == "FORMATTED_VALUE":
        return _format(value, fmt, locale)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if dt_render == "FORMATTED_STRING" and fmt and fmt.get("type") in ("DATE", "TIME", "DATE_TIME"):
            return _format(value, fmt, locale)
        return _num(value)
    return value


def _format(value: Any, fmt: dict | None, locale: str) -> str:
    """FORMATTED_VALUE: the common number formats; unknown patterns fall back to 'automatic'."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    kind, pattern = (fmt or {}).get("type"), (fmt or {}).get("pattern")
    if kind in ("DATE", "TIME", "DATE_TIME"):
        return _format_date(value, pattern or _default_pattern(kind, locale))
    if kind == "PERCENT" and not pattern:
        pattern = "0.00%"
    if kind == "CURRENCY" and not pattern:
        pattern = "#,##0.00"
    if pattern and kind != "TEXT":
        return _format_pattern(value, pattern, locale)
    return _automatic(value, locale)


def _localize(text: str, locale: str, grouping_used: bool = False) -> str:
    if not decimal_comma(locale):
        return text
    lang, _ = _lang(locale)
    group = "." if lang in _GROUP_DOT_LANGS else "\u00a0"
    return text.replace(",", "\0").replace(".", ",").replace("\0", group)


def _automatic(value: float | int, locale: str) -> str:
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return str(int(value))
    if abs(value) >= 1e15 or abs(value) < 1e-10:
        text = f"{value:.2E}"
    else:
        text = f"{round(value, 10):.10f}".rstrip("0").rstrip(".")
    return _localize(text, locale)


def _format_pattern(value: float | int, pattern: str, locale: str) -> str:
    section = pattern.split(";")[0]
    m = re.search(r"[#0?][#0?,]*(\.[#0?]*)?", section)
    if not m:
        return _automatic(value, locale)
    prefix, suffix = section[:m.start()], section[m.end():]
    literal = lambda s: re.sub(r'\[\$([^\]-]*)[^\]]*\]|"([^"]*)"|\\(.)|[_*].', lambda g: next(
        (x for x in g.groups() if x is not None), ""), s)
    prefix, suffix = literal(prefix), literal(suffix)
    if "%" in prefix + suffix:
        value = value * 100
    decimals = len(m.group(1)) - 1 if m.group(1) else 0
    grouping = "," in m.group(0).split(".")[0]
    text = f"{abs(value):,.{decimals}f}" if grouping else f"{abs(value):.{decimals}f}"
    optional = len(m.group(1) or "") - len((m.group(1) or "").rstrip("#"))
    if optional and "." in text:
        keep = len(text) - optional
        while len(text) > keep and text.endswith("0"):
            text = text[:-1]
        text = text.rstrip(".")
    sign = "-" if value < 0 and float(text.replace(",", "")) != 0 else ""
    return sign + prefix + _localize(text, locale) + suffix


_DATE_TOKEN = re.compile(r'"[^"]*"|\\.|yyyy|yy|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|\.0+|.',
                         re.IGNORECASE)
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _format_date(serial: float, pattern: str) -> str:
    moment = dt.datetime(1899, 12, 30) + dt.timedelta(seconds=round(serial * 86400))
    toks = _DATE_TOKEN.findall(pattern)
    lower = [t.lower() for t in toks]
    twelve = any(t in ("am/pm", "a/p") for t in lower)
    minute = [False] * len(toks)
    for i, t in enumerate(lower):
        if t in ("m", "mm"):
            before = next((x for x in reversed(lower[:i]) if x[0] in "hsdym"), "")
            after = next((x for x in lower[i + 1:] if x[0] in "hsdym"), "")
            minute[i] = before.startswith("h") or after.startswith("s")
    out = []
    for i, (t, low) in enumerate(zip(toks, lower)):
        hour = moment.hour % 12 or 12 if twelve else moment.hour
        value = {
            "yyyy": f"{moment.year:04d}", "yy": f"{moment.year % 100:02d}",
            "mmmmm": _MONTHS[moment.month - 1][0], "mmmm": _MONTHS[moment.month - 1],
            "mmm": _MONTHS[moment.month - 1][:3],
            "mm": f"{moment.minute:02d}" if minute[i] else f"{moment.month:02d}",
            "m": str(moment.minute) if minute[i] else str(moment.month),
            "dddd": _DAYS[moment.weekday()], "ddd": _DAYS[moment.weekday()][:3],
            "dd": f"{moment.day:02d}", "d": str(moment.day),
            "hh": f"{hour:02d}", "h": str(hour), "ss": f"{moment.second:02d}", "s": str(moment.second),
            "am/pm": "AM" if moment.hour < 12 else "PM", "a/p": "A" if moment.hour < 12 else "P",
        }.get(low)
        if value is None:
            if t.startswith('"'):
                value = t[1:-1]
            elif t.startswith("\\"):
                value = t[1:]
            elif t.startswith(".0"):
                value = ""
            else:
                value = t
        out.append(value)
    return "".join(out)
