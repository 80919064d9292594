"""The Sheets v4 + Drive v3 emulator, driven through the real gspread client."""

from __future__ import annotations

import gspread
import pytest
from gspread.exceptions import APIError, SpreadsheetNotFound

from sheets_plan_emulators.google import Emulator, google_title, random_faults

DRIVE = "https://www.googleapis.com/drive/v3/files"
SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
ALL_DRIVES = {"supportsAllDrives": "true"}


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def folder(emu) -> str:
    return emu.add_folder("Team plans")  # a shared drive the service account is a member of


@pytest.fixture
def gc(emu) -> gspread.Client:
    return emu.client()


def error_of(exc: pytest.ExceptionInfo) -> dict:
    return exc.value.response.json()["error"]


# ----------------------------------------------------------------------------- gspread, end to end

def test_gspread_create_open_write_formula_and_read(emu, folder, gc):
    sh = gc.create("Coffee plan", folder_id=folder)
    assert emu.files[sh.id]["parents"] == [folder]
    assert emu.files[sh.id]["driveId"] == folder
    assert [s.title for s in emu.spreadsheets[sh.id].sheets] == ["Sheet1"]
    assert emu.count("drive.files.create") == 1 and emu.count("sheets.spreadsheets.get") == 1

    sh = gc.open_by_key(sh.id)
    ws = sh.add_worksheet("Plan", rows=20, cols=5)
    ws.update_title("Content plan")
    assert [w.title for w in sh.worksheets()] == ["Sheet1", "Content plan"]

    ws.update([["Reach", "Likes", "=B2/A2"], [1000, "50", "=B2/A2"]], "A1", value_input_option="USER_ENTERED")
    assert ws.get("A1:C2", value_render_option="FORMULA") == [["Reach", "Likes", "=B2/A2"],
                                                               [1000, 50, "=B2/A2"]]
    cell = emu.spreadsheets[sh.id].sheet_by_title("Content plan").peek(1, 1)
    assert cell.value == 50  # "50" typed by a user is a number

    ws.update([["=1+1", "005"]], "A4")  # gspread's default is RAW: never a formula
    assert ws.get("A4:B4", value_render_option="UNFORMATTED_VALUE") == [["=1+1", "005"]]

    got = sh.values_batch_get(["'Content plan'!A1:B2", "Sheet1"],
                              params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert got["valueRanges"] == [
        {"range": "'Content plan'!A1:B2", "majorDimension": "ROWS", "values": [["Reach", "Likes"], [1000, 50]]},
        {"range": "Sheet1!A1:Z1000", "majorDimension": "ROWS"},  # empty: no "values" at all
    ]
    assert emu.count("sheets.spreadsheets.values.batchGet") == 1
    assert all(r.status == 200 for r in emu.requests)


def test_batch_update_structure_requests_and_fields_mask(emu, folder, gc):
    sh = gc.create("Plan", folder_id=folder)
    before = len(emu.requests)
    reply = sh.batch_update({"requests": [
        {"addSheet": {"properties": {"sheetId": 7, "title": "Stats", "gridProperties": {"rowCount": 50,
                                                                                       "columnCount": 6}}}},
        {"updateCells": {"start": {"sheetId": 7, "rowIndex": 0, "columnIndex": 0},
                         "rows": [{"values": [{"userEnteredValue": {"stringValue": "Status"}},
                                              {"userEnteredValue": {"numberValue": 3}}]}],
                         "fields": "userEnteredValue"}},
        {"setDataValidation": {"range": {"sheetId": 7, "startRowIndex": 1, "endRowIndex": 50,
                                         "startColumnIndex": 0, "endColumnIndex": 1},
                               "rule": {"condition": {"type": "ONE_OF_LIST",
                                                      "values": [{"userEnteredValue": "draft"},
                                                                 {"userEnteredValue": "done"}]},
                                        "strict": True, "showCustomUi": True}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 1},
                                                  "warningOnly": True}}},
        {"addChart": {"chart": {"spec": {"title": "Reach", "basicChart": {"chartType": "LINE"}},
                                "position": {"overlayPosition": {"anchorCell": {"sheetId": 7, "rowIndex": 2,
                                                                                "columnIndex": 3}}}}}},
    ]})
    assert len(emu.requests) == before + 1  # one atomic request
    assert reply["spreadsheetId"] == sh.id
    assert reply["replies"][0]["addSheet"]["properties"]["title"] == "Stats"
    assert reply["replies"][1:3] == [{}, {}]
    assert "protectedRangeId" in reply["replies"][3]["addProtectedRange"]["protectedRange"]
    assert "chartId" in reply["replies"][4]["addChart"]["chart"]

    meta = sh.fetch_sheet_metadata(params={"fields": "sheets(properties(title,sheetId),protectedRanges,charts)"})
    stats = meta["sheets"][1]
    assert set(meta) == {"sheets"} and stats["properties"] == {"sheetId": 7, "title": "Stats"}
    assert len(stats["protectedRanges"]) == 1 and len(stats["charts"]) == 1

    data = sh.fetch_sheet_metadata(params={"ranges": "Stats!A1:B2",
                                           "fields": "sheets.data.rowData.values(userEnteredValue,dataValidation)"})
    rows = data["sheets"][0]["data"][0]["rowData"]
    assert rows[0]["values"] == [{"userEnteredValue": {"stringValue": "Status"}},
                                 {"userEnteredValue": {"numberValue": 3}}]
    assert rows[1]["values"][0]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"

    with pytest.raises(APIError) as exc:  # a bad field in the mask: 400, as on Google
        sh.fetch_sheet_metadata(params={"fields": "sheets.nonsense"})
    assert exc.value.code == 400


