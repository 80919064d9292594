"""The emulator's structural edits, formulas and response shapes, each as Google documents them.

Through the real gspread client. Where Google's reference says what happens (insertDimension:
"rows after the inserted ones move down", a range that spans the insertion grows, a reference
to deleted cells becomes #REF!, mergeType splits, blanks sort last...), the test asserts exactly
that; see the docstrings of sheets_plan/reshape.py, paste.py and references.py.
"""

from __future__ import annotations

import pytest
from gspread.exceptions import APIError
from gspread.utils import ExportFormat

from sheets_plan.sheets.references import deleted, inserted, moved, remap, relocate
from sheets_plan_emulators.google import Emulator

ALL_DRIVES = {"supportsAllDrives": "true"}


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def sh(emu):
    gc = emu.client()
    return gc.create("Structure", folder_id=emu.add_folder("Team"))


def grid(r0=None, r1=None, c0=None, c1=None, sheet_id=0) -> dict:
    out = {"sheetId": sheet_id}
    for key, value in (("startRowIndex", r0), ("endRowIndex", r1), ("startColumnIndex", c0),
                       ("endColumnIndex", c1)):
        if value is not None:
            out[key] = value
    return out


def dims(dimension, start, end, sheet_id=0) -> dict:
    return {"sheetId": sheet_id, "dimension": dimension, "startIndex": start, "endIndex": end}


def batch(sh, *requests):
    return sh.batch_update({"requests": list(requests)})["replies"]


def model(emu, sh):
    return emu.spreadsheets[sh.id]


def formulas(ws, rng):
    return ws.get(rng, value_render_option="FORMULA")


# ----------------------------------------------------------------------------- references (pure)

def test_references_move_with_their_cells():
    f = "=SUM(Plan!K:K)+Plan!$K5+K5+'Plan'!A2:A+Plan!A1:B5+\"Plan!K5\"+Other!K5"
    assert remap(f, "Plan", "Plan", "COLUMNS", inserted(10, 1)) == \
        "=SUM(Plan!L:L)+Plan!$L5+L5+'Plan'!A2:A+Plan!A1:B5+\"Plan!K5\"+Other!K5"
    assert remap(f, "Plan", "Plan", "COLUMNS", deleted(10, 11)) == \
        "=SUM(#REF!)+#REF!+#REF!+'Plan'!A2:A+Plan!A1:B5+\"Plan!K5\"+Other!K5"
    # rows inserted inside A1:B5 make it grow; a formula on another tab only follows qualified refs
    assert remap(f, "X", "Plan", "ROWS", inserted(2, 2)) == \
        "=SUM(Plan!K:K)+Plan!$K7+K5+'Plan'!A2:A+Plan!A1:B7+\"Plan!K5\"+Other!K5"
    assert remap(f, "Plan", "Plan", "ROWS", deleted(0, 1)) == \
        "=SUM(Plan!K:K)+Plan!$K4+K4+'Plan'!A1:A+Plan!A1:B4+\"Plan!K5\"+Other!K5"
    assert remap("=A1:A10", "S", "S", "ROWS", moved(0, 1, 5)) == "=A1:A10"  # all its rows stay in it
    assert remap("=A1", "S", "S", "ROWS", moved(0, 1, 5)) == "=A5"
    assert remap("='It''s'!B2", "X", "It's", "COLUMNS", inserted(0, 2)) == "='It''s'!D2"
    assert relocate("=A1+B1+SUM(A1:A2)+A1:C1", "S", "S", (0, 2, 0, 1), 5, 2) == "=C6+B1+SUM(C6:C7)+A1:C1"


# ----------------------------------------------------------------------------- insert, delete, move

