"""spreadsheets.values.get and batchGet: ranges as Google reads them back.

A mixin of ``values_api.ValuesApi``; ``value_range`` is also how the other handlers read values
(a write's ``updatedData``, Drive's CSV export).
"""

from __future__ import annotations

from sheets_plan import model
from .a1 import Rng, a1_name, check_limits, resolve
from .render import rendered
from .state import Store
from .transport import Call


class ValuesReading:
    """Reading values: rendered as asked, trailing blanks trimmed as Google trims them."""

    store: Store

    def value_range(self, ss: model.Spreadsheet, rng: Rng, major: str | None, render: str | None,
                    dt_render: str | None) -> dict:
        major = major if major in ("ROWS", "COLUMNS") else "ROWS"
        render = render or "FORMATTED_VALUE"
        dt_render = dt_render or "SERIAL_NUMBER"
        locale = ss.properties.get("locale", "en_US")
        sheet = rng.sheet
        r0, r1, c0, c1 = rng.closed()
        used_r, used_c = sheet.extent()
        rows = []
        for r in range(r0, min(r1, used_r)):
            line = sheet.cells.get(r, {})
            rows.append([rendered(line.get(c), ss.effective(sheet, r, c, line.get(c)), render, dt_render, locale)
                         for c in range(c0, min(c1, used_c))])
        if major == "COLUMNS":
            width = max((len(row) for row in rows), default=0)
            rows = [[row[c] if c < len(row) else None for row in rows] for c in range(width)]
        lines = []
        for row in rows:
            while row and row[-1] in (None, ""):
                row.pop()
            lines.append(["" if v is None else v for v in row])
        while lines and not lines[-1]:
            lines.pop()
        out = {"range": a1_name(sheet.title, r0, r1, c0, c1), "majorDimension": major}
        if lines:
            out["values"] = lines
        return out

    def _values_get(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        return 200, self.value_range(ss, rng, call.one("majorDimension"), call.one("valueRenderOption"),
                                     call.one("dateTimeRenderOption"))

    def _values_batch_get(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        out = {"spreadsheetId": ss.id}
        rngs = [resolve(ss, r) for r in call.many("ranges")]
        for rng in rngs:
            check_limits(rng)
        if rngs:
            out["valueRanges"] = [self.value_range(ss, rng, call.one("majorDimension"),
                                                   call.one("valueRenderOption"),
                                                   call.one("dateTimeRenderOption")) for rng in rngs]
        return 200, out