def test_batch_update_is_atomic(emu, folder, gc):
    sh = gc.create("Plan", folder_id=folder)
    with pytest.raises(APIError) as exc:
        sh.batch_update({"requests": [
            {"addSheet": {"properties": {"title": "Kept?"}}},
            {"deleteSheet": {"sheetId": 12345}},
        ]})
    assert exc.value.code == 400 and "12345" in error_of(exc)["message"]
    assert [s.title for s in emu.spreadsheets[sh.id].sheets] == ["Sheet1"]


# ----------------------------------------------------------------------------- Drive

def test_list_copy_and_tag_files_in_a_folder(emu, folder, gc):
    first = gc.create("Alpha", folder_id=folder)
    gc.create("Beta", folder_id=folder)
    other = emu.add_folder("Elsewhere")
    gc.create("Gamma", folder_id=other)

    names = sorted(f["name"] for f in gc.list_spreadsheet_files(folder_id=folder))
    assert names == ["Alpha", "Beta"]
    assert emu.count("drive.files.list") == 1

    # Tag with appProperties (merge; a null value deletes the key) and move, with one raw PATCH.
    url = f"{DRIVE}/{first.id}"
    gc.http_client.request("patch", url, params={**ALL_DRIVES, "addParents": other, "removeParents": folder},
                           json={"appProperties": {"template": "content-plan", "version": "3", "tmp": "x"}})
    got = gc.http_client.request("patch", url, params={**ALL_DRIVES, "fields": "id,parents,appProperties"},
                                 json={"appProperties": {"tmp": None, "project": "Кофейня"}}).json()
    assert got == {"id": first.id, "parents": [other],
                   "appProperties": {"template": "content-plan", "version": "3", "project": "Кофейня"}}

    # The registry query: one files.list, paginated.
    params = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "pageSize": 1,
              "q": f"'{other}' in parents and trashed = false and "
                   "appProperties has { key='template' and value='content-plan' }",
              "fields": "nextPageToken,files(id,name,appProperties)"}
    page = gc.http_client.request("get", DRIVE, params=params).json()
    assert page == {"files": [{"id": first.id, "name": "Alpha", "appProperties": got["appProperties"]}]}

    copy = gc.copy(first.id, title="Alpha 2", folder_id=folder, copy_comments=False)
    assert copy.title == "Alpha 2" and emu.files[copy.id]["parents"] == [folder]
    assert emu.spreadsheets[copy.id] is not emu.spreadsheets[first.id]
    assert [s.title for s in emu.spreadsheets[copy.id].sheets] == ["Sheet1"]


