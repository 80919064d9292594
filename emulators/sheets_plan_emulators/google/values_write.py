"""spreadsheets.values.update and batchUpdate: values written as Google writes them.

A mixin of ``values_api.ValuesApi``. A write becomes model requests (``plan_write``), so it
changes the spreadsheet as a batchUpdate would; ``plan_write`` also serves values.append and
Drive's CSV import.
"""

from __future__ import annotations

from sheets_plan import model
from sheets_plan.sheets.a1 import col_letter, quote_title
from .a1 import Rng, a1_name, check_limits, resolve, same_range
from .cells import cell_requests, describe, raw_value, user_entered
from .errors import ApiError
from .state import Store
from .transport import Call

Cells = dict[int, dict[int, dict]]   # row -> column -> CellData


def input_option(value: str | None) -> str:
    """valueInputOption, which Google requires of every write."""
    if not value:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    if value not in ("RAW", "USER_ENTERED"):
        raise ApiError(400, f"Invalid valueInputOption: {value}")
    return value


def response_options(call: Call) -> dict:
    """What a write's response includes, from the query (update and append)."""
    return {"include": call.flag("includeValuesInResponse"), "render": call.one("responseValueRenderOption"),
            "dt": call.one("responseDateTimeRenderOption")}


def _cells(rng: Rng, values: list, major: str, option: str, locale: str, origin: tuple[int, int] | None):
    """The cells a ValueRange's values make: (cells, number formats to set, every position written),
    each value typed as RAW or USER_ENTERED; a write out of the requested range is a 400."""
    r0, c0 = origin or (rng.r0, rng.c0)
    cells: Cells = {}
    formats: list[tuple[int, int, dict]] = []
    positions: list[tuple[int, int]] = []
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
            if value is None:
                continue  # null: leave the cell as it is
            if isinstance(value, (dict, list)):
                raise ApiError(400, f"Invalid values[{i}][{j}]: {describe(value)}")
            ev, nf = user_entered(value, locale) if option == "USER_ENTERED" else (raw_value(value, i, j), None)
            cells.setdefault(r, {})[c] = {"userEnteredValue": ev} if ev else {}
            if nf:
                formats.append((r, c, nf))
    return cells, formats, positions


def _updated(ss: model.Spreadsheet, rng: Rng, cells: Cells, positions: list[tuple[int, int]],
             need_rows: int, need_cols: int) -> dict:
    """The UpdateValuesResponse: the range written and how much of it (zero counts left out)."""
    response = {"spreadsheetId": ss.id}
    if not positions:
        response["updatedRange"] = rng.name()
        return response
    response.update(
        updatedRange=a1_name(rng.sheet.title, min(p[0] for p in positions), need_rows,
                             min(p[1] for p in positions), need_cols),
        updatedRows=len(cells), updatedColumns=len({c for row in cells.values() for c in row}),
        updatedCells=sum(len(row) for row in cells.values()))
    for key in ("updatedRows", "updatedColumns", "updatedCells"):
        if not response[key]:
            del response[key]
    return response


class ValuesWriting:
    """Writing values: planned as model requests, applied, answered with what was updated."""

    store: Store

    def plan_write(self, ss: model.Spreadsheet, rng: Rng, value_range: dict, option: str,
                   *, origin: tuple[int, int] | None = None, grow: bool = False):
        """Model requests for one ValueRange; returns (requests, UpdateValuesResponse, needed rows/cols)."""
        major = value_range.get("majorDimension") or "ROWS"
        values = value_range.get("values") or []
        if not isinstance(values, list):
            raise ApiError(400, "Invalid values: expected a list of lists")
        sheet = rng.sheet
        locale = ss.properties.get("locale", "en_US")
        cells, formats, positions = _cells(rng, values, major, option, locale, origin)
        max_r = max((r for r, _ in positions), default=-1)
        max_c = max((c for _, c in positions), default=-1)
        need_rows, need_cols = max_r + 1, max_c + 1
        if not grow and (need_rows > sheet.rows or need_cols > sheet.cols):
            raise ApiError(400, f"Range ({quote_title(sheet.title)}!{col_letter(max(max_c, 0))}{max_r + 1}) "
                                f"exceeds grid limits. Max rows: {sheet.rows}, max columns: {sheet.cols}")
        reqs = cell_requests(sheet.id, cells) + [
            {"repeatCell": {"range": {"sheetId": sheet.id, "startRowIndex": r, "endRowIndex": r + 1,
                                      "startColumnIndex": c, "endColumnIndex": c + 1},
                            "cell": {"userEnteredFormat": {"numberFormat": nf}},
                            "fields": "userEnteredFormat.numberFormat"}} for r, c, nf in formats]
        return reqs, _updated(ss, rng, cells, positions, need_rows, need_cols), (need_rows, need_cols)

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

    def _values_update(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        option = input_option(call.one("valueInputOption"))
        rng = resolve(ss, call.path["range"])
        check_limits(rng)
        body = call.body or {}
        if body.get("range") and not same_range(ss, body["range"], rng):
            raise ApiError(400, f"Requested range [{call.path['range']}] must match the range in the body "
                                f"[{body['range']}]")
        reqs, response, _ = self.plan_write(ss, rng, body, option)
        self._apply(ss, reqs)
        return 200, self._with_data(ss, response, response_options(call))

    def _values_batch_update(self, call: Call):
        ss = self.store.spreadsheet(call.path["spreadsheetId"])
        body = call.body or {}
        option = input_option(body.get("valueInputOption"))
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
