"""Tests for sheets_plan_emulators.google.discovery (validation against Google's discovery docs)."""

from __future__ import annotations

import copy
import json

import gspread
import pytest
import requests
from google.oauth2.credentials import Credentials
from requests.adapters import BaseAdapter

from sheets_plan_emulators.google.discovery import Method, SchemaError, find_method, validate_request

SHEETS = "https://sheets.googleapis.com/v4/spreadsheets"
DRIVE = "https://www.googleapis.com/drive/v3"

GRID = {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 10, "startColumnIndex": 0, "endColumnIndex": 3}

BATCH_UPDATE = {
    "requests": [
        {
            "addSheet": {
                "properties": {
                    "sheetId": 7,
                    "title": "Plan",
                    "index": 0,
                    "sheetType": "GRID",
                    "gridProperties": {"rowCount": 100, "columnCount": 10, "frozenRowCount": 1},
                    "tabColorStyle": {"rgbColor": {"red": 1, "green": 0.5, "blue": 0.0}},
                }
            }
        },
        {
            "updateCells": {
                "start": {"sheetId": 7, "rowIndex": 0, "columnIndex": 0},
                "rows": [
                    {
                        "values": [
                            {"userEnteredValue": {"stringValue": "Task"}},
                            {"userEnteredValue": {"numberValue": 3}},
                            {"userEnteredValue": {"formulaValue": "=SUM(B2:B9)"}},
                            {"userEnteredValue": {"boolValue": True}, "note": "done?"},
                            {"userEnteredValue": None},  # nulls are ignored by Google
                        ]
                    }
                ],
                "fields": "userEnteredValue,note",
            }
        },
        {
            "repeatCell": {
                "range": {"sheetId": 7, "startRowIndex": 0, "endRowIndex": 1},
                "cell": {
                    "userEnteredFormat": {
                        "textFormat": {"bold": True, "fontSize": 11},
                        "backgroundColor": {"red": 0.9, "green": 0.9, "blue": 0.9},
                        "horizontalAlignment": "CENTER",
                        "numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"},
                    }
                },
                "fields": "userEnteredFormat(textFormat,backgroundColor,horizontalAlignment,numberFormat)",
            }
        },
        {
            "setDataValidation": {
                "range": GRID,
                "rule": {
                    "condition": {
                        "type": "ONE_OF_LIST",
                        "values": [{"userEnteredValue": "todo"}, {"userEnteredValue": "done"}],
                    },
                    "strict": True,
                    "showCustomUi": True,
                },
            }
        },
        {
            "addConditionalFormatRule": {
                "index": 0,
                "rule": {
                    "ranges": [GRID],
                    "booleanRule": {
                        "condition": {"type": "NUMBER_GREATER", "values": [{"userEnteredValue": "10"}]},
                        "format": {"textFormat": {"foregroundColor": {"red": 1}}},
                    },
                },
            }
        },
        {
            "addProtectedRange": {
                "protectedRange": {
                    "range": GRID,
                    "description": "header",
                    "warningOnly": False,
                    "editors": {"users": ["a@example.com"], "domainUsersCanEdit": False},
                }
            }
        },
        {
            "addChart": {
                "chart": {
                    "spec": {
                        "title": "Burndown",
                        "basicChart": {
                            "chartType": "LINE",
                            "legendPosition": "BOTTOM_LEGEND",
                            "axis": [{"position": "BOTTOM_AXIS", "title": "Day"}],
                            "domains": [{"domain": {"sourceRange": {"sources": [GRID]}}}],
                            "series": [
                                {
                                    "series": {"sourceRange": {"sources": [GRID]}},
                                    "targetAxis": "LEFT_AXIS",
                                }
                            ],
                            "headerCount": 1,
                        },
                    },
                    "position": {
                        "overlayPosition": {
                            "anchorCell": {"sheetId": 7, "rowIndex": 2, "columnIndex": 5},
                            "widthPixels": 600,
                        }
                    },
                }
            }
        },
    ],
    "includeSpreadsheetInResponse": False,
}


def test_valid_batch_update_passes():
    method = validate_request("POST", f"{SHEETS}/abc:batchUpdate", BATCH_UPDATE)
    assert method == Method(
        api="sheets",
        id="sheets.spreadsheets.batchUpdate",
        http_method="POST",
        path_params={"spreadsheetId": "abc"},
        request_schema="BatchUpdateSpreadsheetRequest",
    )


def _bad_batch(mutate) -> str:
    body = copy.deepcopy(BATCH_UPDATE)
    mutate(body)
    with pytest.raises(SchemaError) as info:
        validate_request("POST", f"{SHEETS}/abc:batchUpdate", body)
    return str(info.value)


