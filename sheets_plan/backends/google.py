"""GoogleBackend: the Backend interface on Google Sheets and Drive, via gspread.

Requests per operation (DESIGN §7): create = 1 Drive files.create (with
parents and appProperties); get = 1 spreadsheets.get (no grid data);
read = 1 spreadsheets.get with grid data for all the ranges; batch_update
= 1 atomic batchUpdate; projects = 1 files.list per 1000 files. Rows and
cells never cost requests.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import gspread
import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sheets_plan.sheets import formula
from .base import ProjectRef
from sheets_plan.errors import RunError
from sheets_plan.sheets.values import Grid
from sheets_plan.sheets.a1 import parse_a1
from .retry import Pacer, ReliableHTTPClient, RetryPolicy

# URLs, in one place.
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
SHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"

# Sheets to read and write; full Drive to find projects in a shared folder
# and to copy a master sheet that the tool did not create (drive.file sees
# only the tool's own files).
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]
MARKER = ("tool", "sheets-plan")  # an appProperty on every project file: how listing finds them
APP_PROPERTY_BYTES = 124          # Drive's limit per key + value, UTF-8

META_FIELDS = ("spreadsheetId,properties(title,locale,timeZone),developerMetadata,"
               "sheets(properties,conditionalFormats,protectedRanges,charts(chartId))")
GRID_FIELDS = ("sheets(properties(sheetId,title),data(startRow,startColumn,"
               "rowData(values(userEnteredValue,effectiveValue,hyperlink))))")


def spreadsheet_id(target: str) -> str:
    """An ID or a spreadsheet URL -> the ID."""
    if "/d/" in target:
        return target.split("/d/", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return target


def google_errors(fn):
    """API and network failures -> one RunError line a person can act on."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except APIError as e:
            raise RunError(self.explain(e, args[0] if args else "")) from None
        except RefreshError:
            raise RunError("Google rejected the credentials (expired, revoked or wrong key?)") from None
        except (requests.ConnectionError, requests.Timeout, TransportError) as e:
            raise RunError(f"network error talking to Google ({type(e).__name__}); try again later") from None

    return wrapper


