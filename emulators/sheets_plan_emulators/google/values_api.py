"""spreadsheets.values.*: reading, writing, appending and clearing values.

``ValuesApi`` is made of mixins by concern: ``values_read`` (get, batchGet), ``values_write``
(update, batchUpdate), ``values_append`` (append); clearing is here.
"""

from __future__ import annotations

from .a1 import Rng, check_limits, resolve
from .state import Store
from .transport import Call
from .values_append import ValuesAppending
from .values_read import ValuesReading
from .values_write import ValuesWriting


class ValuesApi(ValuesAppending, ValuesWriting, ValuesReading):
    """Handlers of the Sheets API's values methods, over the emulator's state."""

    def __init__(self, store: Store):
        self.store = store

    def routes(self) -> dict:
        return {f"sheets.spreadsheets.values.{name}": handler for name, handler in (
            ("get", self._values_get), ("batchGet", self._values_batch_get), ("update", self._values_update),
            ("batchUpdate", self._values_batch_update), ("append", self._values_append),
            ("clear", self._values_clear), ("batchClear", self._values_batch_clear))}

    # ------------------------------------------------------------------ values: clearing
    def _clear_requests(self, rng: Rng) -> list[dict]:
        sheet = rng.sheet
        r0, r1, c0, c1 = rng.closed()
        used_r, used_c = sheet.extent()
        r1, c1 = min(r1, used_r), min(c1, used_c)
        if r0 >= r1 or c0 >= c1:
            return []
        return [{"updateCells": {"range": {"sheetId": sheet.id, "startRowIndex": r0, "endRowIndex": r1,
                                           "startColumnIndex": c0, "endColumnIndex": c1},
                                 "fields": "userEnteredValue"}}]

    def _values_clear(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        self._apply(ss, self._clear_requests(rng))
        return 200, {"spreadsheetId": ss.id, "clearedRange": rng.name()}

    def _values_batch_clear(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        rngs = [resolve(ss, r) for r in (call.body or {}).get("ranges") or []]
        reqs = []
        for rng in rngs:
            check_limits(rng)
            reqs.extend(self._clear_requests(rng))
        self._apply(ss, reqs)
        out = {"spreadsheetId": ss.id}
        if rngs:
            out["clearedRanges"] = [rng.name() for rng in rngs]
        return 200, out
