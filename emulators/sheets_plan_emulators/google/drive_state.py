"""Drive v3 state for the emulator: files, folders, shared drives, permissions.

Moto-style: a plain in-memory model, usable without HTTP. The emulator's
HTTP layer (``drive_api.py``) validates requests and calls into it; the rules
that matter for the product are enforced here (and in the mixins by area the
``Drive`` is made of), as Google enforces them:

* a service account has no storage quota: it cannot create a file whose
  parent is in "My Drive" (or that has no parent) -> 403 storageQuotaExceeded;
* shared-drive items are invisible without ``supportsAllDrives=true``
  (404 ``File not found``) and are listed only with
  ``includeItemsFromAllDrives=true``;
* a file has exactly one parent; a parent must exist, be visible and be a
  folder;
* ``appProperties``: at most 124 bytes (UTF-8, key + value) per property and
  30 properties per file.
"""


from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
from typing import Callable

from .drive_files import DriveFiles
from .drive_listing import DriveListing
from .drive_permissions import DrivePermissions
from .drive_query import FOLDER
from .drive_rules import link, perm_id
from .errors import not_found


# ----------------------------------------------------------------------------- the state

class Drive(DriveFiles, DriveListing, DrivePermissions):
    """Drive v3 metadata: files (Google-shaped dicts), shared drives, permissions.

    The state, its ids and records, the set-up helpers and the access checks are here; the API's
    operations are mixins by area: ``drive_files`` (create, copy, update, delete), ``drive_listing``
    (files.list) and ``drive_permissions``."""

    def __init__(self, identity: str, service_account: bool, now: Callable[[], dt.datetime] | None = None):
        self.identity = identity
        self.service_account = service_account
        self.now = now or (lambda: dt.datetime.now(dt.timezone.utc))
        self.files: dict[str, dict] = {}
        self.drives: dict[str, dict] = {}           # shared drive id -> {"kind", "id", "name"}
        self.permissions: dict[str, list[dict]] = {}
        self.comments: dict[str, list[dict]] = {}
        self.denied: set[str] = set()
        self.notifications: list[dict] = []         # sharing e-mails "sent"
        self._ids = itertools.count(1)
        # My Drive root of the identity (a service account's is real but has no quota).
        self.root_id = self._new_id("0A", 19)
        self.files[self.root_id] = self._record(self.root_id, "My Drive", FOLDER, [], root=True)

    # ------------------------------------------------------------ ids & time
    def _new_id(self, prefix: str = "1", length: int = 44) -> str:
        digest = hashlib.sha256(f"emulator-{next(self._ids)}".encode()).digest()
        text = base64.urlsafe_b64encode(digest).decode().rstrip("=").replace("-", "x").replace("_", "y")
        return (prefix + text)[:length]

    def timestamp(self) -> str:
        t = self.now().astimezone(dt.timezone.utc)
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"

    def _record(self, file_id: str, name: str, mime: str, parents: list[str], *,
                drive_id: str | None = None, app_properties: dict | None = None, root: bool = False) -> dict:
        now = self.timestamp()
        rec = {"kind": "drive#file", "id": file_id, "name": name, "mimeType": mime}
        if parents:
            rec["parents"] = list(parents)
        if app_properties:
            rec["appProperties"] = dict(app_properties)
        if drive_id:
            rec["driveId"] = drive_id
        rec.update(trashed=False, explicitlyTrashed=False, starred=False, createdTime=now, modifiedTime=now,
                   webViewLink=link(file_id, mime), version="1")
        if not drive_id:
            rec["ownedByMe"] = True
            rec["owners"] = [{"kind": "drive#user", "emailAddress": self.identity, "me": True,
                              "displayName": self.identity.split("@")[0]}]
        if root:
            rec.pop("webViewLink")
        return rec

    # ------------------------------------------------------------ setup helpers (no HTTP)
    def add_folder(self, name: str, shared_drive: bool = True, parent: str | None = None) -> str:
        """A folder the identity can use. Without ``parent``: ``shared_drive=True`` makes a new shared
        drive (the identity is an organizer) and returns its id, which works as a folder id;
        ``shared_drive=False`` makes a "My Drive" folder (owned by a person, shared with the identity)."""
        if parent is not None:
            p = self.files.get(parent) or self._drive_root(parent)
            if p is None:
                raise KeyError(parent)
            fid = self._new_id()
            self.files[fid] = self._record(fid, name, FOLDER, [parent], drive_id=p.get("driveId"))
            self.permissions[fid] = self._initial_permissions(p.get("driveId"))
            return fid
        if shared_drive:
            did = self._new_id("0A", 19)
            self.drives[did] = {"kind": "drive#drive", "id": did, "name": name}
            return did
        fid = self._new_id()
        rec = self._record(fid, name, FOLDER, [], app_properties=None)
        rec["ownedByMe"] = False
        rec["owners"] = [{"kind": "drive#user", "emailAddress": "owner@example.com", "me": False,
                          "displayName": "owner"}]
        rec["shared"] = True
        self.files[fid] = rec
        self.permissions[fid] = [
            {"kind": "drive#permission", "id": "10000000000000000001", "type": "user", "role": "owner",
             "emailAddress": "owner@example.com"},
            {"kind": "drive#permission", "id": perm_id(self.identity), "type": "user", "role": "writer",
             "emailAddress": self.identity}]
        return fid

    def _drive_root(self, file_id: str) -> dict | None:
        d = self.drives.get(file_id)
        if d is None:
            return None
        return {"kind": "drive#file", "id": d["id"], "name": d["name"], "mimeType": FOLDER,
                "driveId": d["id"], "trashed": False, "explicitlyTrashed": False}

    # ------------------------------------------------------------ access
    def ancestors(self, file_id: str) -> list[str]:
        out, seen, todo = [], set(), [file_id]
        while todo:
            cur = todo.pop()
            if cur in seen:
                continue
            seen.add(cur)
            out.append(cur)
            rec = self.files.get(cur)
            if rec:
                todo.extend(rec.get("parents", []))
                if rec.get("driveId"):
                    todo.append(rec["driveId"])
        return out

    def accessible(self, file_id: str) -> bool:
        return not any(a in self.denied for a in self.ancestors(file_id))

    def lookup(self, file_id: str, *, all_drives: bool) -> dict:
        """The file (or shared drive root) as the identity sees it; 404 like Drive otherwise."""
        if file_id == "root":
            file_id = self.root_id
        rec = self.files.get(file_id) or self._drive_root(file_id)
        if rec is None or not self.accessible(file_id):
            raise not_found(file_id)
        if rec.get("driveId") and not all_drives:
            raise not_found(file_id)  # shared-drive items need supportsAllDrives=true
        return rec

    def touch(self, file_id: str) -> None:
        rec = self.files.get(file_id)
        if rec is not None:
            rec["modifiedTime"] = self.timestamp()
            rec["version"] = str(int(rec.get("version", "1")) + 1)
