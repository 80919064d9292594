"""The Google emulator answers as Google does on a batch of nested request lists and on the 10 million
cell limit (through the real gspread client), and the product stops before a write Google would refuse."""

from __future__ import annotations

import re
import warnings

import gspread
import pytest

from sheets_plan.backends.google import connect
from sheets_plan.errors import RunError
from sheets_plan_emulators.google import Emulator

from .google_fixtures import google_backend


@pytest.fixture
def google():
    emu = Emulator()
    client, _ = connect(session=emu.session(), per_minute=None)
    folder = emu.add_folder("Team")
    return emu, client, client.create("Limits", folder_id=folder)


def cell(sheet_id: int, row: int, text: str) -> dict:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": 0},
                            "rows": [{"values": [{"userEnteredValue": {"stringValue": text}}]}],
                            "fields": "userEnteredValue"}}


def test_nested_request_lists_are_applied_in_order(google):
    emu, _, book = google
    sid = book.sheet1.id
    book.batch_update({"requests": [[cell(sid, 0, "a"), cell(sid, 1, "b")], [cell(sid, 0, "c")]]})
    assert book.sheet1.col_values(1) == ["c", "b"]


def test_growing_past_ten_million_cells_is_refused_and_changes_nothing(google):
    emu, _, book = google
    sid = book.sheet1.id
    grow = {"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
        "rowCount": 1_000_000, "columnCount": 28}}, "fields": "gridProperties.rowCount,gridProperties.columnCount"}}
    with pytest.raises(gspread.exceptions.APIError) as e:
        book.batch_update({"requests": [cell(sid, 0, "kept out"), grow]})
    assert e.value.response.status_code == 400
    assert "above the limit of 10000000 cells" in e.value.response.json()["error"]["message"]
    props = book.fetch_sheet_metadata()["sheets"][0]["properties"]["gridProperties"]
    assert (props["rowCount"], props["columnCount"]) == (1000, 26) and book.sheet1.col_values(1) == []


def test_the_product_stops_before_a_write_past_the_limit_and_writes_nothing(google):
    emu, client, book = google
    sid = book.sheet1.id
    book.batch_update({"requests": [{"updateSheetProperties": {"properties": {"sheetId": sid, "gridProperties": {
        "rowCount": 384_000, "columnCount": 26}}, "fields": "gridProperties.rowCount,gridProperties.columnCount"}}]})
    backend = google_backend(emu, emu.add_folder("Other"))
    backend.get(book.id)
    posts = len([r for r in emu.requests if "batchUpdate" in r.url])
    with pytest.raises(RunError) as e:
        backend.batch_update(book.id, [{"addSheet": {"properties": {"title": "Weekly"}}}])  # 1000 × 26 more
    assert "from 9 984 000 to 10 010 000 cells" in str(e.value) and "archive old weeks" in str(e.value)
    assert len([r for r in emu.requests if "batchUpdate" in r.url]) == posts  # nothing sent


def test_spreadsheets_get_gives_the_default_format(google):
    _, _, book = google
    default = book.fetch_sheet_metadata()["properties"]["defaultFormat"]
    assert default["backgroundColor"] == {"red": 1, "green": 1, "blue": 1}
    assert default["padding"] == {"top": 2, "right": 3, "bottom": 2, "left": 3}
    assert (default["verticalAlignment"], default["wrapStrategy"]) == ("BOTTOM", "OVERFLOW_CELL")
    assert default["textFormat"]["fontSize"] == 10 and default["textFormat"]["bold"] is False


def test_repeat_cell_writes_text_format_runs(google):
    _, _, book = google
    sid = book.sheet1.id
    runs = [{"startIndex": 0, "format": {"bold": True}}, {"startIndex": 4, "format": {"italic": True}}]
    book.batch_update({"requests": [
        {"updateCells": {"start": {"sheetId": sid}, "fields": "userEnteredValue",
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "bold then italic"}}]}]}},
        {"repeatCell": {"range": {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 1}, "cell": {"textFormatRuns": runs}, "fields": "textFormatRuns"}}]})
    data = book.fetch_sheet_metadata({"includeGridData": "true", "ranges": "A1"})
    cell = data["sheets"][0]["data"][0]["rowData"][0]["values"][0]
    assert cell["textFormatRuns"] == [{"format": {"bold": True}}, {"startIndex": 4, "format": {"italic": True}}]
    assert cell["userEnteredValue"] == {"stringValue": "bold then italic"}


def _values(book, ranges: str, fields: str | None = None) -> list[dict]:
    params = {"includeGridData": "true", "ranges": ranges} | ({"fields": fields} if fields else {})
    return [c for row in book.fetch_sheet_metadata(params)["sheets"][0]["data"][0]["rowData"] for c in row["values"]]