def test_inserting_rows_moves_cells_and_everything_anchored_to_them(emu, sh):
    ws = sh.sheet1
    ws.update([["h1", "h2"], ["a", 1], ["b", 2], ["c", 3]], "A1:B4")
    other = sh.add_worksheet("Other", 10, 5)
    other.update([["=Sheet1!B3", "=SUM(Sheet1!B2:B4)", "=SUM(Sheet1!B:B)", "=Sheet1!B1"]], "A1:D1",
                 value_input_option="USER_ENTERED")
    rule = {"condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "a"}]}}
    batch(sh,
          {"mergeCells": {"range": grid(1, 3, 3, 4), "mergeType": "MERGE_ALL"}},
          {"addProtectedRange": {"protectedRange": {"range": grid(1, 4, 0, 2), "description": "data"}}},
          {"addConditionalFormatRule": {"index": 0, "rule": {"ranges": [grid(1, 4, 0, 1)], "booleanRule": {
              "condition": {"type": "CUSTOM_FORMULA", "values": [{"userEnteredValue": "=$B3>1"}]},
              "format": {"textFormat": {"bold": True}}}}}},
          {"addNamedRange": {"namedRange": {"name": "Data", "range": grid(1, 4, 0, 2)}}},
          {"setDataValidation": {"range": grid(1, 4, 0, 1), "rule": rule}},
          {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 2}},
                                     "fields": "gridProperties.frozenRowCount"}},
          {"createDeveloperMetadata": {"developerMetadata": {"metadataKey": "k", "visibility": "DOCUMENT",
                                                             "location": {"dimensionRange": dims("ROWS", 2, 3)}}}})
    batch(sh, {"insertDimension": {"range": dims("ROWS", 2, 4), "inheritFromBefore": True}})

    assert ws.get_all_values()[:7] == [["h1", "h2"], ["a", "1"], ["", ""], ["", ""], ["b", "2"], ["c", "3"]]
    assert formulas(other, "A1:D1") == [["=Sheet1!B5", "=SUM(Sheet1!B2:B6)", "=SUM(Sheet1!B:B)", "=Sheet1!B1"]]
    assert other.get("A1:D1", value_render_option="UNFORMATTED_VALUE") == [[2, 6, 6, "h2"]]
    book = model(emu, sh)
    sheet = book.sheet(0)
    assert sheet.merges == [grid(1, 5, 3, 4)]  # spanned the insertion: grows
    assert sheet.protected_ranges[0]["range"] == grid(1, 6, 0, 2)
    rule0 = sheet.conditional_formats[0]
    assert rule0["ranges"] == [grid(1, 6, 0, 1)]
    assert rule0["booleanRule"]["condition"]["values"][0]["userEnteredValue"] == "=$B5>1"
    assert book.named_ranges[0]["range"] == grid(1, 6, 0, 2)
    assert sheet.properties["gridProperties"]["frozenRowCount"] == 2  # inserted below the frozen rows
    assert sheet.properties["gridProperties"]["rowCount"] == 1002
    assert book.developer_metadata[0]["location"]["dimensionRange"] == dims("ROWS", 4, 5)
    assert sheet.peek(2, 0).validation == rule and sheet.peek(3, 0).validation == rule  # inside the range

    with pytest.raises(APIError) as exc:  # nothing before row 1 to inherit from
        batch(sh, {"insertDimension": {"range": dims("ROWS", 0, 1), "inheritFromBefore": True}})
    assert exc.value.response.status_code == 400