def test_unknown_field_deep_inside_names_path():
    def typo(body):
        grid = body["requests"][0]["addSheet"]["properties"]["gridProperties"]
        grid["frozenRowCont"] = grid.pop("frozenRowCount")

    msg = _bad_batch(typo)
    assert msg.startswith("body.requests[0].addSheet.properties.gridProperties.frozenRowCont: unknown field")
    assert "GridProperties" in msg and "frozenRowCount" in msg  # schema name + suggestion


def test_unknown_field_inside_recursive_cell_data():
    def typo(body):
        body["requests"][1]["updateCells"]["rows"][0]["values"][1]["userEnteredValue"]["numValue"] = 1

    assert _bad_batch(typo).startswith(
        "body.requests[1].updateCells.rows[0].values[1].userEnteredValue.numValue: unknown field"
    )


def test_bad_enum_in_body():
    def bad(body):
        body["requests"][4]["addConditionalFormatRule"]["rule"]["booleanRule"]["condition"]["type"] = "NUMBER_BIGGER"

    msg = _bad_batch(bad)
    assert "body.requests[4].addConditionalFormatRule.rule.booleanRule.condition.type" in msg
    assert "NUMBER_BIGGER" in msg


@pytest.mark.parametrize(
    "mutate, where",
    [
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(sheetId="3"), "properties.sheetId"),
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(index=1.5), "properties.index"),
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(hidden="false"), "properties.hidden"),
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(title=3), "properties.title"),
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(sheetId=True), "properties.sheetId"),
        (lambda b: b["requests"][0]["addSheet"]["properties"].update(sheetId=2**31), "properties.sheetId"),
        (lambda b: b["requests"][2]["repeatCell"]["cell"]["userEnteredFormat"]["backgroundColor"].update(red="1"), "red"),
        (lambda b: b["requests"][3]["setDataValidation"].update(range=[GRID]), "setDataValidation.range"),
        (lambda b: b.update(requests={"addSheet": {}}), "body.requests"),
    ],
)
def test_wrong_types_fail(mutate, where):
    assert where in _bad_batch(mutate)


def test_request_must_be_object():
    with pytest.raises(SchemaError, match=r"^body: expected an object"):
        validate_request("POST", f"{SHEETS}/abc:batchUpdate", [])


def test_values_batch_get_with_repeated_ranges():
    url = (
        f"{SHEETS}/abc/values:batchGet?ranges=%27Plan%27%21A1%3AC9&ranges=Other!A:A"
        "&valueRenderOption=UNFORMATTED_VALUE&dateTimeRenderOption=SERIAL_NUMBER&majorDimension=ROWS"
    )
    method = validate_request("GET", url, None)
    assert method.id == "sheets.spreadsheets.values.batchGet"
    assert method.request_schema is None


@pytest.mark.parametrize(
    "url, where",
    [
        (f"{SHEETS}/abc/values:batchGet?ranges=A1&bogus=1", "query.bogus: unknown parameter"),
        (f"{SHEETS}/abc/values:batchGet?valueRenderOption=formula", "query.valueRenderOption"),
        (f"{SHEETS}/abc/values/A1?valueRenderOption=FORMULA&valueRenderOption=FORMULA", "not repeated"),
        (f"{SHEETS}/abc?includeGridData=yes", "query.includeGridData"),
        (f"{DRIVE}/files?pageSize=ten", "query.pageSize"),
        (f"{DRIVE}/files?pageSize=5000", "maximum"),
        (f"{DRIVE}/files?prettyPrint=0", "query.prettyPrint"),
        (f"{DRIVE}/files/f1/export", "query.mimeType: required parameter missing"),
    ],
)
def test_bad_query_params(url, where):
    with pytest.raises(SchemaError, match=where):
        validate_request("GET", url, None)


def test_bad_value_input_option_enum():
    url = f"{SHEETS}/abc/values/Plan!A1:B2?valueInputOption=SOMETHING"
    with pytest.raises(SchemaError, match=r"query\.valueInputOption: 'SOMETHING' is not one of"):
        validate_request("PUT", url, {"values": [[1, "x", True, None]]})


def test_standard_params_accepted_everywhere():
    url = f"{SHEETS}/abc?fields=sheets.properties&prettyPrint=false&alt=json&quotaUser=me&%24.xgafv=2"
    assert validate_request("GET", url, None).id == "sheets.spreadsheets.get"