class GoogleBackend:
    kind = "google"

    def __init__(self, client: gspread.Client, *, folder: str | None = None, account: str = "",
                 allow_domain: str | None = None, notify: bool = False):
        self.client = client
        self.http = client.http_client
        self.folder = folder
        self.account = account  # the service account's e-mail, for error messages
        self.allow_domain = allow_domain
        self.notify = notify
        self.locales: dict[str, str] = {}
        self.fresh: dict[str, dict] = {}  # spreadsheets created by this backend, not yet read

    # ------------------------------------------------------------ errors
    def explain(self, e: APIError, target: str) -> str:
        reason = ",".join(x.get("reason", "") for x in e.error.get("errors", []) if isinstance(x, dict))
        who = f" with {self.account}" if self.account else " with the account the tool runs as"
        if "storageQuotaExceeded" in reason or "storage quota" in e.error.get("message", ""):
            return ("a service account has no Drive storage of its own: pass --folder with the ID of a folder "
                    "inside a Shared Drive (the service account a member of it), or use OAuth user credentials")
        if e.code == 404:
            return f"{target}: not found, or not shared{who} (share it as Editor)"
        if e.code == 403:
            return f"{target}: no access; share it{who} as Editor"
        if e.code == 429:
            return "Google API quota exceeded (60 requests per minute per user) even after retries; try again later"
        if e.code == 401:
            return "Google rejected the credentials (expired or revoked key?)"
        return f"{target}: Google API error {e.code}: {e.error.get('message', '')}"

    # ------------------------------------------------------------ Drive
    @google_errors
    def create(self, title: str, tags: dict[str, str], *, locale: str, time_zone: str) -> str:
        if not self.folder:
            raise RunError("provisioning on Google needs --folder FOLDER_ID (a folder in a Shared Drive)")
        body = {"name": title, "mimeType": SHEET_MIME, "parents": [self.folder],
                "appProperties": self._app_properties(tags)}
        try:
            sid = self._create_once(body, tags["project"])
        except APIError as e:  # 403/404 here are about the folder, not the new file's title
            raise RunError(self.explain(e, f"folder {self.folder}")) from None
        self.locales[sid] = locale
        # Drive makes it in the account's own locale; provisioning then sets ours.
        self.fresh[sid] = {"spreadsheetId": sid, "properties": {"title": title},
                            "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1", "index": 0,
                                                       "gridProperties": {"rowCount": 1000, "columnCount": 26}}}]}
        return sid

    def _create_once(self, body: dict, project: str) -> str:
        """files.create is not idempotent: a request that failed (5xx, timeout)
        may still have made the file, so look before trying again."""
        def send():
            return HTTPClient.request(self.http, "post", DRIVE_FILES, params={"supportsAllDrives": "true",
                                                                             "fields": "id"}, json=body).json()["id"]

        def made():
            return next((r.id for r in self.projects() if r.project == project), None)

        return self.http.call(send, before_retry=made)

    def _app_properties(self, tags: dict[str, str]) -> dict[str, str]:
        props = dict(tags, **dict([MARKER]))
        for k, v in props.items():
            if len(k.encode()) + len(str(v).encode()) > APP_PROPERTY_BYTES:
                raise RunError(f"tag {k}={v!r} is longer than Drive allows ({APP_PROPERTY_BYTES} bytes); "
                               f"use a shorter project name")
        return props

    @google_errors
    def set_tags(self, sid: str, tags: dict[str, str]) -> None:
        self.http.request("patch", f"{DRIVE_FILES}/{sid}", params={"supportsAllDrives": "true", "fields": "id"},
                          json={"appProperties": self._app_properties(tags)})

    def check_members(self, members: list[str]) -> None:
        for email in members:
            domain = email.rsplit("@", 1)[-1].lower()
            if self.allow_domain and domain != self.allow_domain.lower():
                raise RunError(f"{email}: outside the allowed domain {self.allow_domain}; nothing was shared")

    @google_errors
    def share(self, sid: str, members: list[str], *, notify: bool | None = None) -> None:
        self.check_members(members)
        for email in members:
            self.http.request("post", f"{DRIVE_FILES}/{sid}/permissions",
                              params={"supportsAllDrives": "true", "fields": "id",
                                      "sendNotificationEmail": "true" if (notify or self.notify) else "false"},
                              json={"type": "user", "role": "writer", "emailAddress": email})

    @google_errors
    def check_folder(self) -> None:
        """A Drive folder that is not there (or not shared with the account) is an error, not an
        empty folder: one files.get, made only when a listing found nothing."""
        if not self.folder:
            raise RunError("listing Google projects needs --folder FOLDER_ID")
        try:
            self.http.request("get", f"{DRIVE_FILES}/{self.folder}", params={"supportsAllDrives": "true",
                                                                              "fields": "id,mimeType"})
        except APIError as e:
            if e.response.status_code == 404:
                raise RunError(f"{self.folder}: no such Drive folder, or not shared with {self.account}") from None
            raise

    def skipped(self) -> list[tuple[str, str, str]]:
        return []  # Drive lists Google Sheets only (mimeType); other files are not looked at

    @google_errors
    def projects(self) -> list[ProjectRef]:
        if not self.folder:
            raise RunError("listing Google projects needs --folder FOLDER_ID")
        q = (f"'{self.folder}' in parents and trashed = false and mimeType = '{SHEET_MIME}' and "
             f"appProperties has {{ key='{MARKER[0]}' and value='{MARKER[1]}' }}")
        refs, token = [], None
        while True:
            params = {"q": q, "pageSize": 1000, "supportsAllDrives": "true", "includeItemsFromAllDrives": "true",
                      "fields": "nextPageToken,files(id,name,appProperties)"}
            if token:
                params["pageToken"] = token
            page = self.http.request("get", DRIVE_FILES, params=params).json()
            for f in page.get("files", []):
                p = f.get("appProperties", {})
                refs.append(ProjectRef(f["id"], p.get("project", f.get("name", "")), p.get("template", ""),
                                       p.get("version", ""), SHEET_URL.format(id=f["id"])))
            token = page.get("nextPageToken")
            if not token:
                return refs

    @google_errors
    def copy(self, source: str, title: str, tags: dict[str, str]) -> str:
        """A copy of a master spreadsheet into the folder (Drive files.copy)."""
        body = {"name": title, "parents": [self.folder], "appProperties": self._app_properties(tags)}
        r = self.http.request("post", f"{DRIVE_FILES}/{spreadsheet_id(source)}/copy",
                              params={"supportsAllDrives": "true", "fields": "id"}, json=body)
        return r.json()["id"]

    # ------------------------------------------------------------ Sheets
    @google_errors
    def get(self, sid: str) -> dict:
        fresh = self.fresh.pop(sid, None)
        if fresh is not None:  # just created: its shape is known, no request needed
            return fresh
        meta = self.http.request("get", f"{SHEETS}/{sid}", params={"fields": META_FIELDS}).json()
        self.locales[sid] = meta.get("properties", {}).get("locale", "en_US")
        return meta

    @google_errors
    def read(self, sid: str, ranges: list[str]) -> list[Grid]:
        params = [("ranges", r) for r in ranges] + [("includeGridData", "true"), ("fields", GRID_FIELDS)]
        res = self.http.request("get", f"{SHEETS}/{sid}", params=params).json()
        by_title = {s["properties"]["title"]: s for s in res.get("sheets", [])}
        locale = self.locales.get(sid, "en_US")
        grids = []
        for r in ranges:
            title = parse_a1(r).title
            sheet = by_title.get(title)
            if sheet is None:
                raise RunError(f"{sid}: no tab {title!r}")
            grids.append(_grid(title, sheet.get("data", [{}])[0], locale))
        return grids

    @google_errors
    def batch_update(self, sid: str, requests_: list[dict]) -> list[dict]:
        if not requests_:
            return []
        for r in requests_:  # a batch that sets the locale writes its formulas in that locale's syntax
            locale = r.get("updateSpreadsheetProperties", {}).get("properties", {}).get("locale")
            if locale:
                self.locales[sid] = locale
        body = request_body(formula.render_requests(requests_, self.locales.get(sid, "en_US")))
        return self.http.request("post", f"{SHEETS}/{sid}:batchUpdate", data=body,
                                 headers={"Content-Type": "application/json"}).json().get("replies", [])

    def cell_link(self, sheet_id: int, title: str, a1: str, label: str) -> str:
        return f'=HYPERLINK("#gid={sheet_id}&range={a1}","' + label.replace('"', '""') + '")'