def test_deleting_columns_makes_references_to_them_ref_errors(emu, sh):
    ws = sh.sheet1
    ws.update([[1, 2, 3, 4, "=A1+D1", "=B1", "=SUM(A1:D1)", "=SUM(C:C)"]], "A1:H1",
              value_input_option="USER_ENTERED")
    batch(sh, {"mergeCells": {"range": grid(2, 3, 1, 3)}},
          {"addChart": {"chart": {"spec": {"basicChart": {"chartType": "LINE", "domains": [{"domain": {
              "sourceRange": {"sources": [grid(0, 5, 3, 4)]}}}]}},
              "position": {"overlayPosition": {"anchorCell": {"sheetId": 0, "rowIndex": 5, "columnIndex": 6}}}}}})
    batch(sh, {"deleteDimension": {"range": dims("COLUMNS", 1, 2)}})
    assert formulas(ws, "A1:G1") == [[1, 3, 4, "=A1+C1", "=#REF!", "=SUM(A1:C1)", "=SUM(B:B)"]]
    assert ws.get("E1", value_render_option="UNFORMATTED_VALUE") == [["#REF!"]]
    sheet = model(emu, sh).sheet(0)
    assert sheet.merges == []  # B3:C3 lost a column: one cell is no merge
    chart = sheet.charts[0]
    assert chart["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0] == grid(0, 5, 2, 3)
    assert chart["position"]["overlayPosition"]["anchorCell"]["columnIndex"] == 5
    assert sheet.properties["gridProperties"]["columnCount"] == 25
    with pytest.raises(APIError) as exc:
        batch(sh, {"deleteDimension": {"range": dims("COLUMNS", 0, 25)}})
    assert exc.value.response.status_code == 400 and "all the columns" in exc.value.response.json()["error"]["message"]


def test_moving_rows_takes_their_cells_and_references_along(sh):
    ws = sh.sheet1
    ws.update([["a"], ["b"], ["c"], ["d"]], "A1:A4")
    ws.update([["=A1"]], "C1", value_input_option="USER_ENTERED")
    batch(sh, {"moveDimension": {"source": dims("ROWS", 0, 1), "destinationIndex": 3}})
    assert ws.col_values(1) == ["b", "c", "a", "d"]
    assert formulas(ws, "C3") == [["=A3"]] and ws.acell("C3").value == "a"


# ----------------------------------------------------------------------------- sort, filter, hide, group

def test_sort_orders_numbers_then_text_then_booleans_blanks_last_and_formulas_follow_their_row(sh):
    ws = sh.sheet1
    rows = [["k", "v"], ["b", 3], ["", 9], ["A", 1], [10, 2], [True, 5], [2, 4]]
    ws.update(rows, "A1:B7", value_input_option="RAW")
    ws.update([[f"=B{r}*10"] for r in range(2, 8)], "C2:C7", value_input_option="USER_ENTERED")
    batch(sh, {"sortRange": {"range": grid(1, 7, 0, 3), "sortSpecs": [{"dimensionIndex": 0,
                                                                        "sortOrder": "ASCENDING"}]}})
    got = ws.get("A1:C7", value_render_option="UNFORMATTED_VALUE")
    assert [r[0] if r else "" for r in got] == ["k", 2, 10, "A", "b", True, ""]
    assert [r[2] for r in got[1:]] == [40, 20, 10, 30, 50, 90]  # each row's =B*10 still reads its row
    batch(sh, {"sortRange": {"range": grid(1, 7, 0, 3), "sortSpecs": [{"dimensionIndex": 1,
                                                                        "sortOrder": "DESCENDING"}]}})
    assert [r[1] for r in ws.get("A2:B7", value_render_option="UNFORMATTED_VALUE")] == [9, 5, 4, 3, 2, 1]


def test_basic_filter_bounds_sorts_hides_and_clears(emu, sh):
    ws = sh.sheet1
    ws.update([["who"], ["Аня"], ["Боря"], ["Аня"]], "A1:A4")
    batch(sh, {"setBasicFilter": {"filter": {"range": {"sheetId": 0}}}})
    meta = sh.fetch_sheet_metadata()["sheets"][0]
    assert meta["basicFilter"]["range"] == {"startRowIndex": 0, "endRowIndex": 1000, "startColumnIndex": 0,
                                            "endColumnIndex": 26}
    batch(sh, {"setBasicFilter": {"filter": {"range": grid(0, 4, 0, 1), "filterSpecs": [
        {"columnIndex": 0, "filterCriteria": {"hiddenValues": ["Боря"]}}]}}})
    rows = sh.fetch_sheet_metadata({"fields": "sheets.data.rowMetadata"})["sheets"][0]["data"][0]["rowMetadata"]
    assert [r.get("hiddenByFilter", False) for r in rows[:4]] == [False, False, True, False]
    batch(sh, {"clearBasicFilter": {"sheetId": 0}})
    meta = sh.fetch_sheet_metadata()["sheets"][0]
    assert "basicFilter" not in meta and not model(emu, sh).sheet(0).filtered
    with pytest.raises(APIError) as exc:
        batch(sh, {"setBasicFilter": {"filter": {"range": grid(0, 4, 0, 1), "filterSpecs": [
            {"columnIndex": 0, "filterCriteria": {"condition": {"type": "TEXT_CONTAINS"}}}]}}})
    assert exc.value.response.status_code == 501


def test_dimension_groups_are_depths_and_list_as_google_lists_them(sh):
    batch(sh, {"addDimensionGroup": {"range": dims("ROWS", 1, 6)}})
    reply, = batch(sh, {"addDimensionGroup": {"range": dims("ROWS", 2, 4)}})
    assert reply["addDimensionGroup"]["dimensionGroups"] == [
        {"range": {"dimension": "ROWS", "startIndex": 1, "endIndex": 6}, "depth": 1},
        {"range": {"dimension": "ROWS", "startIndex": 2, "endIndex": 4}, "depth": 2}]
    batch(sh, {"deleteDimensionGroup": {"range": dims("ROWS", 1, 6)}})
    meta = sh.fetch_sheet_metadata()["sheets"][0]
    assert meta["rowGroups"] == [{"range": {"dimension": "ROWS", "startIndex": 2, "endIndex": 4}, "depth": 1}]
    batch(sh, {"addDimensionGroup": {"range": dims("COLUMNS", 0, 2)}},
          {"deleteDimensionGroup": {"range": dims("COLUMNS", 0, 2)}})
    assert "columnGroups" not in sh.fetch_sheet_metadata()["sheets"][0]


def test_auto_resize_widens_a_column_to_its_text(sh):
    ws = sh.sheet1
    ws.update([["A" * 60]], "A1")
    batch(sh, {"autoResizeDimensions": {"dimensions": dims("COLUMNS", 0, 1)}})
    width = sh.fetch_sheet_metadata({"fields": "sheets.data.columnMetadata"})["sheets"][0]["data"][0]
    assert width["columnMetadata"][0]["pixelSize"] > 100 and width["columnMetadata"][1]["pixelSize"] == 100


# ----------------------------------------------------------------------------- merges and paste

def test_unmerge_undoes_every_merge_the_range_touches(emu, sh):
    batch(sh, {"mergeCells": {"range": grid(0, 2, 0, 2), "mergeType": "MERGE_ALL"}},
          {"mergeCells": {"range": grid(0, 2, 2, 4), "mergeType": "MERGE_COLUMNS"}})
    assert len(model(emu, sh).sheet(0).merges) == 3
    batch(sh, {"unmergeCells": {"range": grid(0, 1, 1, 3)}})
    assert model(emu, sh).sheet(0).merges == [grid(0, 2, 3, 4)]


def test_copy_paste_tiles_and_moves_relative_references(sh):
    ws = sh.sheet1
    ws.update([[1, "=A1*2"], [2, "=A2*2"]], "A1:B2", value_input_option="USER_ENTERED")
    batch(sh, {"copyPaste": {"source": grid(0, 2, 0, 2), "destination": grid(4, 8, 0, 2),
                             "pasteType": "PASTE_NORMAL"}})
    assert formulas(ws, "A5:B8") == [[1, "=A5*2"], [2, "=A6*2"], [1, "=A7*2"], [2, "=A8*2"]]
    batch(sh, {"copyPaste": {"source": grid(0, 2, 1, 2), "destination": grid(0, 1, 3, 4),
                             "pasteType": "PASTE_VALUES"}})
    assert formulas(ws, "D1:D2") == [[2], [4]]  # values pasted, not formulas


def test_cut_paste_moves_cells_and_references_follow(sh):
    ws = sh.sheet1
    ws.update([["x", "=A1&\"!\""]], "A1:B1", value_input_option="USER_ENTERED")
    batch(sh, {"cutPaste": {"source": grid(0, 1, 0, 1), "destination": {"sheetId": 0, "rowIndex": 2,
                                                                          "columnIndex": 2},
                            "pasteType": "PASTE_NORMAL"}})
    assert formulas(ws, "B1") == [['=C3&"!"']] and ws.acell("B1").value == "x!" and ws.acell("A1").value is None


# ----------------------------------------------------------------------------- formulas and shapes

def test_formulas_are_computed_and_errors_name_what_failed(sh):
    ws = sh.sheet1
    ws.update([["=4/2", "=1/0", "=FOO(1)", "=SUMIFS(A2:A3,B2:B3,\"x\")"], [5, "x"], [7, "X"]], "A1:D3",
              value_input_option="USER_ENTERED")
    assert ws.get("A1:D1") == [["2", "#DIV/0!", "#NAME?", "12"]]
    assert ws.get("A1", value_render_option="UNFORMATTED_VALUE") == [[2]]
    data = sh.fetch_sheet_metadata({"includeGridData": "true", "ranges": "Sheet1!A1:C1"})["sheets"][0]["data"][0]
    values = data["rowData"][0]["values"]
    assert values[0]["effectiveValue"] == {"numberValue": 2}
    assert values[1]["effectiveValue"]["errorValue"]["type"] == "DIVIDE_BY_ZERO"
    error = values[2]["effectiveValue"]["errorValue"]
    assert error["type"] == "NAME" and "FOO" in error["message"]


def test_ru_locale_formulas_take_semicolons(emu):
    gc = emu.client()
    sid = emu.create_spreadsheet("RU", emu.add_folder("Team"), locale="ru_RU")
    ws = gc.open_by_key(sid).sheet1
    ws.update([["=ЕСЛИ(1;2;3)", "=IF(1;2,5;3)", "=SUM(1;2)"]], "A1:C1", value_input_option="USER_ENTERED")
    assert ws.get("B1:C1", value_render_option="UNFORMATTED_VALUE") == [[2.5, 3]]


def test_responses_have_googles_shapes(emu, sh):
    ws = sh.sheet1
    batch(sh, {"repeatCell": {"range": grid(1, 2, 0, 2), "cell": {"userEnteredFormat": {
        "backgroundColor": {"green": 1, "blue": 1}, "textFormat": {"foregroundColor": {"red": 1}}}},
        "fields": "userEnteredFormat(backgroundColor,textFormat)"}},
        {"updateCells": {"range": grid(5, 6, 3, 4), "rows": [{"values": [{"note": "only a note"}]}], "fields": "note"}},
        {"addProtectedRange": {"protectedRange": {"range": grid(0, 1), "description": None}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 0}},
                                   "fields": "gridProperties.frozenRowCount"}})
    meta = sh.fetch_sheet_metadata({"includeGridData": "true"})["sheets"][0]
    fmt = meta["data"][0]["rowData"][1]["values"][0]["userEnteredFormat"]
    assert fmt["backgroundColorStyle"] == {"rgbColor": {"green": 1, "blue": 1}}
    assert fmt["textFormat"]["foregroundColorStyle"] == {"rgbColor": {"red": 1}}
    assert meta["data"][0]["rowData"][5]["values"][3] == {"note": "only a note"}  # note-only cells are kept
    protected = meta["protectedRanges"][0]
    assert "description" not in protected and protected["range"] == {"startRowIndex": 0, "endRowIndex": 1}
    assert "frozenRowCount" not in meta["properties"]["gridProperties"]
    assert meta["properties"]["sheetId"] == 0 and meta["properties"]["index"] == 0
    assert ws.get_note("D6") == "only a note"