def test_values_update_and_append_paths():
    update = validate_request(
        "PUT",
        f"{SHEETS}/abc/values/%27My%20Plan%27%21A1%3AB2?valueInputOption=USER_ENTERED&includeValuesInResponse=true",
        {"range": "'My Plan'!A1:B2", "majorDimension": "ROWS", "values": [["a", 1], [2.5, "=A1"]]},
    )
    assert update.id == "sheets.spreadsheets.values.update"
    assert update.path_params == {"spreadsheetId": "abc", "range": "'My Plan'!A1:B2"}
    append = validate_request(
        "POST", f"{SHEETS}/abc/values/Plan!A1:B2:append?valueInputOption=RAW&insertDataOption=INSERT_ROWS", {}
    )
    assert append.id == "sheets.spreadsheets.values.append"
    assert append.path_params["range"] == "Plan!A1:B2"
    assert find_method("POST", f"{SHEETS}/abc/values/A1:clear").id == "sheets.spreadsheets.values.clear"


def test_integer_path_param():
    assert find_method("POST", f"{SHEETS}/abc/sheets/12:copyTo").path_params == {"spreadsheetId": "abc", "sheetId": "12"}
    with pytest.raises(SchemaError, match="path.sheetId"):
        validate_request("POST", f"{SHEETS}/abc/sheets/x:copyTo", {"destinationSpreadsheetId": "d"})


def test_method_without_request_body_rejects_body():
    assert validate_request("GET", f"{SHEETS}/abc", {}).id == "sheets.spreadsheets.get"
    with pytest.raises(SchemaError, match="takes no request body"):
        validate_request("GET", f"{SHEETS}/abc", {"x": 1})


def test_drive_files_create():
    body = {
        "name": "Plan 2025",
        "mimeType": "application/vnd.google-apps.spreadsheet",
        "parents": ["folder1"],
        "appProperties": {"sheets_plan": "1", "kind": "plan"},
    }
    method = validate_request("POST", f"{DRIVE}/files?supportsAllDrives=true&fields=id,name", body)
    assert (method.id, method.request_schema) == ("drive.files.create", "File")
    with pytest.raises(SchemaError, match=r"body\.appProperties\.kind: expected a string"):
        validate_request("POST", f"{DRIVE}/files", {**body, "appProperties": {"kind": 1}})
    with pytest.raises(SchemaError, match=r"body\.parents: expected an array"):
        validate_request("POST", f"{DRIVE}/files", {**body, "parents": "folder1"})


def test_drive_upload_variants():
    upload = "https://www.googleapis.com/upload/drive/v3/files"
    assert validate_request("POST", f"{upload}?uploadType=multipart&supportsAllDrives=true", {"name": "x"}).id == (
        "drive.files.create"
    )
    m = validate_request("PATCH", f"{upload}/f1?uploadType=media", None)
    assert (m.id, m.path_params) == ("drive.files.update", {"fileId": "f1"})


def test_drive_int64_accepts_int_and_digit_string():
    validate_request("POST", f"{DRIVE}/files", {"name": "x", "size": "123", "version": 4})
    with pytest.raises(SchemaError, match=r"body\.size"):
        validate_request("POST", f"{DRIVE}/files", {"name": "x", "size": "12a"})


def test_drive_files_list():
    url = (
        f"{DRIVE}/files?q=mimeType%3D%27application%2Fvnd.google-apps.spreadsheet%27+and+trashed%3Dfalse"
        "&includeItemsFromAllDrives=true&supportsAllDrives=true&corpora=drive&driveId=d1"
        "&pageSize=100&pageToken=tok&fields=nextPageToken%2Cfiles%28id%2Cname%2CappProperties%29"
    )
    assert validate_request("GET", url, None).id == "drive.files.list"


def test_drive_permissions_create():
    m = validate_request(
        "POST",
        f"{DRIVE}/files/f1/permissions?sendNotificationEmail=false&supportsAllDrives=true",
        {"type": "user", "role": "writer", "emailAddress": "a@example.com"},
    )
    assert (m.id, m.path_params, m.request_schema) == ("drive.permissions.create", {"fileId": "f1"}, "Permission")


def test_drive_literal_paths_beat_parameters():
    assert find_method("GET", f"{DRIVE}/files/generateIds").id == "drive.files.generateIds"
    assert find_method("DELETE", f"{DRIVE}/files/trash").id == "drive.files.emptyTrash"
    assert find_method("GET", f"{DRIVE}/files/trash").id == "drive.files.get"  # a file may be called that
    assert find_method("POST", f"{DRIVE}/files/f1/copy").id == "drive.files.copy"


@pytest.mark.parametrize(
    "verb, url",
    [
        ("GET", "https://sheets.googleapis.com/v4/nope"),
        ("GET", f"{SHEETS}/abc:batchUpdate"),  # right path, wrong verb: not spreadsheets.get("abc:batchUpdate")
        ("DELETE", f"{SHEETS}/abc"),
        ("GET", f"{SHEETS}/abc/values"),
        ("GET", "https://example.com/v4/spreadsheets/abc"),
        ("POST", "https://www.googleapis.com/upload/drive/v2/files/f1"),
        ("GET", "https://www.googleapis.com/drive/v3/files//permissions"),
    ],
)
def test_unknown_url_raises(verb, url):
    with pytest.raises(SchemaError, match=f"^no such method: {verb} "):
        validate_request(verb, url, None)


