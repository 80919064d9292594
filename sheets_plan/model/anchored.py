"""What is laid over a sheet's ranges, on the model: data validation, conditional format
rules, protected ranges and charts (the emulator moves them with their rows and columns).

A mixin of ``model.Spreadsheet``.
"""

from __future__ import annotations

import copy

from .sheet import ModelError


class Anchored:
    """Validation, conditional format, protection and chart requests (mixed into ``model.Spreadsheet``)."""

    def _setDataValidation(self, body):
        sheet = self.sheet(body["range"].get("sheetId", 0))
        r0, r1, c0, c1 = self._bounded(sheet, body["range"])
        rule = body.get("rule")
        for r in range(r0, r1):
            for c in range(c0, c1):
                self._write_cell(sheet, r, c, {"dataValidation": rule} if rule else {}, "dataValidation")

    def _addConditionalFormatRule(self, body):
        rule = copy.deepcopy(body["rule"])
        sheet = self.sheet(rule["ranges"][0].get("sheetId", 0))
        sheet.conditional_formats.insert(body.get("index", 0), rule)

    def _deleteConditionalFormatRule(self, body):
        sheet = self.sheet(body["sheetId"])
        try:
            rule = sheet.conditional_formats.pop(body.get("index", 0))
        except IndexError:
            raise ModelError(f"Invalid index {body.get('index', 0)} for conditional format rules") from None
        return {"rule": rule}

    def _addProtectedRange(self, body):
        pr = copy.deepcopy(body["protectedRange"])
        pr.setdefault("protectedRangeId", self.next_id())
        self.sheet(pr["range"].get("sheetId", 0)).protected_ranges.append(pr)
        return {"protectedRange": copy.deepcopy(pr)}

    def _deleteProtectedRange(self, body):
        for s in self.sheets:
            for pr in s.protected_ranges:
                if pr["protectedRangeId"] == body["protectedRangeId"]:
                    s.protected_ranges.remove(pr)
                    return None
        raise ModelError(f"No protected range with id: {body['protectedRangeId']}")

    def _addChart(self, body):
        chart = copy.deepcopy(body["chart"])
        chart.setdefault("chartId", self.next_id())
        anchor = chart["position"]["overlayPosition"]["anchorCell"]
        sheet = self.sheet(anchor.get("sheetId", 0))
        if any(c["chartId"] == chart["chartId"] for s in self.sheets for c in s.charts):
            raise ModelError(f"An object with id {chart['chartId']} already exists")
        sheet.charts.append(chart)
        return {"chart": copy.deepcopy(chart)}

    def _deleteEmbeddedObject(self, body):
        for s in self.sheets:
            for chart in s.charts:
                if chart["chartId"] == body["objectId"]:
                    s.charts.remove(chart)
                    return None
        raise ModelError(f"No embedded object with id: {body['objectId']}")