def test_pagination_and_default_fields(emu, folder, gc):
    for i in range(5):
        emu.create_spreadsheet(f"P{i}", folder)
    params = {**ALL_DRIVES, "includeItemsFromAllDrives": "true", "q": f"'{folder}' in parents", "pageSize": 2}
    seen, token = [], None
    while True:
        page = gc.http_client.request("get", DRIVE, params={**params, **({"pageToken": token} if token else {})})
        body = page.json()
        assert set(body["files"][0]) == {"kind", "id", "name", "mimeType"}  # Drive's default fields
        seen += [f["name"] for f in body["files"]]
        token = body.get("nextPageToken")
        if not token:
            break
    assert seen == ["P0", "P1", "P2", "P3", "P4"] and emu.count("drive.files.list") == 3
    # Without includeItemsFromAllDrives, shared-drive items are not listed (as on Google).
    hidden = gc.http_client.request("get", DRIVE, params={"q": f"'{folder}' in parents"}).json()
    assert hidden["files"] == []


def test_permissions(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder)
    url = f"{DRIVE}/{sid}/permissions"
    made = gc.http_client.request("post", url, params={**ALL_DRIVES, "sendNotificationEmail": "false"},
                                  json={"type": "user", "role": "writer", "emailAddress": "anna@example.com"}).json()
    assert set(made) == {"kind", "id", "type", "role"} and made["role"] == "writer"
    gc.http_client.request("post", url, params=ALL_DRIVES,
                           json={"type": "domain", "role": "reader", "domain": "example.com"})
    perms = gc.list_permissions(sid)
    assert {p.get("emailAddress") or p.get("domain") for p in perms} == {
        emu.identity, "anna@example.com", "example.com"}
    assert emu.drive.notifications == []  # the user permission was created without e-mail; domains get none

    # gspread's own share() sends "withLink", which Drive v3 does not define: refused like any unknown field.
    with pytest.raises(APIError) as exc:
        gc.insert_permission(sid, "boris@example.com", perm_type="user", role="writer", notify=False)
    assert exc.value.code == 400


# ----------------------------------------------------------------------------- Google's errors