# ---------------------------------------------------------------------------
# The real gspread client, validated request by request.


class ValidatingAdapter(BaseAdapter):
    """Validates every request gspread sends and answers with a canned minimal response."""

    CANNED = {
        "drive.files.create": {"id": "new1", "name": "x", "mimeType": "application/vnd.google-apps.spreadsheet"},
        "drive.files.list": {"files": []},
        "drive.permissions.list": {"permissions": []},
        "sheets.spreadsheets.get": {
            "spreadsheetId": "new1",
            "properties": {"title": "x", "locale": "en_US", "timeZone": "Etc/GMT"},
            "sheets": [{"properties": {"sheetId": 0, "title": "Sheet1", "index": 0, "sheetType": "GRID",
                                       "gridProperties": {"rowCount": 1000, "columnCount": 26}}}],
        },
    }

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def send(self, request, **kwargs):
        body = json.loads(request.body) if request.body else None
        method = validate_request(request.method, request.url, body)
        self.seen.append(method.id)
        response = requests.Response()
        response.status_code = 200
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(self.CANNED.get(method.id, {})).encode()
        response.url, response.request, response.encoding = request.url, request, "utf-8"
        return response

    def close(self):
        pass


@pytest.fixture
def gspread_client():
    adapter = ValidatingAdapter()
    session = requests.Session()
    session.mount("https://sheets.googleapis.com/", adapter)
    session.mount("https://www.googleapis.com/", adapter)
    client = gspread.Client(auth=Credentials(token="x"), session=session)
    return client, adapter


def test_real_gspread_requests_pass_validation(gspread_client):
    client, adapter = gspread_client
    http = client.http_client
    http.values_batch_get(
        "abc", ["'My Plan'!A1:C9", "Other!A:A"],
        params={"valueRenderOption": "FORMULA", "dateTimeRenderOption": "FORMATTED_STRING", "majorDimension": "COLUMNS"},
    )
    http.batch_update("abc", {"requests": BATCH_UPDATE["requests"]})
    http.values_update("abc", "'My Plan'!A1:B2", params={"valueInputOption": "USER_ENTERED"},
                       body={"values": [["a", 1], [None, True]]})
    http.values_append("abc", "Plan!A1", params={"valueInputOption": "RAW", "insertDataOption": "INSERT_ROWS"},
                       body={"values": [["x"]]})
    http.values_clear("abc", "Plan!A1:Z")
    http.values_batch_clear("abc", body={"ranges": ["Plan!A1:B2"]})
    http.values_batch_update("abc", body={"valueInputOption": "RAW", "data": [{"range": "A1", "values": [[1]]}]})
    spreadsheet = client.create("x")  # drive.files.create, then spreadsheets.get
    assert spreadsheet.id == "new1" and spreadsheet.title == "x"
    client.list_spreadsheet_files(title="x", folder_id="folder1")
    client.list_permissions("abc")
    http.remove_permission("abc", "perm1")
    assert adapter.seen == [
        "sheets.spreadsheets.values.batchGet",
        "sheets.spreadsheets.batchUpdate",
        "sheets.spreadsheets.values.update",
        "sheets.spreadsheets.values.append",
        "sheets.spreadsheets.values.clear",
        "sheets.spreadsheets.values.batchClear",
        "sheets.spreadsheets.values.batchUpdate",
        "drive.files.create",
        "sheets.spreadsheets.get",
        "drive.files.list",
        "drive.permissions.list",
        "drive.permissions.delete",
    ]


def test_gspread_requests_the_discovery_doc_rejects(gspread_client):
    """gspread 6.2.1 sends two things the v3 discovery documents do not describe.

    A v2 field in a v3 body is refused (Google's JSON parser knows no such name). files.get
    takes files.list's includeItemsFromAllDrives: Google accepts it there, so the validator
    does too (a documented leniency of discovery.py).
    """
    client, _ = gspread_client
    # Spreadsheet.share() -> insert_permission puts a Drive-v2 "withLink" field in the v3 body.
    with pytest.raises(SchemaError, match=r"body\.withLink: unknown field in Permission"):
        client.insert_permission("abc", "a@example.com", perm_type="user", role="writer")
    # get_file_drive_metadata() (Spreadsheet.creationTime) passes includeItemsFromAllDrives to files.get.
    client.http_client.get_file_drive_metadata("abc")
