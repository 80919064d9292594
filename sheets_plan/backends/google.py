"""GoogleBackend: the Backend interface on Google Sheets and Drive, via gspread.

Requests per operation (docs/google.md): create = 1 Drive files.create (with
parents and appProperties); get = 1 spreadsheets.get (no grid data);
read = 1 spreadsheets.get with grid data for all the ranges; batch_update
= 1 atomic batchUpdate (over 2 MB: several, sheets/batches.py); projects = 1
files.list per 1000 files. Rows and cells never cost requests.

The Sheets calls are here, the Drive calls (files, tags, sharing, listing)
in ``google_drive``, what a failure means in ``google_failures``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import gspread
import requests
from gspread.exceptions import APIError

from sheets_plan.sheets import formula, limits
from sheets_plan.sheets.batches import MAX_BODY, batches
from sheets_plan.errors import RunError
from sheets_plan.sheets.values import Grid
from sheets_plan.sheets.a1 import parse_a1
from .google_drive import APP_PROPERTY_BYTES, DRIVE_FILES, MARKER, SHEET_MIME, SHEET_URL, DriveCalls, spreadsheet_id
from .google_failures import explain, google_errors
from .retry import Pacer, ReliableHTTPClient, RetryPolicy

# The Drive calls and their names live in `google_drive`, the error wrapper in `google_failures`;
# the rest of the product (and tests) take them from here.
__all__ = ["GoogleBackend", "connect", "request_body", "service_account_email", "spreadsheet_id", "google_errors",
           "SHEETS", "DRIVE_FILES", "SHEET_URL", "SHEET_MIME", "SCOPES", "MARKER", "APP_PROPERTY_BYTES",
           "META_FIELDS", "GRID_FIELDS"]

# URLs, in one place (Drive's with the Drive calls).
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"

# Sheets to read and write; full Drive to find projects in a shared folder
# and to copy a master sheet that the tool did not create (drive.file sees
# only the tool's own files).
SCOPES = ["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive"]

META_FIELDS = ("spreadsheetId,properties(title,locale,timeZone),developerMetadata,"
               "sheets(properties,conditionalFormats,protectedRanges,charts(chartId))")
GRID_FIELDS = ("sheets(properties(sheetId,title),data(startRow,startColumn,"
               "rowData(values(userEnteredValue,effectiveValue,hyperlink))))")


class GoogleBackend(DriveCalls):
    kind = "google"
    max_body = MAX_BODY  # bytes a batchUpdate body stays within (Google recommends 2 MB)

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
        self.grids: dict[str, dict[int, list[int]]] = {}  # each spreadsheet's sheets' sizes, as last known

    def explain(self, e: APIError, target: str) -> str:
        return explain(e, target, self.account)

    # ------------------------------------------------------------ Sheets
    @google_errors
    def get(self, sid: str) -> dict:
        fresh = self.fresh.pop(sid, None)
        if fresh is not None:  # just created: its shape is known, no request needed
            self.grids[sid] = limits.grids_of(fresh)
            return fresh
        meta = self.http.request("get", f"{SHEETS}/{sid}", params={"fields": META_FIELDS}).json()
        self.locales[sid] = meta.get("properties", {}).get("locale", "en_US")
        self.grids[sid] = limits.grids_of(meta)
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
        grown = self._within_cell_limit(sid, requests_)
        replies = []
        # one atomic request while the write fits in 2 MB; over it, consecutive ones (sheets/batches.py)
        for batch in batches(formula.render_requests(requests_, self.locales.get(sid, "en_US")), self.max_body):
            replies += self.http.request("post", f"{SHEETS}/{sid}:batchUpdate", data=request_body(batch),
                                         headers={"Content-Type": "application/json"}).json().get("replies", [])
        if grown is not None:
            self.grids[sid] = grown
        return replies

    def _within_cell_limit(self, sid: str, requests_: list[dict]) -> dict | None:
        """The sheets' sizes after the write; a write that would take the spreadsheet past Google's
        limit is stopped here, before anything is sent (Google would refuse it whole)."""
        if sid not in self.grids:
            return None
        now, grown = self.grids[sid], limits.after(self.grids[sid], requests_)
        before, after = limits.cells(now), limits.cells(grown)
        if after > limits.CELL_LIMIT and after > before:
            def n(x: int) -> str:
                return f"{x:,}".replace(",", " ")

            raise RunError(f"{sid}: this write would take the spreadsheet from {n(before)} to {n(after)} cells, past "
                           f"Google's limit of {n(limits.CELL_LIMIT)}: archive old weeks into another spreadsheet or "
                           "split the project; nothing was written")
        return grown

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

