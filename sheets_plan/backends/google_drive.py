"""The Drive side of GoogleBackend: project files made (with their tags as appProperties),
copied, tagged, shared and listed in the folder.

A mixin of ``google.GoogleBackend`` (its ``http``, ``folder``, ``account``, ``allow_domain``,
``notify``, ``locales``, ``fresh`` and ``explain``).
"""

from __future__ import annotations

from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sheets_plan.errors import RunError
from .base import ProjectRef
from .google_failures import google_errors

DRIVE_FILES = "https://www.googleapis.com/drive/v3/files"
SHEET_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"
SHEET_MIME = "application/vnd.google-apps.spreadsheet"
MARKER = ("tool", "sheets-plan")  # an appProperty on every project file: how listing finds them
APP_PROPERTY_BYTES = 124          # Drive's limit per key + value, UTF-8


def spreadsheet_id(target: str) -> str:
    """An ID or a spreadsheet URL -> the ID."""
    if "/d/" in target:
        return target.split("/d/", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return target


class DriveCalls:
    """Drive files.create, copy, update, permissions and list (mixed into ``google.GoogleBackend``)."""

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
