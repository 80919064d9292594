"""Drive v3 state for the emulator: files, folders, shared drives, permissions.

Moto-style: a plain in-memory model, usable without HTTP. The emulator's
HTTP layer (``drive_api.py``) validates requests and calls into it; the rules
that matter for the product are enforced here, as Google enforces them:

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
import copy
import datetime as dt
import hashlib
import itertools
import json
from typing import Callable

from .drive_query import FOLDER, order, parse_query, split
from .drive_rules import STORAGE_QUOTA_MESSAGE, app_properties, check_writable, link, perm_id
from .errors import ApiError, invalid, not_found, truthy


# ----------------------------------------------------------------------------- the state

class Drive:
    """Drive v3 metadata: files (Google-shaped dicts), shared drives, permissions."""

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

    def _initial_permissions(self, drive_id: str | None) -> list[dict]:
        role = "organizer" if drive_id else "owner"
        perm = {"kind": "drive#permission", "id": perm_id(self.identity), "type": "user", "role": role,
                "emailAddress": self.identity}
        if drive_id:
            perm["permissionDetails"] = [{"permissionType": "member", "role": "organizer", "inherited": True,
                                          "inheritedFrom": drive_id}]
        return [perm]

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

    # ------------------------------------------------------------ files.create / copy
    def _placement(self, parents: list[str] | None, mime: str, all_drives: bool) -> tuple[list[str], str | None]:
        if parents is not None and len(parents) > 1:
            raise ApiError(403, "Increasing the number of parents is not allowed.", reason="cannotAddParent")
        if not parents:
            parents = [self.root_id]
        parent = self.lookup(parents[0], all_drives=all_drives)
        if parent["mimeType"] != FOLDER:
            raise ApiError(400, "The specified parent is not a folder.", reason="invalidParent",
                           location="parents")
        drive_id = parent.get("driveId")
        if self.service_account and drive_id is None and mime != FOLDER:
            raise ApiError(403, STORAGE_QUOTA_MESSAGE, reason="storageQuotaExceeded", domain="usageLimits")
        return [parent["id"]], drive_id

    def create(self, body: dict, *, all_drives: bool) -> dict:
        body = {k: v for k, v in (body or {}).items() if v is not None}
        check_writable(body, {"name", "mimeType", "parents", "appProperties", "properties", "description",
                               "starred", "createdTime", "modifiedTime", "folderColorRgb", "id"})
        mime = body.get("mimeType", "application/octet-stream")
        parents, drive_id = self._placement(body.get("parents"), mime, all_drives)
        props = app_properties({}, body.get("appProperties"))
        fid = body.get("id") or self._new_id()
        if fid in self.files:
            raise ApiError(409, "A file already exists with the provided ID.", reason="duplicate")
        rec = self._record(fid, body.get("name", "Untitled"), mime, parents, drive_id=drive_id,
                           app_properties=props)
        for key in ("description", "starred", "properties", "folderColorRgb"):
            if key in body:
                rec[key] = copy.deepcopy(body[key])
        self.files[fid] = rec
        self.permissions[fid] = self._initial_permissions(drive_id)
        return rec

    def copy(self, source_id: str, body: dict, *, all_drives: bool) -> dict:
        src = self.lookup(source_id, all_drives=all_drives)
        if src["mimeType"] == FOLDER:
            raise ApiError(403, "This file cannot be copied by the user.", reason="cannotCopyFile")
        body = {k: v for k, v in (body or {}).items() if v is not None}
        check_writable(body, {"name", "mimeType", "parents", "appProperties", "properties", "description",
                               "starred", "id"})
        if body.get("mimeType", src["mimeType"]) != src["mimeType"]:
            raise ApiError(400, f"Conversion from {src['mimeType']} to {body['mimeType']} is not supported.",
                           reason="badRequest")
        parents, drive_id = self._placement(body.get("parents", src.get("parents")), src["mimeType"], all_drives)
        props = app_properties(dict(src.get("appProperties", {})), body.get("appProperties"))
        fid = body.get("id") or self._new_id()
        rec = self._record(fid, body.get("name", f"Copy of {src['name']}"), src["mimeType"], parents,
                           drive_id=drive_id, app_properties=props)
        for key in ("description", "properties"):
            if key in body or key in src:
                rec[key] = copy.deepcopy(body.get(key, src.get(key)))
        self.files[fid] = rec
        self.permissions[fid] = self._initial_permissions(drive_id)
        return rec

    # ------------------------------------------------------------ files.update
    def update(self, file_id: str, body: dict, *, add_parents: str | None, remove_parents: str | None,
               all_drives: bool) -> dict:
        rec = self.lookup(file_id, all_drives=all_drives)
        if rec["id"] not in self.files or rec["id"] == self.root_id:
            raise ApiError(403, "The user does not have sufficient permissions for this file.",
                           reason="insufficientFilePermissions")
        body = dict(body or {})
        check_writable(body, {"name", "mimeType", "appProperties", "properties", "description", "starred",
                               "trashed", "modifiedTime", "folderColorRgb"})
        if "mimeType" in body and body["mimeType"] not in (None, rec["mimeType"]):
            raise ApiError(403, "The mimeType of this file cannot be changed.", reason="fieldNotWritable")
        new = copy.deepcopy(rec)
        parents = list(new.get("parents", []))
        for pid in split(remove_parents):
            if pid in parents:
                parents.remove(pid)
        drive_id = new.get("driveId")
        for pid in split(add_parents):
            parent = self.lookup(pid, all_drives=all_drives)
            if parent["mimeType"] != FOLDER:
                raise ApiError(400, "The specified parent is not a folder.", reason="invalidParent",
                               location="addParents")
            if parent["id"] not in parents:
                parents.append(parent["id"])
            drive_id = parent.get("driveId")
        if add_parents or remove_parents:
            if len(parents) != 1:
                if new.get("driveId") or drive_id:
                    raise ApiError(403, "A shared drive item must have exactly one parent.",
                                   reason="teamDrivesParentLimit")
                raise ApiError(403, "Increasing the number of parents is not allowed.", reason="cannotAddParent")
            if self.service_account and drive_id is None and new.get("driveId"):
                raise ApiError(403, STORAGE_QUOTA_MESSAGE, reason="storageQuotaExceeded", domain="usageLimits")
            new["parents"] = parents
            if drive_id:
                new["driveId"] = drive_id
            else:
                new.pop("driveId", None)
        if "appProperties" in body:
            props = app_properties(dict(new.get("appProperties", {})), body["appProperties"])
            if props:
                new["appProperties"] = props
            else:
                new.pop("appProperties", None)
        if body.get("properties") is not None:
            merged = {**new.get("properties", {}), **body["properties"]}
            new["properties"] = {k: v for k, v in merged.items() if v is not None}
        for key in ("name", "description", "starred", "folderColorRgb"):
            if body.get(key) is not None:
                new[key] = body[key]
        if body.get("trashed") is not None:
            new["trashed"] = new["explicitlyTrashed"] = bool(body["trashed"])
            if new["trashed"]:
                new["trashedTime"] = self.timestamp()
            else:
                new.pop("trashedTime", None)
        new["modifiedTime"] = body.get("modifiedTime") or self.timestamp()
        new["version"] = str(int(new.get("version", "1")) + 1)
        self.files[file_id] = new
        return new

    def delete(self, file_id: str, *, all_drives: bool) -> list[str]:
        """Delete a file (a folder with everything below it); returns the deleted ids."""
        rec = self.lookup(file_id, all_drives=all_drives)
        if rec["id"] not in self.files or rec["id"] == self.root_id:
            raise ApiError(403, "The user does not have sufficient permissions for this file.",
                           reason="insufficientFilePermissions")
        gone = [fid for fid in self.files if file_id in self.ancestors(fid)]
        for fid in gone:
            self.files.pop(fid, None)
            self.permissions.pop(fid, None)
            self.comments.pop(fid, None)
        return gone

    # ------------------------------------------------------------ files.list
    def list(self, params: dict[str, str]) -> dict:
        page_size = int(params.get("pageSize") or 100)
        corpora = params.get("corpora", "user")
        drive_id = params.get("driveId")
        all_items = truthy(params.get("includeItemsFromAllDrives"))
        if corpora not in ("user", "drive", "allDrives", "domain"):
            raise invalid("corpora")
        if (corpora == "drive") != bool(drive_id):
            raise ApiError(400, "The driveId parameter must be specified if and only if corpora is set to drive.",
                           reason="invalid", location="driveId")
        if corpora in ("drive", "allDrives") and not all_items:
            raise ApiError(403, "The includeItemsFromAllDrives parameter must be set to true when corpora is "
                                f"set to {corpora}.", reason="teamDriveItemsRequired",
                           location="includeItemsFromAllDrives")
        if drive_id and (drive_id not in self.drives or drive_id in self.denied):
            raise ApiError(404, f"Shared drive not found: {drive_id}", reason="notFound", location="driveId")
        predicate = parse_query(params.get("q", ""))
        items = []
        for rec in self.files.values():
            if rec["id"] == self.root_id or not self.accessible(rec["id"]):
                continue
            if rec.get("driveId"):
                if not all_items or (corpora == "drive" and rec["driveId"] != drive_id):
                    continue
            elif corpora == "drive":
                continue
            if predicate(rec):
                items.append(rec)
        items = order(items, params.get("orderBy"))
        fingerprint = hashlib.sha256(json.dumps(
            {k: v for k, v in sorted(params.items()) if k not in ("pageToken", "fields", "pageSize")}
        ).encode()).hexdigest()[:12]
        offset = 0
        if params.get("pageToken"):
            try:
                token = json.loads(base64.urlsafe_b64decode(params["pageToken"].encode()))
                offset, ok = int(token["o"]), token["f"] == fingerprint
            except Exception:
                ok = False
            if not ok:
                raise invalid("pageToken")
        page = items[offset:offset + page_size]
        out = {"kind": "drive#fileList", "incompleteSearch": False, "files": page}
        if offset + page_size < len(items):
            out["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"o": offset + page_size, "f": fingerprint}).encode()).decode()
        return out

    # ------------------------------------------------------------ permissions
    def add_permission(self, file_id: str, body: dict, *, notify: bool, message: str | None,
                       all_drives: bool) -> dict:
        rec = self.lookup(file_id, all_drives=all_drives)
        body = {k: v for k, v in (body or {}).items() if v is not None}
        kind, role = body.get("type"), body.get("role")
        if not kind:
            raise ApiError(400, "The permission type field is required.", reason="required",
                           location="permission.type")
        if not role:
            raise ApiError(400, "The permission role field is required.", reason="required",
                           location="permission.role")
        if kind not in ("user", "group", "domain", "anyone"):
            raise invalid("permission.type", "The permission type is invalid.")
        if role not in ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader"):
            raise invalid("permission.role", "The permission role is invalid.")
        if role == "owner" and rec.get("driveId"):
            raise ApiError(403, "Shared drive items cannot have an owner.", reason="cannotSetOwner")
        if role in ("organizer", "fileOrganizer") and not (rec.get("driveId") and rec["id"] == rec["driveId"]):
            raise ApiError(403, "Organizer roles can only be granted on a shared drive.",
                           reason="invalidSharingRole")
        perm = {"kind": "drive#permission", "type": kind, "role": role}
        if kind in ("user", "group"):
            email = body.get("emailAddress")
            if not email:
                raise ApiError(400, "The permission emailAddress field is required.", reason="required",
                               location="permission.emailAddress")
            perm["emailAddress"] = email
            perm["id"] = perm_id(email)
        elif kind == "domain":
            if not body.get("domain"):
                raise ApiError(400, "The permission domain field is required.", reason="required",
                               location="permission.domain")
            perm["domain"] = body["domain"]
            perm["id"] = perm_id("domain:" + body["domain"])
        else:
            perm["id"] = "anyoneWithLink"
        if "allowFileDiscovery" in body and kind in ("domain", "anyone"):
            perm["allowFileDiscovery"] = bool(body["allowFileDiscovery"])
        perms = self.permissions.setdefault(rec["id"], [])
        for i, old in enumerate(perms):
            if old["id"] == perm["id"]:
                perms[i] = perm
                break
        else:
            perms.append(perm)
        if notify and kind in ("user", "group"):
            self.notifications.append({"fileId": rec["id"], "to": perm["emailAddress"], "role": role,
                                       "message": message})
        self.touch(rec["id"])
        return perm

    def list_permissions(self, file_id: str, *, all_drives: bool) -> list[dict]:
        rec = self.lookup(file_id, all_drives=all_drives)
        return self.permissions.get(rec["id"], [])

    def delete_permission(self, file_id: str, permission_id: str, *, all_drives: bool) -> None:
        rec = self.lookup(file_id, all_drives=all_drives)
        perms = self.permissions.get(rec["id"], [])
        for perm in perms:
            if perm["id"] == permission_id:
                perms.remove(perm)
                return
        raise ApiError(404, f"Permission not found: {permission_id}.", reason="notFound",
                       location="permissionId")

