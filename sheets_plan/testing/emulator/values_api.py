"""spreadsheets.values.*: reading, writing, appending and clearing values."""

from __future__ import annotations

from sheets_plan import model
from sheets_plan.sheets.a1 import col_letter, quote_title
from .a1 import Rng, a1_name, check_limits, resolve, same_range
from .cells import cell_requests, describe, raw_value, user_entered
from .errors import ApiError
from .render import rendered
from .state import Store
from .transport import Call


class ValuesApi:
    """Handlers of the Sheets API's values methods, over the emulator's state."""

    def __init__(self, store: Store):
        self.store = store

    def routes(self) -> dict:
        return {f"sheets.spreadsheets.values.{name}": handler for name, handler in (
            ("get", self._values_get), ("batchGet", self._values_batch_get), ("update", self._values_update),
            ("batchUpdate", self._values_batch_update), ("append", self._values_append),
            ("clear", self._values_clear), ("batchClear", self._values_batch_clear))}

    # ------------------------------------------------------------------ values: reading
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

    # ------------------------------------------------------------------ values: writing
    def plan_write(self, ss: model.Spreadsheet, rng: Rng, value_range: dict, option: str,
                    *, origin: tuple[int, int] | None = None, grow: bool = False):
        """Model requests for one ValueRange; returns (requests, UpdateValuesResponse, needed rows/cols)."""
        major = value_range.get("majorDimension") or "ROWS"
        values = value_range.get("values") or []
        if not isinstance(values, list):
            raise ApiError(400, "Invalid values: expected a list of lists")
        sheet = rng.sheet
        r0, c0 = origin or (rng.r0, rng.c0)
        locale = ss.properties.get("locale", "en_US")
        cells: dict[int, dict[int, dict]] = {}
        formats: list[tuple[int, int, dict]] = []
        positions: list[tuple[int, int]] = []
        max_r = max_c = -1
        for i, line in enumerate(values):
            if not isinstance(line, list):
                raise ApiError(400, f"Invalid values[{i}]: {describe(line)}")
            for j, value in enumerate(line):
                r, c = (r0 + i, c0 + j) if major != "COLUMNS" else (r0 + j, c0 + i)
                if origin is None and not rng.anchor:
                    if rng.r1 is not None and r >= rng.r1:
                        raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                            f"to row [{r + 1}]")
                    if rng.c1 is not None and c >= rng.c1:
                        raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                            f"to column [{col_letter(c)}]")
                positions.append((r, c))
                max_r, max_c = max(max_r, r), max(max_c, c)
                if value is None:
                    continue  # null: leave the cell as it is
                if isinstance(value, (dict, list)):
                    raise ApiError(400, f"Invalid values[{i}][{j}]: {describe(value)}")
                ev, nf = user_entered(value, locale) if option == "USER_ENTERED" else (raw_value(value, i, j), None)
                cells.setdefault(r, {})[c] = {"userEnteredValue": ev} if ev else {}
                if nf:
                    formats.append((r, c, nf))
        need_rows, need_cols = max_r + 1, max_c + 1
        if not grow and (need_rows > sheet.rows or need_cols > sheet.cols):
            raise ApiError(400, f"Range ({quote_title(sheet.title)}!{col_letter(max(max_c, 0))}{max_r + 1}) "
                                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        reqs = cell_requests(sheet.id, cells) + [
            {"repeatCell": {"range": {"sheetId": sheet.id, "startRowIndex": r, "endRowIndex": r + 1,
                                      "startColumnIndex": c, "endColumnIndex": c + 1},
                            "cell": {"userEnteredFormat": {"numberFormat": nf}},
                            "fields": "userEnteredFormat.numberFormat"}} for r, c, nf in formats]
        response = {"spreadsheetId": ss.id}
        if positions:
            response.update(
                updatedRange=a1_name(sheet.title, min(p[0] for p in positions), need_rows,
                                      min(p[1] for p in positions), need_cols),
                updatedRows=len(cells), updatedColumns=len({c for row in cells.values() for c in row}),
                updatedCells=sum(len(row) for row in cells.values()))
            for key in ("updatedRows", "updatedColumns", "updatedCells"):
                if not response[key]:
                    del response[key]
        else:
            response["updatedRange"] = rng.name()
        return reqs, response, (need_rows, need_cols)

    def _apply(self, ss: model.Spreadsheet, reqs: list[dict]) -> None:
        if reqs:
            ss.batch_update(reqs)
        self.store.changed(ss)

    def _with_data(self, ss, response: dict, call_opts: dict) -> dict:
        if call_opts.get("include") and "updatedRange" in response:
            rng = resolve(ss, response["updatedRange"])
            response["updatedData"] = self.value_range(ss, rng, None, call_opts.get("render"),
                                                        call_opts.get("dt"))
        return response

    @staticmethod
    def _input_option(value: str | None) -> str:
        if not value:
            raise ApiError(400, "'valueInputOption' is required but not specified")
        if value not in ("RAW", "USER_ENTERED"):
            raise ApiError(400, f"Invalid valueInputOption: {value}")
        return value

    def _values_update(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        option = self._input_option(call.one("valueInputOption"))
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        body = call.body or {}
        if body.get("range") and not same_range(ss, body["range"], rng):
            raise ApiError(400, f"Requested range [{call.path['range']}] must match the range in the body "
                                f"[{body['range']}]")
        reqs, response, _ = self.plan_write(ss, rng, body, option)
        self._apply(ss, reqs)
        opts = {"include": call.flag("includeValuesInResponse"), "render": call.one("responseValueRenderOption"),
                "dt": call.one("responseDateTimeRenderOption")}
        return 200, self._with_data(ss, response, opts)

    def _values_batch_update(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        body = call.body or {}
        option = self._input_option(body.get("valueInputOption"))
        data = body.get("data") or []
        all_reqs, responses = [], []
        for i, vr in enumerate(data):
            if not vr.get("range"):
                raise ApiError(400, f"Invalid data[{i}]: range is required")
            rng = resolve(ss, vr["range"])
            check_limits(rng)
            reqs, response, _ = self.plan_write(ss, rng, vr, option)
            all_reqs.extend(reqs)
            responses.append(response)
        if not data:
            return 200, {"spreadsheetId": ss.id}
        self._apply(ss, all_reqs)
        opts = {"include": bool(body.get("includeValuesInResponse")), "render": body.get("responseValueRenderOption"),
                "dt": body.get("responseDateTimeRenderOption")}
        responses = [self._with_data(ss, r, opts) for r in responses]
        out = {"spreadsheetId": ss.id,
               "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
               "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
               "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
               "totalUpdatedSheets": len({resolve(ss, r["updatedRange"]).sheet.id for r in responses
                                          if r.get("updatedCells")}),
               "responses": responses}
        return 200, {k: v for k, v in out.items() if v != 0}

    def _values_append(self, call: Call):
        """Google's "table" search: from a single cell, the table is the block of filled cells
        around it (an empty cell: no table, the values go there); from a larger range, the last
        table found in it, in reading order. Values go to the row below the table, from its
        first column. The grid grows as needed, as on Google."""
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        option = self._input_option(call.one("valueInputOption"))
        insert = call.one("insertDataOption", "OVERWRITE")
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        sheet = rng.sheet
        table = _table(sheet, rng)
        target = (table[1], table[2]) if table else (rng.r0, rng.c0)
        if insert == "INSERT_ROWS" and any(r >= target[0] and any(_filled(cell) for cell in line.values())
                                           for r, line in sheet.cells.items()):
            raise ApiError(501, "emulator: INSERT_ROWS with data below the table is not implemented",
                           reason="notImplemented")
        body = call.body or {}
        reqs, response, (need_rows, need_cols) = self.plan_write(ss, rng, body, option, origin=target, grow=True)
        grow = []
        if need_rows > sheet.rows:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "ROWS",
                                             "length": need_rows - sheet.rows}})
        if need_cols > sheet.cols:
            grow.append({"appendDimension": {"sheetId": sheet.id, "dimension": "COLUMNS",
                                             "length": need_cols - sheet.cols}})
        self._apply(ss, grow + reqs)
        opts = {"include": call.flag("includeValuesInResponse"), "render": call.one("responseValueRenderOption"),
                "dt": call.one("responseDateTimeRenderOption")}
        out = {"spreadsheetId": ss.id, "updates": self._with_data(ss, response, opts)}
        if table:
            out["tableRange"] = a1_name(sheet.title, *table)
        return 200, out

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


