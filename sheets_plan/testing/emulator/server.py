"""The Emulator: set-up helpers, clients, and the request pipeline (auth, quota, faults,
discovery validation, dispatch to the per-area handlers, field masks)."""

from __future__ import annotations

import json
import math
import time
from collections import deque
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

import requests

from sheets_plan import model
from sheets_plan.testing import fieldmask
from sheets_plan.testing.discovery import SchemaError, method_defs, find_method, validate_request
from .drive_api import DriveApi
from .drive_query import SPREADSHEET
from .drive_state import Drive
from .errors import ApiError, check_mask
from .sheets_api import SheetsApi
from .state import Store
from .transport import Adapter, Call, Fault, Media, NoNetwork, RecordedRequest
from .values_api import ValuesApi

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



# ============================================================================ the emulator

class Emulator:
    """Google Sheets v4 + Drive v3, in memory, strict like Google: the request pipeline over handlers
    per API area (``SheetsApi``, ``ValuesApi``, ``DriveApi``) that share one state (``Store``)."""

    def __init__(self, *, service_account: str | None = "robot@project.iam.gserviceaccount.com",
                 quota_per_minute: int | None = None, clock: Callable[[], float] | None = None,
                 locale: str = "en_US", time_zone: str = "Etc/GMT"):
        """``service_account=None`` acts as a person (OAuth user credentials): such an account has
        storage in "My Drive". ``locale``/``time_zone`` are the account's defaults for new
        spreadsheets. Formulas are computed by ``formulas.Evaluator`` when values are read."""
        self.store = Store(service_account or "user@example.com", service_account is not None, locale, time_zone)
        self.requests: list[RecordedRequest] = []
        self.quota_per_minute = quota_per_minute
        self.clock = clock or time.monotonic
        self._window: deque[float] = deque()
        self._fault: Fault | None = None
        self._failing: dict[str, int] = {}
        values = ValuesApi(self.store)
        self._handlers: dict[str, Callable[[Call], tuple[int, Any]]] = {
            **SheetsApi(self.store).routes(), **values.routes(), **DriveApi(self.store, values).routes()}

    # ------------------------------------------------------------------ state shortcuts
    @property
    def identity(self) -> str:
        return self.store.identity

    @property
    def drive(self) -> Drive:
        return self.store.drive

    @property
    def spreadsheets(self) -> dict[str, model.Spreadsheet]:
        return self.store.spreadsheets

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
        self.spreadsheets[sid] = self.store.new_spreadsheet(sid, title, locale, time_zone, sheets)
        return sid

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
        blocked = NoNetwork()
        session.mount("https://", blocked)
        session.mount("http://", blocked)
        adapter = Adapter(self.handle)
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
        data = media = None
        kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
        if body and parts.path.startswith("/upload/") and "json" not in kind:
            media = Media(body, kind.split(";")[0].strip())  # an upload's content, not JSON
        elif body:
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
                field = where.removeprefix("body").lstrip(".") or where
                raise ApiError(400, prefix + str(exc), reason="badRequest",
                               violations=[(field, prefix + str(exc))]) from None
            handler = self._handlers.get(found.id)
            if handler is None:
                raise ApiError(501, f"emulator: {found.id} is not implemented", reason="notImplemented")
            call = Call(rec, found.path_params, parse_qs(parts.query, keep_blank_values=True), data, media)
            status, payload = handler(call)
            if isinstance(payload, Media):  # a download: its own bytes and type
                rec.status = status
                return status, {"Content-Type": payload.mime}, payload.content
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