def test_append_finds_the_table_as_google_does(sh):
    ws = sh.sheet1
    ws.append_row(["v1", "", "v3"])
    reply = sh.values_append("Sheet1", {"valueInputOption": "RAW"}, {"values": [["v1", "", "v3"]]})
    assert reply["tableRange"] == "Sheet1!C1" and reply["updates"]["updatedRange"] == "Sheet1!C2:E2"
    reply = sh.values_append("Sheet1!A1", {"valueInputOption": "RAW"}, {"values": [["w"]]})
    assert reply["tableRange"] == "Sheet1!A1" and reply["updates"]["updatedRange"] == "Sheet1!A2"
    reply = sh.values_append("Sheet1!A9", {"valueInputOption": "RAW"}, {"values": [["z"]]})
    assert "tableRange" not in reply and reply["updates"]["updatedRange"] == "Sheet1!A9"


def test_a_named_range_is_a_range(sh):
    ws = sh.sheet1
    ws.update([[1, 2], [3, 4]], "B2:C3")
    batch(sh, {"addNamedRange": {"namedRange": {"name": "Block", "range": grid(1, 3, 1, 3)}}})
    assert sh.values_get("'Sheet1'!Block")["values"] == [["1", "2"], ["3", "4"]]
    assert sh.values_get("Block")["range"] == "Sheet1!B2:C3"


