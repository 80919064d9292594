"""Drive v3 permissions over the state of ``drive_state.Drive``: who a file is shared with, and how.

A mixin of ``Drive``. A permission's id is derived from whom it is for (``drive_rules.perm_id``), so
sharing again with the same person replaces the permission, as on Google.
"""

from __future__ import annotations

from .drive_rules import perm_id
from .errors import ApiError, invalid

_TYPES = ("user", "group", "domain", "anyone")
_ROLES = ("owner", "organizer", "fileOrganizer", "writer", "commenter", "reader")


def _required(field: str) -> ApiError:
    return ApiError(400, f"The permission {field} field is required.", reason="required",
                    location=f"permission.{field}")


def _grantee(kind: str, body: dict) -> dict:
    """The permission's id and whom it is for (emailAddress or domain), by its type."""
    if kind in ("user", "group"):
        email = body.get("emailAddress")
        if not email:
            raise _required("emailAddress")
        return {"emailAddress": email, "id": perm_id(email)}
    if kind == "domain":
        if not body.get("domain"):
            raise _required("domain")
        return {"domain": body["domain"], "id": perm_id("domain:" + body["domain"])}
    return {"id": "anyoneWithLink"}


class DrivePermissions:
    """permissions.create/list/delete, and the permissions a new file starts with."""

    identity: str
    permissions: dict[str, list[dict]]
    notifications: list[dict]

    def _initial_permissions(self, drive_id: str | None) -> list[dict]:
        role = "organizer" if drive_id else "owner"
        perm = {"kind": "drive#permission", "id": perm_id(self.identity), "type": "user", "role": role,
                "emailAddress": self.identity}
        if drive_id:
            perm["permissionDetails"] = [{"permissionType": "member", "role": "organizer", "inherited": True,
                                          "inheritedFrom": drive_id}]
        return [perm]

    def add_permission(self, file_id: str, body: dict, *, notify: bool, message: str | None,
                       all_drives: bool) -> dict:
        rec = self.lookup(file_id, all_drives=all_drives)
        body = {k: v for k, v in (body or {}).items() if v is not None}
        kind, role = body.get("type"), body.get("role")
        _check_grant(rec, kind, role)
        perm = {"kind": "drive#permission", "type": kind, "role": role, **_grantee(kind, body)}
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


def _check_grant(rec: dict, kind: str | None, role: str | None) -> None:
    """A type and role that exist, and that Google lets this file be given."""
    if not kind:
        raise _required("type")
    if not role:
        raise _required("role")
    if kind not in _TYPES:
        raise invalid("permission.type", "The permission type is invalid.")
    if role not in _ROLES:
        raise invalid("permission.role", "The permission role is invalid.")
    if role == "owner" and rec.get("driveId"):
        raise ApiError(403, "Shared drive items cannot have an owner.", reason="cannotSetOwner")
    if role in ("organizer", "fileOrganizer") and not (rec.get("driveId") and rec["id"] == rec["driveId"]):
        raise ApiError(403, "Organizer roles can only be granted on a shared drive.", reason="invalidSharingRole")