def test_schema_breaking_request_is_400_in_googles_shape(emu, folder, gc):
    sh = gc.create("Plan", folder_id=folder)
    with pytest.raises(APIError) as exc:
        sh.batch_update({"requests": [{"addSheet": {"properties": {"titel": "typo"}}}]})
    err = error_of(exc)
    assert err["code"] == 400 and err["status"] == "INVALID_ARGUMENT"
    assert "titel" in err["message"] and "errors" not in err  # Sheets errors have no Drive-style list
    violation, = err["details"][0]["fieldViolations"]
    assert err["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert "titel" in violation["description"] and violation["field"].startswith("requests[0]")
    assert emu.requests[-1].status == 400
    assert [s.title for s in emu.spreadsheets[sh.id].sheets] == ["Sheet1"]

    with pytest.raises(APIError) as exc:  # bad enum in the query string
        sh.values_get("Sheet1!A1", params={"valueRenderOption": "PRETTY"})
    assert exc.value.code == 400

    with pytest.raises(APIError) as exc:  # valueInputOption is required by Google
        sh.values_update("Sheet1!A1", params={}, body={"values": [[1]]})
    assert "valueInputOption" in error_of(exc)["message"]


def test_not_found_is_404(emu, gc):
    with pytest.raises(SpreadsheetNotFound):
        gc.open_by_key("1doesNotExist")
    assert emu.requests[-1].status == 404
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{DRIVE}/1doesNotExist", params=ALL_DRIVES)
    err = error_of(exc)
    assert err["code"] == 404 and err["message"] == "File not found: 1doesNotExist."
    assert err["errors"][0]["reason"] == "notFound"


def test_denied_file_is_403_for_sheets_and_404_for_drive(emu, folder, gc):
    sid = emu.create_spreadsheet("Secret", folder)
    emu.deny(sid)
    with pytest.raises(PermissionError):
        gc.open_by_key(sid)
    assert emu.requests[-1].status == 403
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{DRIVE}/{sid}", params=ALL_DRIVES)
    assert exc.value.code == 404
    # A denied folder hides what is in it, and cannot be a parent.
    emu.allow(sid)
    emu.deny(folder)
    with pytest.raises(PermissionError):
        gc.open_by_key(sid)
    with pytest.raises(APIError) as exc:
        gc.create("New", folder_id=folder)
    assert exc.value.code == 404 and error_of(exc)["message"] == f"File not found: {folder}."


def test_service_account_cannot_create_in_my_drive(emu, gc):
    for folder_id in (None, emu.add_folder("Personal", shared_drive=False)):
        with pytest.raises(APIError) as exc:
            gc.create("Plan", folder_id=folder_id)
        err = error_of(exc)
        assert err["code"] == 403 and err["errors"][0]["reason"] == "storageQuotaExceeded"
        assert err["message"].startswith("Service Accounts do not have storage quota. Leverage shared drives")
    assert emu.spreadsheets == {}

    person = Emulator(service_account=None)  # OAuth user credentials: "My Drive" works
    sh = person.client().create("Mine")
    assert person.files[sh.id]["parents"] == [person.drive.root_id]


def test_shared_drive_items_need_supports_all_drives(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder)
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{DRIVE}/{sid}")
    assert exc.value.code == 404
    assert gc.http_client.request("get", f"{DRIVE}/{sid}", params=ALL_DRIVES).json()["id"] == sid


def test_unauthenticated_is_401(emu, folder):
    sid = emu.create_spreadsheet("Plan", folder)
    resp = emu.session(authorized=False).get(f"{SHEETS}/{sid}")
    assert resp.status_code == 401 and resp.json()["error"]["status"] == "UNAUTHENTICATED"


def test_other_hosts_never_reach_the_network(emu):
    import requests
    with pytest.raises(requests.ConnectionError):
        emu.session().get("https://example.com/")


# ----------------------------------------------------------------------------- faults and quota

def test_fault_injection(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder)
    emu.inject(lambda request: 503 if request.method_id == "sheets.spreadsheets.get" else None)
    with pytest.raises(APIError) as exc:
        gc.open_by_key(sid)
    assert exc.value.code == 503 and error_of(exc)["status"] == "UNAVAILABLE"
    emu.inject(None)
    sh = gc.open_by_key(sid)

    other = emu.create_spreadsheet("Broken", folder)
    emu.fail_spreadsheet(other, 500)
    with pytest.raises(APIError) as exc:
        gc.open_by_key(other)
    assert exc.value.code == 500 and error_of(exc)["status"] == "INTERNAL"
    assert sh.sheet1.get("A1") == [[]]  # other files are unaffected

    def run(seed):
        e = Emulator()
        s = e.create_spreadsheet("Plan", e.add_folder("T"))
        e.inject(random_faults(0.5, seed=seed))
        c = e.client()
        out = []
        for _ in range(20):
            try:
                c.http_client.request("get", f"{SHEETS}/{s}")
                out.append(200)
            except APIError as err:
                out.append(err.code)
        return out

    statuses = run(7)
    assert statuses == run(7) and set(statuses) - {200} <= {429, 500, 503} and 200 in statuses
    assert len(set(statuses)) > 1


def test_quota_with_a_fake_clock(folder):
    now = [1000.0]
    emu = Emulator(quota_per_minute=3, clock=lambda: now[0])
    sid = emu.create_spreadsheet("Plan", emu.add_folder("T"))
    gc = emu.client()
    for _ in range(3):
        gc.http_client.request("get", f"{SHEETS}/{sid}")
        now[0] += 10
    with pytest.raises(APIError) as exc:
        gc.http_client.request("get", f"{SHEETS}/{sid}")
    assert exc.value.code == 429 and error_of(exc)["status"] == "RESOURCE_EXHAUSTED"
    assert exc.value.response.headers["Retry-After"] == "30"  # the first request leaves the window at t=1060
    now[0] = 1060.0
    gc.http_client.request("get", f"{SHEETS}/{sid}")
    assert [r.status for r in emu.requests] == [200, 200, 200, 429, 200]


# ----------------------------------------------------------------------------- values

def test_values_drop_trailing_empties_and_name_ranges_like_google(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder, sheets=("Sheet1", "Weekly summary"))
    sh = gc.open_by_key(sid)
    sh.values_update("'Weekly summary'!A1", params={"valueInputOption": "RAW"},
                     body={"values": [["a", None, "c", ""], [], ["", "", ""], ["x"]]})
    got = sh.values_get("'Weekly summary'!A1:E6", params={"valueRenderOption": "UNFORMATTED_VALUE"})
    assert got == {"range": "'Weekly summary'!A1:E6", "majorDimension": "ROWS",
                   "values": [["a", "", "c"], [], [], ["x"]]}
    cols = sh.values_get("'Weekly summary'!A1:C4", params={"majorDimension": "COLUMNS"})
    assert cols["values"] == [["a", "", "", "x"], [], ["c"]]
    assert sh.values_get("Sheet1!B2:C3") == {"range": "Sheet1!B2:C3", "majorDimension": "ROWS"}
    assert sh.values_get("Sheet1!B2")["range"] == "Sheet1!B2"
    assert sh.values_get("A1:B2")["range"] == "Sheet1!A1:B2"  # no sheet: the first one
    assert sh.values_get("Sheet1!A:B")["range"] == "Sheet1!A1:B1000"
    assert [google_title(t) for t in ("Sheet1", "План", "My tab", "A1", "2024", "it's")] == [
        "Sheet1", "План", "'My tab'", "'A1'", "'2024'", "'it''s'"]
    with pytest.raises(APIError) as exc:
        sh.values_get("Sheet1!A1:A1001")
    assert "exceeds grid limits" in error_of(exc)["message"]
    with pytest.raises(APIError) as exc:
        sh.values_get("Nope!A1")
    assert error_of(exc)["message"] == "Unable to parse range: Nope!A1"


def test_values_write_endpoints(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder)
    sh = gc.open_by_key(sid)
    ws = sh.sheet1
    ws.update([["Date", "Reach", "Share"], ["2026-03-12", "1,520", "12.5%"]], "A1",
              value_input_option="USER_ENTERED")
    assert ws.get("A2:C2", value_render_option="UNFORMATTED_VALUE") == [[46093, 1520, 0.125]]
    assert ws.get("A2:C2") == [["2026-03-12", "1,520", "12.50%"]]
    assert ws.get("A2", value_render_option="UNFORMATTED_VALUE", date_time_render_option="FORMATTED_STRING") \
        == [["2026-03-12"]]

    with pytest.raises(APIError) as exc:  # more values than the range holds
        sh.values_update("Sheet1!A1:B1", params={"valueInputOption": "RAW"}, body={"values": [[1, 2, 3]]})
    assert "tried writing to column [C]" in error_of(exc)["message"]

    reply = sh.values_append("Sheet1!A1", params={"valueInputOption": "RAW"},
                             body={"values": [["2026-03-13", 900], ["2026-03-14", 1100]]})
    assert reply["tableRange"] == "Sheet1!A1:C2"
    assert reply["updates"]["updatedRange"] == "Sheet1!A3:B4" and reply["updates"]["updatedCells"] == 4

    result = sh.values_batch_update({"valueInputOption": "USER_ENTERED", "data": [
        {"range": "Sheet1!D1", "values": [["Total"]]},
        {"range": "Sheet1!D2:D4", "majorDimension": "COLUMNS", "values": [["=B2", "=B3", "=B4"]]}]})
    assert result["totalUpdatedCells"] == 4 and result["totalUpdatedSheets"] == 1
    assert ws.get("D1:D4", value_render_option="FORMULA") == [["Total"], ["=B2"], ["=B3"], ["=B4"]]

    assert sh.values_clear("Sheet1!D1:D4") == {"spreadsheetId": sid, "clearedRange": "Sheet1!D1:D4"}
    sh.values_batch_clear(body={"ranges": ["Sheet1!A3:B4"]})
    assert ws.get() == [["Date", "Reach", "Share"], ["2026-03-12", "1,520", "12.50%"]]
    fmt = emu.spreadsheets[sid].sheets[0].peek(1, 0).fmt
    assert fmt == {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}  # clear keeps formats


def test_user_entered_follows_the_spreadsheet_locale(emu, folder, gc):
    sid = emu.create_spreadsheet("План", folder, locale="ru_RU")
    sh = gc.open_by_key(sid)
    assert sh.locale == "ru_RU"
    sh.values_update("Sheet1!A1", params={"valueInputOption": "USER_ENTERED"},
                     body={"values": [["3,5", "1 520", "12.03.2026", "'=SUM(A1)"]]})
    assert sh.values_get("Sheet1!A1:D1", params={"valueRenderOption": "UNFORMATTED_VALUE"})["values"] == [
        [3.5, 1520, 46093, "=SUM(A1)"]]
    assert sh.values_get("Sheet1!A1:C1")["values"] == [["3,5", "1\u00a0520", "12.03.2026"]]


def test_moto_style_state_and_request_log(emu, folder, gc):
    sid = emu.create_spreadsheet("Plan", folder, app_properties={"template": "content-plan"})
    emu.spreadsheets[sid].batch_update([{"updateCells": {
        "start": {"sheetId": 0, "rowIndex": 0, "columnIndex": 0},
        "rows": [{"values": [{"userEnteredValue": {"formulaValue": "=1+1"}}]}], "fields": "userEnteredValue"}}])
    emu.spreadsheets[sid].sheets[0].peek(0, 0).effective = 2  # what Google would have computed
    sh = gc.open_by_key(sid)
    assert sh.sheet1.get("A1", value_render_option="UNFORMATTED_VALUE") == [[2]]
    assert [(r.method, r.method_id, r.status) for r in emu.requests] == [
        ("GET", "sheets.spreadsheets.get", 200),
        ("GET", "sheets.spreadsheets.get", 200),  # gspread's sheet1 fetches the metadata again
        ("GET", "sheets.spreadsheets.values.get", 200)]
    assert emu.requests[-1].url.startswith(f"/v4/spreadsheets/{sid}/values/")
    assert emu.requests[-1].params["valueRenderOption"] == ["UNFORMATTED_VALUE"]


def test_sheets_api_create_as_a_person_with_locale():
    emu = Emulator(service_account=None)
    gc = emu.client()
    made = gc.http_client.request("post", SHEETS, json={
        "properties": {"title": "Plan", "locale": "ru_RU", "timeZone": "Europe/Moscow"},
        "sheets": [{"properties": {"title": "Контент-план"}}]}).json()
    assert made["properties"]["locale"] == "ru_RU" and made["sheets"][0]["properties"]["sheetId"] == 0
    assert made["spreadsheetId"] in emu.files
    gc.open_by_key(made["spreadsheetId"]).batch_update({"requests": [{"updateSpreadsheetProperties": {
        "properties": {"title": "Renamed", "timeZone": "Etc/GMT"}, "fields": "title,timeZone"}}]})
    assert emu.files[made["spreadsheetId"]]["name"] == "Renamed"  # one title, Drive and Sheets
    assert emu.spreadsheets[made["spreadsheetId"]].properties["timeZone"] == "Etc/GMT"
    # A service account cannot: it has no Drive storage.
    with pytest.raises(APIError) as exc:
        Emulator().client().http_client.request("post", SHEETS, json={"properties": {"title": "x"}})
    assert exc.value.code == 403


def test_provisioning_budget_of_design_section_7(emu, folder, gc):
    """files.create (parents + appProperties) + 1 batchUpdate + 1 permissions.create per member."""
    tags = {"template": "content-plan", "version": "1", "project": "Кофейня"}
    made = gc.http_client.request("post", DRIVE, params={**ALL_DRIVES, "fields": "id,name,driveId,appProperties"},
                                  json={"name": "Кофейня — контент-план", "parents": [folder],
                                        "mimeType": "application/vnd.google-apps.spreadsheet",
                                        "appProperties": tags}).json()
    assert made["driveId"] == folder and made["appProperties"] == tags
    sid = made["id"]
    gc.http_client.batch_update(sid, {"requests": [
        {"updateSpreadsheetProperties": {"properties": {"locale": "ru_RU", "timeZone": "Europe/Moscow"},
                                         "fields": "locale,timeZone"}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "title": "План"}, "fields": "title"}}]})
    for member in ("anna@example.com", "boris@example.com"):
        gc.http_client.request("post", f"{DRIVE}/{sid}/permissions",
                               params={**ALL_DRIVES, "sendNotificationEmail": "false"},
                               json={"type": "user", "role": "writer", "emailAddress": member})
    assert [r.method_id for r in emu.requests] == [
        "drive.files.create", "sheets.spreadsheets.batchUpdate", "drive.permissions.create",
        "drive.permissions.create"]
    ss = emu.spreadsheets[sid]
    assert ss.properties["locale"] == "ru_RU" and ss.sheets[0].title == "План"

    # appProperties hold at most 124 bytes (UTF-8) per key + value: long Cyrillic names do not fit.
    with pytest.raises(APIError) as exc:
        gc.http_client.request("patch", f"{DRIVE}/{sid}", params=ALL_DRIVES,
                               json={"appProperties": {"project": "Я" * 60}})
    assert exc.value.code == 400
    with pytest.raises(APIError) as exc:  # parents are not writable: addParents/removeParents are
        gc.http_client.request("patch", f"{DRIVE}/{sid}", params=ALL_DRIVES, json={"parents": [folder]})
    assert exc.value.code == 403


