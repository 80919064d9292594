"""The emulator's state: the spreadsheets and the Drive they live in, shared by the handlers."""

from __future__ import annotations

from . import model  # the product's model with what only a person and gspread send
from .drive_state import Drive
from .errors import ApiError
from .formulas import Evaluator


class Store:
    """Everything the handlers read and change: the account, its Drive, the spreadsheets' models."""

    def __init__(self, identity: str, service_account: bool, locale: str, time_zone: str):
        self.identity = identity
        self.drive = Drive(identity, service_account)
        self.spreadsheets: dict[str, model.Spreadsheet] = {}
        self.locale, self.time_zone = locale, time_zone

    def spreadsheet(self, sid: str) -> model.Spreadsheet:
        ss = self.spreadsheets.get(sid)
        if ss is None:
            if sid in self.drive.files and self.drive.accessible(sid):
                raise ApiError(400, "This operation is not supported for this document",
                               reason="failedPrecondition")
            raise ApiError(404)
        if not self.drive.accessible(sid):
            raise ApiError(403)
        ss.engine = Evaluator  # formulas are computed when read
        return ss

    def changed(self, ss: model.Spreadsheet) -> None:
        rec = self.drive.files.get(ss.id)
        if rec is not None:
            rec["name"] = ss.properties["title"]
            self.drive.touch(ss.id)

    def new_spreadsheet(self, sid: str, title: str, locale: str | None = None, time_zone: str | None = None,
                        sheets: tuple[str, ...] = ("Sheet1",)) -> model.Spreadsheet:
        ss = model.Spreadsheet(sid, title, locale or self.locale, time_zone or self.time_zone)
        ss.batch_update([{"addSheet": {"properties": {"sheetId": 0 if i == 0 else None, "title": t}}}
                         for i, t in enumerate(sheets)])
        return ss