def test_drive_export_get_and_csv_import(emu, sh):
    sh.sheet1.update([["a1", "B2"], ["3", "x,y"]], "A1:B2")
    gc = emu.client()
    assert gc.export(sh.id, ExportFormat.CSV) == b'a1,B2\r\n3,"x,y"'
    got = gc.http_client.request("get", f"https://www.googleapis.com/drive/v3/files/{sh.id}", params={
        **ALL_DRIVES, "includeItemsFromAllDrives": "True", "fields": "id,name"}).json()
    assert got == {"id": sh.id, "name": "Structure"}
    sh.add_worksheet("Extra", 5, 5)
    gc.import_csv(sh.id, "n,when\n1,2026-03-02\nx,\n")
    assert [w.title for w in sh.worksheets()] == ["Sheet1"]
    assert sh.sheet1.get_all_values() == [["n", "when"], ["1", "2026-03-02"], ["x", ""]]
    assert sh.sheet1.get("B2", value_render_option="UNFORMATTED_VALUE") == [[46083]]


def test_renaming_or_deleting_a_sheet_rewrites_the_references_to_it(sh):
    plan = sh.add_worksheet("Plan", 10, 5)
    plan.update([[3]], "A1")
    ws = sh.sheet1
    ws.update([["=Plan!A1*2", "=SUM('Plan'!A:A)"]], "A1:B1", value_input_option="USER_ENTERED")
    plan.update_title("Контент-план")
    assert formulas(ws, "A1:B1") == [["='Контент-план'!A1*2", "=SUM('Контент-план'!A:A)"]]
    assert ws.get("A1:B1", value_render_option="UNFORMATTED_VALUE") == [[6, 3]]
    sh.del_worksheet(plan)
    assert formulas(ws, "A1:B1") == [["=#REF!*2", "=SUM(#REF!)"]]


def test_a_group_collapses_and_paste_format_takes_only_formats(emu, sh):
    batch(sh, {"addDimensionGroup": {"range": dims("COLUMNS", 1, 3)}},
          {"updateDimensionGroup": {"dimensionGroup": {"range": dims("COLUMNS", 1, 3), "depth": 1,
                                                       "collapsed": True}, "fields": "collapsed"}})
    group, = sh.fetch_sheet_metadata()["sheets"][0]["columnGroups"]
    assert group["collapsed"] is True
    with pytest.raises(APIError):  # no such group
        batch(sh, {"updateDimensionGroup": {"dimensionGroup": {"range": dims("COLUMNS", 0, 3), "depth": 1,
                                                               "collapsed": True}, "fields": "collapsed"}})
    ws = sh.sheet1
    ws.update([["bold", "plain"]], "A1:B1")
    ws.format("A1", {"textFormat": {"bold": True}})
    batch(sh, {"copyPaste": {"source": grid(0, 1, 0, 1), "destination": grid(0, 1, 1, 2),
                             "pasteType": "PASTE_FORMAT"}})
    cell = model(emu, sh).sheet(0).peek(0, 1)
    assert cell.value == "plain" and cell.fmt == {"textFormat": {"bold": True}}
