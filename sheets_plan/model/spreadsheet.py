"""An in-memory spreadsheet that applies Sheets API v4 batchUpdate requests.

One model, two doors: the LocalBackend persists it as .xlsx, and the test
emulator serves it over HTTP. It speaks the API's JSON shapes, so the
product's requests mean the same thing locally and on Google.

The requests the product sends are implemented, a mixin per concern: sheets,
the spreadsheet's properties and developer metadata in ``properties``; cells
in ``cell_updates``; validation, conditional formats, protection and charts in
``anchored``; sizes in ``sizing``; reads in ``responses``; field masks in
``fields``; the sheet and its cells in ``sheet``. What only a person and
gspread send (rows moved, pastes, sorting, groups, named ranges) is the
emulator's, which extends this class (emulators/sheets_plan_emulators/google/
model.py). Anything else is refused with a ModelError, as Google refuses what
it does not know.
"""

from __future__ import annotations

import itertools
import pickle

from .anchored import Anchored
from .cell_updates import CellUpdates
from .fields import merge_format, split_fields
from .properties import Properties
from .responses import Reading
from .sheet import DEFAULT_COLS, DEFAULT_ROWS, Cell, ModelError, Sheet
from .sizing import Sizing

__all__ = ["Spreadsheet", "Sheet", "Cell", "ModelError", "merge_format", "DEFAULT_ROWS",
           "DEFAULT_COLS"]


class Spreadsheet(Properties, CellUpdates, Anchored, Sizing, Reading):
    """The Sheets API's Spreadsheet resource, kept as live Python objects."""

    _error = ModelError

    @staticmethod
    def _mask(mask: str, data: dict) -> list[str]:
        return split_fields(mask, data)

    def __init__(self, spreadsheet_id: str, title: str, locale: str = "en_US",
                 time_zone: str = "Etc/GMT"):
        self.id = spreadsheet_id
        self.properties = {"title": title, "locale": locale, "timeZone": time_zone,
                           "autoRecalc": "ON_CHANGE"}
        self.sheets: list[Sheet] = []
        self.named_ranges: list[dict] = []
        self.developer_metadata: list[dict] = []
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ lookup
    def sheet(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.id == sheet_id:
                return s
        raise ModelError(f"No grid with id: {sheet_id}")

    def sheet_by_title(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise ModelError(f"Unable to parse range: {title}")

    def metadata(self, key: str) -> str | None:
        for m in self.developer_metadata:
            if m["metadataKey"] == key:
                return m.get("metadataValue")
        return None

    def next_id(self) -> int:
        used = {s.id for s in self.sheets} | {m["metadataId"] for m in self.developer_metadata}
        used |= {p["protectedRangeId"] for s in self.sheets for p in s.protected_ranges}
        used |= {c["chartId"] for s in self.sheets for c in s.charts}
        n = next(self._ids)
        while n in used:
            n = next(self._ids)
        return n

    # ------------------------------------------------------------ batchUpdate
    def batch_update(self, requests: list[dict], atomic: bool = True, holds=None) -> list[dict]:
        """Apply all requests or none (the API's batchUpdate is atomic).

        atomic=False: the caller throws the model away on failure (the
        LocalBackend, whose file is only replaced once all succeeded).
        `holds`: called with the spreadsheet once all are applied; what it raises undoes them all (a
        service's own limit, e.g. Google's cells a spreadsheet may hold)."""
        self._engine_cache = None  # what formulas compute changes with the cells
        if not atomic:
            return [self._apply(req) for req in requests]
        # pickle round trip: the same deep copy as copy.deepcopy, several times faster
        backup = pickle.dumps((self.properties, self.sheets, self.named_ranges, self.developer_metadata),
                              protocol=pickle.HIGHEST_PROTOCOL)
        try:
            replies = [self._apply(req) for req in requests]
            if holds is not None:
                holds(self)
            return replies
        except Exception:
            self.properties, self.sheets, self.named_ranges, self.developer_metadata = pickle.loads(backup)
            raise

    def _apply(self, request: dict) -> dict:
        if len(request) != 1:
            raise ModelError("Each request must have exactly one kind set")
        (kind, body), = request.items()
        handler = getattr(self, "_" + kind, None)
        if handler is None:
            raise ModelError(f"Request kind not supported: {kind}")
        reply = handler(body)
        return {kind: reply} if reply is not None else {}
