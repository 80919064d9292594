"""Drive v3 files.create, files.copy, files.update and files.delete over the state of ``drive_state.Drive``.

A mixin of ``Drive``: it reads and changes the state the Drive holds (``files``, ``permissions``,
``comments``) and uses its ids, records and access checks (``lookup``).
"""

from __future__ import annotations

import copy

from .drive_query import FOLDER, split
from .drive_rules import STORAGE_QUOTA_MESSAGE, app_properties, check_writable
from .errors import ApiError

_CREATE_FIELDS = {"name", "mimeType", "parents", "appProperties", "properties", "description", "starred",
                  "createdTime", "modifiedTime", "folderColorRgb", "id"}
_COPY_FIELDS = {"name", "mimeType", "parents", "appProperties", "properties", "description", "starred", "id"}
_UPDATE_FIELDS = {"name", "mimeType", "appProperties", "properties", "description", "starred", "trashed",
                  "modifiedTime", "folderColorRgb"}


def _quota_exceeded() -> ApiError:
    return ApiError(403, STORAGE_QUOTA_MESSAGE, reason="storageQuotaExceeded", domain="usageLimits")


def _not_a_folder(location: str) -> ApiError:
    return ApiError(400, "The specified parent is not a folder.", reason="invalidParent", location=location)


def _cannot_add_parent() -> ApiError:
    return ApiError(403, "Increasing the number of parents is not allowed.", reason="cannotAddParent")


class DriveFiles:
    """Creating, copying, updating and deleting files, with Google's parent and quota rules."""

    files: dict[str, dict]
    permissions: dict[str, list[dict]]
    comments: dict[str, list[dict]]
    root_id: str
    service_account: bool

    # ------------------------------------------------------------ files.create / copy
    def _placement(self, parents: list[str] | None, mime: str, all_drives: bool) -> tuple[list[str], str | None]:
        if parents is not None and len(parents) > 1:
            raise _cannot_add_parent()
        if not parents:
            parents = [self.root_id]
        parent = self.lookup(parents[0], all_drives=all_drives)
        if parent["mimeType"] != FOLDER:
            raise _not_a_folder("parents")
        drive_id = parent.get("driveId")
        if self.service_account and drive_id is None and mime != FOLDER:
            raise _quota_exceeded()
        return [parent["id"]], drive_id

    def create(self, body: dict, *, all_drives: bool) -> dict:
        body = {k: v for k, v in (body or {}).items() if v is not None}
        check_writable(body, _CREATE_FIELDS)
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
        check_writable(body, _COPY_FIELDS)
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

    # ------------------------------------------------------------ files.update / delete
    def _own_file(self, file_id: str, all_drives: bool) -> dict:
        """The file, if the identity may change it: not the My Drive root, nor a shared drive itself."""
        rec = self.lookup(file_id, all_drives=all_drives)
        if rec["id"] not in self.files or rec["id"] == self.root_id:
            raise ApiError(403, "The user does not have sufficient permissions for this file.",
                           reason="insufficientFilePermissions")
        return rec

    def update(self, file_id: str, body: dict, *, add_parents: str | None, remove_parents: str | None,
               all_drives: bool) -> dict:
        rec = self._own_file(file_id, all_drives)
        body = dict(body or {})
        check_writable(body, _UPDATE_FIELDS)
        if "mimeType" in body and body["mimeType"] not in (None, rec["mimeType"]):
            raise ApiError(403, "The mimeType of this file cannot be changed.", reason="fieldNotWritable")
        new = copy.deepcopy(rec)
        self._move(new, add_parents, remove_parents, all_drives)
        self._edit(new, body)
        new["modifiedTime"] = body.get("modifiedTime") or self.timestamp()
        new["version"] = str(int(new.get("version", "1")) + 1)
        self.files[file_id] = new
        return new

    def _move(self, new: dict, add_parents: str | None, remove_parents: str | None, all_drives: bool) -> None:
        """addParents/removeParents on ``new``: one parent in the end, in a shared drive or in My Drive."""
        parents = list(new.get("parents", []))
        for pid in split(remove_parents):
            if pid in parents:
                parents.remove(pid)
        drive_id = new.get("driveId")
        for pid in split(add_parents):
            parent = self.lookup(pid, all_drives=all_drives)
            if parent["mimeType"] != FOLDER:
                raise _not_a_folder("addParents")
            if parent["id"] not in parents:
                parents.append(parent["id"])
            drive_id = parent.get("driveId")
        if not (add_parents or remove_parents):
            return
        if len(parents) != 1:
            if new.get("driveId") or drive_id:
                raise ApiError(403, "A shared drive item must have exactly one parent.", reason="teamDrivesParentLimit")
            raise _cannot_add_parent()
        if self.service_account and drive_id is None and new.get("driveId"):
            raise _quota_exceeded()
        new["parents"] = parents
        if drive_id:
            new["driveId"] = drive_id
        else:
            new.pop("driveId", None)

    def _edit(self, new: dict, body: dict) -> None:
        """The metadata of an update's body on ``new`` (null values leave a field as it is)."""
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

    def delete(self, file_id: str, *, all_drives: bool) -> list[str]:
        """Delete a file (a folder with everything below it); returns the deleted ids."""
        self._own_file(file_id, all_drives)
        gone = [fid for fid in self.files if file_id in self.ancestors(fid)]
        for fid in gone:
            self.files.pop(fid, None)
            self.permissions.pop(fid, None)
            self.comments.pop(fid, None)
        return gone