def _filled(cell) -> bool:
    return cell is not None and (cell.value not in (None, "") or cell.formula is not None)


def _region(sheet, r: int, c: int, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The block of filled cells around (r, c) within box: grown while a filled cell touches
    its edge (diagonals too), like a spreadsheet's "current region"."""
    r0, r1, c0, c1 = r, r + 1, c, c + 1
    lo_r, hi_r, lo_c, hi_c = box
    grown = True
    while grown:
        grown = False
        for a, b, x, y in ((r0 - 1, r0, c0 - 1, c1 + 1), (r1, r1 + 1, c0 - 1, c1 + 1),
                           (r0 - 1, r1 + 1, c0 - 1, c0), (r0 - 1, r1 + 1, c1, c1 + 1)):
            hits = [(i, j) for i in range(max(a, lo_r), min(b, hi_r)) for j in range(max(x, lo_c), min(y, hi_c))
                    if _filled(sheet.peek(i, j))]
            if hits:
                r0, r1 = min(r0, *(i for i, _ in hits)), max(r1, *(i + 1 for i, _ in hits))
                c0, c1 = min(c0, *(j for _, j in hits)), max(c1, *(j + 1 for _, j in hits))
                grown = True
    return r0, r1, c0, c1


def _table(sheet, rng: Rng) -> tuple[int, int, int, int] | None:
    """The table values.append writes below: (r0, r1, c0, c1), or None."""
    box = rng.closed()
    if rng.anchor and not rng.whole:
        box = (rng.r0, sheet.rows, rng.c0, sheet.cols)
        return _region(sheet, rng.r0, rng.c0, box) if _filled(sheet.peek(rng.r0, rng.c0)) else None
    found = None
    covered: list[tuple[int, int, int, int]] = []
    for r in sorted(r for r in sheet.cells if box[0] <= r < box[1]):
        for c in sorted(c for c in sheet.cells[r] if box[2] <= c < box[3]):
            if _filled(sheet.cells[r][c]) and not any(a <= r < b and x <= c < y for a, b, x, y in covered):
                found = _region(sheet, r, c, box)
                covered.append(found)
    return found
