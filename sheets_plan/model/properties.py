"""The spreadsheet's own parts, on the model: its sheets (added, deleted, renamed, moved,
hidden), its properties, named ranges and developer metadata.

A mixin of ``model.Spreadsheet`` (request kind ``fooBar`` -> ``_fooBar``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from sheets_plan.sheets import references
from .fields import merge_fields, split_fields
from .sheet import DEFAULT_COLS, DEFAULT_ROWS, ModelError, Sheet


class Properties:
    """Sheet, spreadsheet, named range and developer metadata requests (mixed into ``model.Spreadsheet``)."""

    # ------------------------------------------------------------ sheets
    def _addSheet(self, body):
        props = copy.deepcopy(body.get("properties", {}))
        title = props.get("title") or f"Sheet{len(self.sheets) + 1}"
        if any(s.title == title for s in self.sheets):
            raise ModelError(f'A sheet with the name "{title}" already exists. Please enter another name.')
        sid = props.get("sheetId")
        if sid is None:
            sid = self.next_id()
        elif any(s.id == sid for s in self.sheets):
            raise ModelError(f"A sheet with id {sid} already exists")
        index = props.get("index", len(self.sheets))
        grid = {"rowCount": DEFAULT_ROWS, "columnCount": DEFAULT_COLS, **props.get("gridProperties", {})}
        props.update({"sheetId": sid, "title": title, "index": index, "sheetType": "GRID", "gridProperties": grid})
        self.sheets.insert(index, Sheet(props))
        self._reindex()
        return {"properties": copy.deepcopy(props)}

    def _reindex(self):
        for i, s in enumerate(self.sheets):
            s.properties["index"] = i

    def _deleteSheet(self, body):
        sheet = self.sheet(body["sheetId"])
        if len(self.sheets) == 1:
            raise ModelError("You can't remove all the sheets in a document.")
        self.sheets.remove(sheet)
        self._reindex()
        self.rewrite_formulas(lambda text, home: references.retitle(text, sheet.title, None))

    def _updateSheetProperties(self, body):
        props = body["properties"]
        sheet = self.sheet(props.get("sheetId", 0))
        if "title" in split_fields(body["fields"], props) and any(
                s.title == props.get("title") and s is not sheet for s in self.sheets):
            raise ModelError(f'A sheet with the name "{props["title"]}" already exists.')
        old_title = sheet.title
        merge_fields(sheet.properties, props, body["fields"])
        if sheet.title != old_title:  # Sheets rewrites every reference to a renamed sheet
            self.rewrite_formulas(lambda text, home: references.retitle(text, old_title, sheet.title))
        if all(s.properties.get("hidden") for s in self.sheets):
            raise ModelError("You can't hide all the sheets in a document.")
        if "index" in split_fields(body["fields"], props):
            self.sheets.remove(sheet)
            self.sheets.insert(min(props["index"], len(self.sheets)), sheet)
            self._reindex()

    def rewrite_formulas(self, move: Callable[[str, str], str]) -> None:
        """Apply ``move(formula, home sheet title)`` to every formula: cells, and the custom
        formulas of data validation and conditional formats."""
        for s in self.sheets:
            for row in s.cells.values():
                for cell in row.values():
                    if cell.formula is not None:
                        cell.formula = move(cell.formula, s.title)
                    if cell.validation:
                        move_condition(cell.validation.get("condition"), move, s.title)
            for rule in s.conditional_formats:
                for key in ("booleanRule", "gradientRule"):
                    if key in rule:
                        move_condition(rule[key].get("condition"), move, s.title)

    # ------------------------------------------------------------ the spreadsheet
    def _updateSpreadsheetProperties(self, body):
        merge_fields(self.properties, body["properties"], body["fields"])

    # ------------------------------------------------------------ developer metadata
    def _createDeveloperMetadata(self, body):
        meta = copy.deepcopy(body["developerMetadata"])
        where = meta.get("location", {})
        if where.get("spreadsheet") is True:
            meta["location"] = {"locationType": "SPREADSHEET", "spreadsheet": True}
        elif "sheetId" in where:
            self.sheet(where["sheetId"])
            meta["location"] = {"locationType": "SHEET", "sheetId": where["sheetId"]}
        elif "dimensionRange" in where:  # moves with its rows/columns (reshape)
            self.sheet(where["dimensionRange"].get("sheetId", 0))
            meta["location"] = {"locationType": where["dimensionRange"]["dimension"][:-1],
                                "dimensionRange": where["dimensionRange"]}
        else:
            raise ModelError("A developer metadata location needs one of spreadsheet, sheetId, dimensionRange")
        meta.setdefault("metadataId", self.next_id())
        self.developer_metadata.append(meta)
        return {"developerMetadata": copy.deepcopy(meta)}

    def _deleteDeveloperMetadata(self, body):
        lookup = body["dataFilter"].get("developerMetadataLookup", {})
        keep, gone = [], []
        for m in self.developer_metadata:
            hit = all(m.get(k) == v for k, v in lookup.items() if k in ("metadataKey", "metadataId"))
            (gone if hit else keep).append(m)
        self.developer_metadata = keep
        return {"deletedDeveloperMetadata": gone}


def move_condition(condition: dict | None, move, home: str) -> None:
    """A validation's or conditional format's custom formulas moved as the cells' are."""
    for value in (condition or {}).get("values", []):
        text = value.get("userEnteredValue")
        if isinstance(text, str) and text.startswith("="):
            value["userEnteredValue"] = move(text, home)