# ----------------------------------------------------------------------------- no silent approximations

def test_a_field_mask_with_slashes_is_the_same_mask(emu, folder, gc):
    """Google takes `gridProperties/rowCount` as `gridProperties.rowCount`."""
    sh = gc.create("Masks", folder_id=folder)
    ws = sh.sheet1
    sh.batch_update({"requests": [{"updateSheetProperties": {
        "properties": {"sheetId": ws.id, "gridProperties": {"rowCount": 1010, "frozenRowCount": 1}},
        "fields": "gridProperties/rowCount,gridProperties/frozenRowCount"}}]})
    grid = emu.spreadsheets[sh.id].sheet(ws.id).properties["gridProperties"]
    assert grid["rowCount"] == 1010 and grid["frozenRowCount"] == 1


def test_hiding_the_only_visible_sheet_is_refused(emu, folder, gc):
    sh = gc.create("Hide", folder_id=folder)
    with pytest.raises(APIError) as exc:
        sh.batch_update({"requests": [{"updateSheetProperties": {
            "properties": {"sheetId": sh.sheet1.id, "hidden": True}, "fields": "hidden"}}]})
    assert exc.value.response.status_code == 400
    assert error_of(exc)["message"] == "You can't hide all the sheets in a document."
    assert not emu.spreadsheets[sh.id].sheet(sh.sheet1.id).properties.get("hidden")  # the batch left nothing


