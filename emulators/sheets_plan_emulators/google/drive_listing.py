"""Drive v3 files.list over the state of ``drive_state.Drive``: corpora, ``q``, ``orderBy`` and pages.

A mixin of ``Drive``. Page tokens carry the offset and a fingerprint of the other parameters, so a
token used with a different query is refused (400 ``pageToken``) as Google refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import json

from .drive_query import order, parse_query
from .errors import ApiError, invalid, truthy

_CORPORA = ("user", "drive", "allDrives", "domain")


class DriveListing:
    """files.list: the files the identity sees in the corpora asked for, filtered, ordered, paged."""

    files: dict[str, dict]
    drives: dict[str, dict]
    denied: set[str]
    root_id: str

    def list(self, params: dict[str, str]) -> dict:
        page_size = int(params.get("pageSize") or 100)
        corpora = params.get("corpora", "user")
        drive_id = params.get("driveId")
        all_items = truthy(params.get("includeItemsFromAllDrives"))
        self._check_corpora(corpora, drive_id, all_items)
        predicate = parse_query(params.get("q", ""))
        items = [rec for rec in self.files.values() if self._in_corpora(rec, corpora, drive_id, all_items)
                 and predicate(rec)]
        items = order(items, params.get("orderBy"))
        fingerprint = hashlib.sha256(json.dumps(
            {k: v for k, v in sorted(params.items()) if k not in ("pageToken", "fields", "pageSize")}
        ).encode()).hexdigest()[:12]
        offset = _offset(params.get("pageToken"), fingerprint)
        page = items[offset:offset + page_size]
        out = {"kind": "drive#fileList", "incompleteSearch": False, "files": page}
        if offset + page_size < len(items):
            out["nextPageToken"] = base64.urlsafe_b64encode(
                json.dumps({"o": offset + page_size, "f": fingerprint}).encode()).decode()
        return out

    def _check_corpora(self, corpora: str, drive_id: str | None, all_items: bool) -> None:
        if corpora not in _CORPORA:
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

    def _in_corpora(self, rec: dict, corpora: str, drive_id: str | None, all_items: bool) -> bool:
        """Whether a file is listed: visible, and in a shared drive only when those are asked for."""
        if rec["id"] == self.root_id or not self.accessible(rec["id"]):
            return False
        if rec.get("driveId"):
            return all_items and not (corpora == "drive" and rec["driveId"] != drive_id)
        return corpora != "drive"


def _offset(token: str | None, fingerprint: str) -> int:
    """Where a page token says the page starts (0 without one); 400 for a token of another query."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        offset, ok = int(data["o"]), data["f"] == fingerprint
    except Exception:
        ok = False
    if not ok:
        raise invalid("pageToken")
    return offset
