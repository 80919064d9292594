"""Drive's rules on file metadata: links, permission ids, writable fields, appProperties."""

from __future__ import annotations

import hashlib

from .drive_query import FOLDER, SPREADSHEET
from .errors import ApiError, invalid

STORAGE_QUOTA_MESSAGE = (
    "Service Accounts do not have storage quota. Leverage shared drives "
    "(https://developers.google.com/workspace/drive/api/guides/about-shareddrives), "
    "or use OAuth delegation (http://support.google.com/a/answer/7281227) instead.")

PROPERTY_BYTES = 124
PROPERTIES_PER_FILE = 30


def link(file_id: str, mime: str) -> str:
    if mime == SPREADSHEET:
        return f"https://docs.google.com/spreadsheets/d/{file_id}/edit?usp=drivesdk"
    if mime == FOLDER:
        return f"https://drive.google.com/drive/folders/{file_id}"
    return f"https://drive.google.com/file/d/{file_id}/view?usp=drivesdk"


def perm_id(key: str) -> str:
    return str(int(hashlib.sha256(key.encode()).hexdigest(), 16))[:20]


def check_writable(body: dict, writable: set[str]) -> None:
    for key, value in body.items():
        if value is not None and key not in writable:
            raise ApiError(403, "The resource body includes fields which are not directly writable.",
                           reason="fieldNotWritable")


def app_properties(current: dict, changes: dict | None) -> dict:
    """Merge appProperties like Drive: a null value deletes the key; limits enforced."""
    for key, value in (changes or {}).items():
        if value is None:
            current.pop(key, None)
            continue
        if not isinstance(value, str):
            raise invalid("appProperties", "Invalid Value")
        if len(key.encode()) + len(value.encode()) > PROPERTY_BYTES:
            raise ApiError(400, f"The limit for property {key!r} (key and value together) is "
                                f"{PROPERTY_BYTES} bytes in UTF-8.", reason="invalid", location="appProperties")
        current[key] = value
    if len(current) > PROPERTIES_PER_FILE:
        raise ApiError(400, f"The limit of {PROPERTIES_PER_FILE} properties per file was exceeded.",
                       reason="invalid", location="appProperties")
    return current