def test_merge_types_split_as_google_does_and_a_new_merge_replaces_an_old_one(emu, folder, gc):
    sh = gc.create("Merges", folder_id=folder)
    sid = sh.sheet1.id

    def merge(kind, r0, r1, c0, c1):
        sh.batch_update({"requests": [{"mergeCells": {"mergeType": kind, "range": {
            "sheetId": sid, "startRowIndex": r0, "endRowIndex": r1, "startColumnIndex": c0, "endColumnIndex": c1}}}]})
        return sorted((m["startRowIndex"], m["endRowIndex"], m["startColumnIndex"], m["endColumnIndex"])
                      for m in emu.spreadsheets[sh.id].sheet(sid).merges)

    # C1:D2 by columns: C1:C2 and D1:D2 (Google's documented example)
    assert merge("MERGE_COLUMNS", 0, 2, 2, 4) == [(0, 2, 2, 3), (0, 2, 3, 4)]
    # merging over them replaces both
    assert merge("MERGE_ALL", 0, 2, 2, 4) == [(0, 2, 2, 4)]
    assert merge("MERGE_ROWS", 4, 6, 0, 3) == [(0, 2, 2, 4), (4, 5, 0, 3), (5, 6, 0, 3)]


def test_hidden_and_sized_dimensions_are_kept_and_read_back_as_metadata(emu, folder, gc):
    """hiddenByUser and pixelSize (rows and columns) are stored and come back as row/columnMetadata;
    a dimension property the emulator does not keep is a 501 naming it, never a silent 200."""
    sh = gc.create("Hide a column", folder_id=folder)
    sid = sh.sheet1.id

    def update(dim, start, end, props, fields):
        sh.batch_update({"requests": [{"updateDimensionProperties": {
            "range": {"sheetId": sid, "dimension": dim, "startIndex": start, "endIndex": end},
            "properties": props, "fields": fields}}]})

    update("COLUMNS", 1, 2, {"hiddenByUser": True}, "hiddenByUser")
    update("ROWS", 2, 4, {"pixelSize": 40}, "pixelSize")
    data = sh.fetch_sheet_metadata({"fields": "sheets.data(rowMetadata,columnMetadata)"})["sheets"][0]["data"][0]
    assert data["columnMetadata"][:3] == [{"pixelSize": 100}, {"pixelSize": 100, "hiddenByUser": True},
                                          {"pixelSize": 100}]
    assert [m["pixelSize"] for m in data["rowMetadata"][:5]] == [21, 21, 40, 40, 21]
    assert len(data["rowMetadata"]) == 1000 and len(data["columnMetadata"]) == 26
    update("COLUMNS", 1, 2, {"hiddenByUser": False}, "hiddenByUser")
    data = sh.fetch_sheet_metadata({"fields": "sheets.data.columnMetadata"})["sheets"][0]["data"][0]
    assert data["columnMetadata"][1] == {"pixelSize": 100}
    with pytest.raises(APIError) as exc:
        update("COLUMNS", 1, 2, {"developerMetadata": []}, "developerMetadata")
    assert exc.value.response.status_code == 501 and "developerMetadata" in error_of(exc)["message"]
