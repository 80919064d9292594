"""Tests for sheets_plan_emulators.google.fieldmask (partial-response ``fields`` masks)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheets_plan_emulators.google.fieldmask import apply, parse

SPREADSHEET = {
    "spreadsheetId": "abc",
    "properties": {"title": "Plan", "locale": "en_US", "timeZone": "Europe/Berlin"},
    "sheets": [
        {
            "properties": {"sheetId": 0, "title": "Plan", "index": 0, "gridProperties": {"rowCount": 5}},
            "data": [
                {
                    "startRow": 0,
                    "rowData": [
                        {"values": [{"userEnteredValue": {"formulaValue": "=1+1"}, "effectiveValue": {"numberValue": 2},
                                     "formattedValue": "2"}]},
                        {},
                    ],
                }
            ],
            "conditionalFormats": [{"ranges": []}],
        },
        {"properties": {"sheetId": 1, "title": "Other", "index": 1}},
    ],
    "spreadsheetUrl": "https://docs.google.com/spreadsheets/d/abc",
}


def test_parse_nested():
    assert parse("spreadsheetId,properties(title,locale),sheets(properties(sheetId,title),data(rowData(values("
                 "userEnteredValue,effectiveValue))))") == {
        "spreadsheetId": {},
        "properties": {"title": {}, "locale": {}},
        "sheets": {
            "properties": {"sheetId": {}, "title": {}},
            "data": {"rowData": {"values": {"userEnteredValue": {}, "effectiveValue": {}}}},
        },
    }


@pytest.mark.parametrize(
    "mask, tree",
    [
        ("sheets.properties.title", {"sheets": {"properties": {"title": {}}}}),
        ("items/title", {"items": {"title": {}}}),
        ("files(id,name,appProperties),nextPageToken",
         {"files": {"id": {}, "name": {}, "appProperties": {}}, "nextPageToken": {}}),
        ("*", {"*": {}}),
        ("files(*)", {"files": {"*": {}}}),
        ("a(b),a(c)", {"a": {"b": {}, "c": {}}}),
        ("a.b,a.c(d)", {"a": {"b": {}, "c": {"d": {}}}}),
        ("a(b),a", {"a": {}}),  # the whole subtree wins over a partial one
        ("a,a(b)", {"a": {}}),
        (" a , b ( c ) ", {"a": {}, "b": {"c": {}}}),
        ("", {}),
    ],
)
def test_parse_forms(mask, tree):
    assert parse(mask) == tree


@pytest.mark.parametrize("mask", ["a(b", "a(b(c)", "a)", "a(b))", "(a", "a)(b"])
def test_unbalanced_parentheses(mask):
    with pytest.raises(ValueError):
        parse(mask)


@pytest.mark.parametrize("mask", ["a,,b", "a()", ",a", "a.", "a..b", "a b"])
def test_other_syntax_errors(mask):
    with pytest.raises(ValueError):
        parse(mask)


def test_apply_filters_nested_lists_elementwise():
    mask = "spreadsheetId,properties(title),sheets(properties(sheetId,title),data(rowData(values(effectiveValue))))"
    assert apply(SPREADSHEET, mask) == {
        "spreadsheetId": "abc",
        "properties": {"title": "Plan"},
        "sheets": [
            {
                "properties": {"sheetId": 0, "title": "Plan"},
                "data": [{"rowData": [{"values": [{"effectiveValue": {"numberValue": 2}}]}, {}]}],
            },
            {"properties": {"sheetId": 1, "title": "Other"}},  # "data" missing: simply absent
        ],
    }


def test_apply_dotted_and_subtree():
    assert apply(SPREADSHEET, "sheets.properties.title") == {
        "sheets": [{"properties": {"title": "Plan"}}, {"properties": {"title": "Other"}}]
    }
    assert apply(SPREADSHEET, "properties") == {"properties": SPREADSHEET["properties"]}
    assert apply(SPREADSHEET, "sheets(properties(gridProperties))") == {
        "sheets": [{"properties": {"gridProperties": {"rowCount": 5}}}, {"properties": {}}]
    }


def test_apply_drive_listing_with_maps():
    listing = {
        "kind": "drive#fileList",
        "nextPageToken": "t",
        "files": [{"id": "1", "name": "a", "mimeType": "m", "appProperties": {"k": "v", "x": "y"}}, {"id": "2"}],
    }
    assert apply(listing, "files(id,name,appProperties),nextPageToken") == {
        "nextPageToken": "t",
        "files": [{"id": "1", "name": "a", "appProperties": {"k": "v", "x": "y"}}, {"id": "2"}],
    }
    assert apply(listing, "files(appProperties(k))") == {"files": [{"appProperties": {"k": "v"}}, {}]}
    assert apply(listing, "files(*),kind") == {"kind": listing["kind"], "files": listing["files"]}


@pytest.mark.parametrize("mask", [None, "", "*"])
def test_apply_without_mask_returns_a_copy(mask):
    result = apply(SPREADSHEET, mask)
    assert result == SPREADSHEET
    result["sheets"][0]["properties"]["title"] = "changed"
    assert SPREADSHEET["sheets"][0]["properties"]["title"] == "Plan"


def test_apply_returns_deep_copy():
    original = copy.deepcopy(SPREADSHEET)
    result = apply(SPREADSHEET, "properties,sheets(properties)")
    result["properties"]["title"] = "changed"
    result["sheets"][0]["properties"]["gridProperties"]["rowCount"] = 99
    assert SPREADSHEET == original


def test_apply_raises_on_bad_mask():
    with pytest.raises(ValueError, match="unbalanced"):
        apply(SPREADSHEET, "sheets(properties")


# A mask built from a tree parses back to that tree, and applying it never adds anything.
_names = st.sampled_from(["a", "b", "c", "sheetId", "values"])
_trees = st.recursive(
    st.just({}), lambda sub: st.dictionaries(_names, sub, min_size=1, max_size=3), max_leaves=8
)
_json = st.recursive(
    st.none() | st.integers() | st.text(max_size=3),
    lambda sub: st.lists(sub, max_size=3) | st.dictionaries(_names, sub, max_size=3),
    max_leaves=12,
)


def _render(tree: dict) -> str:
    return ",".join(name + (f"({_render(sub)})" if sub else "") for name, sub in tree.items())


def _is_subset(small, big) -> bool:
    if isinstance(small, dict):
        return isinstance(big, dict) and all(k in big and _is_subset(v, big[k]) for k, v in small.items())
    if isinstance(small, list):
        return isinstance(big, list) and len(small) == len(big) and all(map(_is_subset, small, big))
    return small == big


@settings(max_examples=150, deadline=None, database=None)
@given(tree=_trees.filter(bool), resource=_json)
def test_roundtrip_and_subset(tree, resource):
    mask = _render(tree)
    assert parse(mask) == tree
    assert _is_subset(apply(resource, mask), resource)