def test_grid_data_carries_the_effective_format_and_the_formatted_value(google):
    """A cell's effective format is the default with its own laid over it, and a conditional rule
    that holds for it (a rule that makes a cell bold makes its effective format bold); its formatted
    value is what it shows."""
    _, _, book = google
    sid = book.sheet1.id
    book.sheet1.update([["seven", 7], ["three", 3], [True, 12]], "A1:B3", raw=False)
    book.batch_update({"requests": [
        {"repeatCell": {"range": {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0,
                                  "endColumnIndex": 1},
                        "cell": {"userEnteredFormat": {"textFormat": {"italic": True}}},
                        "fields": "userEnteredFormat.textFormat.italic"}},
        {"addConditionalFormatRule": {"index": 0, "rule": {
            "ranges": [{"sheetId": sid, "startRowIndex": 0, "endRowIndex": 3, "startColumnIndex": 1,
                        "endColumnIndex": 2}],
            "booleanRule": {"condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=B1>5"}]},
                            "format": {"textFormat": {"bold": True}}}}}}]})
    a1, b1, a2, b2, a3, b3 = _values(book, "A1:B3")
    assert a1["formattedValue"] == "seven" and b1["formattedValue"] == "7" and a3["formattedValue"] == "TRUE"
    assert a1["effectiveFormat"]["textFormat"]["italic"] is True and a1["effectiveFormat"]["textFormat"]["bold"] is False
    assert a1["effectiveFormat"]["padding"] == {"top": 2, "right": 3, "bottom": 2, "left": 3}  # the default's
    assert [c["effectiveFormat"]["textFormat"]["bold"] for c in (b1, b2, b3)] == [True, False, True]
    assert "effectiveFormat" not in b2.get("userEnteredFormat", {}) and "userEnteredFormat" not in b1
    only = _values(book, "B1:B2", "sheets.data.rowData.values.effectiveFormat.textFormat.bold")
    assert only == [{"effectiveFormat": {"textFormat": {"bold": True}}}, {"effectiveFormat": {"textFormat": {
        "bold": False}}}]


def test_a_formatted_value_is_what_values_get_shows_and_a_colour_scale_is_refused_with_501(google):
    """A cell's formattedValue is values.get's formatted value (a fraction, an error, a percent);
    the colour a colour scale gives a cell is not emulated: 501, not a guess."""
    _, _, book = google
    sid = book.sheet1.id
    book.sheet1.update([[0.5, "=1/0", 0.25]], "A1:C1", raw=False)
    book.batch_update({"requests": [{"repeatCell": {
        "range": {"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 2, "endColumnIndex": 3},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "PERCENT", "pattern": "0.0%"}}},
        "fields": "userEnteredFormat.numberFormat"}}]})
    shown = [c["formattedValue"] for c in _values(book, "A1:C1", "sheets.data.rowData.values.formattedValue")]
    assert shown == book.sheet1.get("A1:C1")[0] == ["0.5", "#DIV/0!", "25.0%"]
    book.batch_update({"requests": [{"addConditionalFormatRule": {"index": 0, "rule": {
        "ranges": [{"sheetId": sid, "startRowIndex": 0, "endRowIndex": 1, "startColumnIndex": 0, "endColumnIndex": 1}],
        "gradientRule": {"minpoint": {"color": {"red": 1}, "type": "MIN"},
                         "maxpoint": {"color": {"green": 1}, "type": "MAX"}}}}}]})
    with pytest.raises(gspread.exceptions.APIError) as e:
        _values(book, "A1", "sheets.data.rowData.values.effectiveFormat")
    assert e.value.response.status_code == 501 and "gradient" in e.value.response.text


def test_a_local_workbook_past_google_s_limit_is_written_with_advice(tmp_path):
    """The local workbook keeps working past Google's 10 million cells (Excel's and LibreOffice's
    limits are far larger): the write is made, and the command says in one line that the file
    would not open in Google Sheets."""
    import click
    import openpyxl
    from click.testing import CliRunner

    from sheets_plan import LocalBackend, provision
    from sheets_plan.cli.output import run_errors
    from sheets_plan.errors import Advice

    backend = LocalBackend(tmp_path)
    path = provision(backend, "Big", admins=["Anna"], locale="en")
    # a value typed 600 000 rows down, past column S: the Plan alone spans 12 million cells
    grow = [{"updateSheetProperties": {"properties": {"sheetId": 1001, "gridProperties": {"rowCount": 600_000}},
                                       "fields": "gridProperties.rowCount"}},
            {"updateCells": {"start": {"sheetId": 1001, "rowIndex": 599_999, "columnIndex": 20},
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "far down"}}]}],
                             "fields": "userEnteredValue"}},
            {"updateCells": {"start": {"sheetId": 1001, "rowIndex": 1, "columnIndex": 5},
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": "still written"}}]}],
                             "fields": "userEnteredValue"}}]
    @click.command()
    @run_errors
    def write():
        backend.batch_update(path, grow)

    result = CliRunner().invoke(write, [])
    assert result.exit_code == 0 and result.output.count("\n") == 1
    assert re.fullmatch(r"warning: Big\.xlsx: the workbook now holds 1[0-9 ]+ cells, past Google Sheets' limit of "
                        r"10 000 000: it works here, but would not open in Google Sheets; archive old weeks into "
                        r"another workbook or split the project before moving it there\n", result.output)
    assert openpyxl.load_workbook(path)["Plan"]["F2"].value == "still written"
    with warnings.catch_warnings(record=True) as said:  # a write that grows nothing says nothing
        warnings.simplefilter("always")
        backend.batch_update(path, [{"updateCells": {"start": {"sheetId": 1001, "rowIndex": 1, "columnIndex": 5},
                                                     "rows": [{"values": [{"userEnteredValue": {"stringValue": "x"}}]}],
                                                     "fields": "userEnteredValue"}}])
        backend.batch_update(path, [{"updateSheetProperties": {"properties": {  # no size in an xlsx: none grows
            "sheetId": 1002, "gridProperties": {"rowCount": 700_000}}, "fields": "gridProperties.rowCount"}}])
    assert not [w for w in said if issubclass(w.category, Advice)]