def request_body(requests_: list[dict]) -> bytes:
    """A batchUpdate body as sent: UTF-8 JSON. (`json=` would escape every
    Cyrillic letter as \\uXXXX, six bytes for two: a Russian Weekly tab's
    body was 1.7 times larger for nothing.)"""
    return json.dumps({"requests": requests_}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _grid(title: str, data: dict, locale: str) -> Grid:
    r0, c0 = data.get("startRow", 0), data.get("startColumn", 0)
    values, formulas = [[] for _ in range(r0)], [[] for _ in range(r0)]
    links = {}
    for r, row in enumerate(data.get("rowData", []), r0):
        vals, forms = [None] * c0, [None] * c0
        for c, cell in enumerate(row.get("values", []), c0):
            if cell.get("hyperlink"):  # a linked cell (=HYPERLINK or a link on its text)
                links[(r, c)] = cell["hyperlink"]
            entered = cell.get("userEnteredValue", {})
            f = entered.get("formulaValue")
            forms.append(formula.to_internal(f, locale) if f else None)
            vals.append(_plain(cell.get("effectiveValue")))
        values.append(vals)
        formulas.append(forms)
    return Grid(title, values, formulas, links)


def _plain(ev: dict | None):
    if not ev:
        return None
    for key in ("numberValue", "stringValue", "boolValue"):
        if key in ev:
            return ev[key]
    return "#" + ev.get("errorValue", {}).get("type", "ERROR")


# ------------------------------------------------------------------ auth
def service_account_email(path: str | Path) -> str:
    try:
        return json.loads(Path(path).read_text()).get("client_email", "")
    except (OSError, ValueError):
        return ""


def connect(credentials: str | None = None, *, oauth: bool = False, retry: RetryPolicy | None = None,
            per_minute: int | None = 60, session: requests.Session | None = None) -> tuple[gspread.Client, str]:
    """A gspread client with bounded retries and pacing; returns (client, account e-mail)."""
    from google.auth.exceptions import GoogleAuthError

    if session is not None:  # tests: the emulator's session carries its own auth
        client = gspread.Client(auth=None, session=session, http_client=ReliableHTTPClient)
        account = ""
    else:
        path = credentials or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
        try:
            if oauth:
                client = gspread.oauth(scopes=SCOPES, http_client=ReliableHTTPClient)
                account = ""
            elif path:
                client = gspread.service_account(filename=path, scopes=SCOPES, http_client=ReliableHTTPClient)
                account = service_account_email(path)
            else:
                raise RunError("no Google credentials: pass --credentials KEY.json, set GOOGLE_APPLICATION_CREDENTIALS, "
                               "or use --oauth")
        except (OSError, ValueError, GoogleAuthError) as e:
            raise RunError(f"cannot load Google credentials from {path}: {type(e).__name__}") from None
    client.http_client.configure(retry or RetryPolicy(), Pacer(per_minute) if per_minute else None)
    return client, account

