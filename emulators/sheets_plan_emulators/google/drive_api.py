"""Drive v3 handlers: files, permissions, comments (state in ``drive_state``)."""

from __future__ import annotations

import copy
import csv
import io

from sheets_plan.sheets.a1 import quote_title
from .a1 import resolve
from .drive_query import SPREADSHEET
from .errors import ApiError, truthy
from .state import Store
from .transport import Call, Media
from .values_api import ValuesApi


class DriveApi:
    """Handlers of the Drive API, over the emulator's state (a CSV import writes values as
    ``values.update`` does: ``values``)."""

    def __init__(self, store: Store, values: ValuesApi):
        self.store, self.values = store, values

    def routes(self) -> dict:
        files = {f"drive.files.{name}": getattr(self, f"_files_{name}")
                 for name in ("create", "get", "update", "copy", "list", "delete", "export")}
        return {**files, "drive.permissions.create": self._permissions_create,
                "drive.permissions.list": self._permissions_list, "drive.permissions.delete": self._permissions_delete,
                "drive.comments.list": self._comments_list, "drive.comments.create": self._comments_create,
                "drive.v2.files.update": self._v2_files_update}

    @staticmethod
    def _all_drives(call: Call) -> bool:
        return call.flag("supportsAllDrives") or call.flag("supportsTeamDrives")

    def _files_create(self, call: Call):
        if call.one("uploadType") or call.rec.path.startswith("/upload/"):
            raise ApiError(501, "emulator: media uploads are not implemented", reason="notImplemented")
        rec = self.store.drive.create(call.body or {}, all_drives=self._all_drives(call))
        if rec["mimeType"] == SPREADSHEET:
            self.store.spreadsheets[rec["id"]] = self.store.new_spreadsheet(rec["id"], rec["name"], None, None)
        return 200, rec

    def _files_get(self, call: Call):
        rec = self.store.drive.lookup(call.path["fileId"], all_drives=self._all_drives(call))
        if call.one("alt") == "media":
            if rec["mimeType"].startswith("application/vnd.google-apps."):
                raise ApiError(403, "Only files with binary content can be downloaded. Use Export with Docs "
                                    "Editors files.", reason="fileNotDownloadable", location="alt")
            raise ApiError(501, "emulator: downloads are not implemented", reason="notImplemented")
        return 200, rec

    def _files_update(self, call: Call):
        if call.rec.path.startswith("/upload/"):
            raise ApiError(501, "emulator: media uploads are not implemented", reason="notImplemented")
        rec = self.store.drive.update(call.path["fileId"], call.body or {}, add_parents=call.one("addParents"),
                                remove_parents=call.one("removeParents"), all_drives=self._all_drives(call))
        ss = self.store.spreadsheets.get(rec["id"])
        if ss is not None:
            ss.properties["title"] = rec["name"]
        return 200, rec

    def _files_copy(self, call: Call):
        source = call.path["fileId"]
        rec = self.store.drive.copy(source, call.body or {}, all_drives=self._all_drives(call))
        if source in self.store.spreadsheets:
            ss = copy.deepcopy(self.store.spreadsheets[source])
            ss.id = rec["id"]
            ss.properties["title"] = rec["name"]
            self.store.spreadsheets[rec["id"]] = ss
        return 200, rec

    def _files_list(self, call: Call):
        params = {k: v[-1] for k, v in call.query.items()}
        return 200, self.store.drive.list(params)

    def _files_delete(self, call: Call):
        for fid in self.store.drive.delete(call.path["fileId"], all_drives=self._all_drives(call)):
            self.store.spreadsheets.pop(fid, None)
        return 204, None

    def _permissions_create(self, call: Call):
        perm = self.store.drive.add_permission(call.path["fileId"], call.body or {},
                                         notify=truthy(call.one("sendNotificationEmail", "true")),
                                         message=call.one("emailMessage"), all_drives=self._all_drives(call))
        return 200, perm

    def _permissions_list(self, call: Call):
        perms = self.store.drive.list_permissions(call.path["fileId"], all_drives=self._all_drives(call))
        return 200, {"kind": "drive#permissionList", "permissions": copy.deepcopy(perms)}

    def _permissions_delete(self, call: Call):
        self.store.drive.delete_permission(call.path["fileId"], call.path["permissionId"],
                                     all_drives=self._all_drives(call))
        return 204, None

    @staticmethod
    def _need_fields(call: Call) -> None:
        if not call.one("fields"):
            raise ApiError(400, "The 'fields' parameter is required for this operation.", reason="required",
                           location="fields")

    def _comments_list(self, call: Call):
        self._need_fields(call)
        rec = self.store.drive.lookup(call.path["fileId"], all_drives=True)
        comments = [c for c in self.store.drive.comments.get(rec["id"], [])
                    if call.flag("includeDeleted") or not c.get("deleted")]
        return 200, {"kind": "drive#commentList", "comments": copy.deepcopy(comments)}

    def _comments_create(self, call: Call):
        self._need_fields(call)
        rec = self.store.drive.lookup(call.path["fileId"], all_drives=True)
        body = dict(call.body or {})
        if not body.get("content"):
            raise ApiError(400, "The comment content field is required.", reason="required")
        now = self.store.drive.timestamp()
        comments = self.store.drive.comments.setdefault(rec["id"], [])
        comment = {"kind": "drive#comment", "id": f"AAAA{len(comments) + 1:06d}", "createdTime": now,
                   "modifiedTime": now, "author": {"kind": "drive#user", "displayName": self.store.identity,
                                                   "me": True},
                   "deleted": False, "resolved": False, **body}
        comments.append(comment)
        return 200, comment

    # ------------------------------------------------------------------ export and import
    def _files_export(self, call: Call):
        """A spreadsheet's first sheet as CSV (formatted values, CRLF between rows, none after
        the last, as Google writes it). Other export types: 501 naming the type."""
        rec = self.store.drive.lookup(call.path["fileId"], all_drives=True)
        mime = call.one("mimeType")
        ss = self.store.spreadsheets.get(rec["id"])
        if ss is None:
            raise ApiError(403, "Export only supports Docs Editors files.", reason="fileNotExportable")
        if mime != "text/csv":
            raise ApiError(501, f"emulator: export as {mime} is not implemented", reason="notImplemented")
        first = ss.sheets[0]
        rows = self.values.value_range(ss, resolve(ss, quote_title(first.title)), None, None, None).get("values", [])
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        return 200, Media(out.getvalue().removesuffix("\r\n").encode("utf-8"), "text/csv")

    def _v2_files_update(self, call: Call):
        """Drive v2's media upload with ``convert=true`` of a CSV onto a spreadsheet: the first
        sheet's content is replaced by the CSV, typed as in the Sheets UI, and the other sheets
        go (what Google does; gspread's import_csv). Anything else v2: 501."""
        rec = self.store.drive.lookup(call.path["fileId"], all_drives=self._all_drives(call))
        ss = self.store.spreadsheets.get(rec["id"])
        media = call.media
        if ss is None or media is None or media.mime != "text/csv" or call.one("uploadType") != "media" \
                or not call.flag("convert"):
            raise ApiError(501, "emulator: of Drive v2, only the CSV import into a spreadsheet is implemented",
                           reason="notImplemented")
        first = ss.sheets[0]
        rows = list(csv.reader(io.StringIO(media.content.decode("utf-8-sig"))))
        width = max((len(row) for row in rows), default=1)
        reqs = [{"deleteSheet": {"sheetId": s.id}} for s in ss.sheets[1:]]
        reqs.append({"updateCells": {"range": {"sheetId": first.id}, "fields": "*"}})
        reqs.append({"updateSheetProperties": {"properties": {"sheetId": first.id, "gridProperties": {
            "rowCount": max(len(rows), 1), "columnCount": max(width, 1)}}, "fields": "gridProperties"}})
        writes, _, _ = self.values.plan_write(ss, resolve(ss, quote_title(first.title)), {"values": rows}, "USER_ENTERED",
                                        origin=(0, 0), grow=True)
        ss.batch_update(reqs + writes)
        self.store.changed(ss)
        return 200, {"kind": "drive#file", "id": rec["id"], "title": rec["name"], "mimeType": rec["mimeType"]}
