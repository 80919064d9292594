"""How the Weekly tab looks, once its rows are laid out (:mod:`weekly_rows`): number formats per
column, column widths, the hidden helper columns, the week in progress greyed, and the two
charts. Pure: no I/O.
"""

from __future__ import annotations

import copy

from sheets_plan.core import metrics
from .weekly_rows import FIXED, WeeklyRows

CHART_WIDTH, CHART_HEIGHT = 640, 320  # px
FIRST_CHART_COLUMN = 3  # D: the charts start right of the week, ISO week and slice columns

_FORMATS = {
    "count": {"type": "NUMBER", "pattern": "#,##0"},
    "rate": {"type": "NUMBER", "pattern": "0.00"},
    "points": {"type": "NUMBER", "pattern": "+0.00;-0.00;0.00"},
    "signed": {"type": "NUMBER", "pattern": "+#,##0;-#,##0;0"},
    "row": {"type": "NUMBER", "pattern": "0"},
    "date": {"type": "DATE", "pattern": "dd.mm.yyyy"},
}
_IN_PROGRESS = {"textFormat": {"italic": True, "foregroundColor": {"red": 0.45, "green": 0.45, "blue": 0.45}}}


class WeeklyLooks:
    """The formatting and chart requests of a Weekly tab whose rows are complete."""

    def __init__(self, rows: WeeklyRows, sheet_id: int):
        self.sheet_id = sheet_id
        self.lang, self.text, self.account_title = rows.lang, rows.text, rows.account_title
        self.columns, self.width = rows.columns, rows.width
        self.partial_rows = rows.partial_rows

    def number_formats(self, spans: list[tuple[int, int]]) -> list[dict]:
        """One repeatCell per column and span of rows (the main block; the sections): a section's
        title and header cells are text, which a number format leaves as it is. The chart rows
        and the legend get none (empty cells with a format only cost bytes)."""
        kinds = {"week": "date", "week_number": "row"} | {k: self.kind(k) for k in self.columns if k not in FIXED}
        return [{"repeatCell": {
            "range": {"sheetId": self.sheet_id, "startRowIndex": start, "endRowIndex": end,
                      "startColumnIndex": self.columns[key], "endColumnIndex": self.columns[key] + 1},
            "cell": {"userEnteredFormat": {"numberFormat": dict(_FORMATS[kind])}},
            "fields": "userEnteredFormat.numberFormat"}} for start, end in spans if end > start
            for key, kind in kinds.items()]

    def widths(self) -> list[int]:
        """Pixels per column: the header's longest word fits on one line (headers wrap between
        words, never inside one), numbers fit, dates fit."""
        labels = [self.text["week"], self.text["week_number"], self.text["all"]]
        labels += [metrics.label(k, self.lang, self.account_title) for k in list(self.columns)[len(FIXED):]]
        widths = [max(72, 9 * max(len(word) for word in label.split()) + 18) for label in labels]
        widths[0] = max(widths[0], 8 * len(f'00.00.0000 {self.text["in_progress"]}') + 12)  # the marked week
        return widths

    def looks(self) -> list[dict]:
        """Column widths, the helper columns hidden, the rows of the week in progress greyed."""
        reqs = [{"updateDimensionProperties": {
            "range": {"sheetId": self.sheet_id, "dimension": "COLUMNS", "startIndex": c, "endIndex": c + 1},
            "properties": {"pixelSize": px}, "fields": "pixelSize"}} for c, px in enumerate(self.widths())]
        helpers = [self.columns[k] for k in self.columns if metrics.helper(k)]
        reqs.append({"updateDimensionProperties": {
            "range": {"sheetId": self.sheet_id, "dimension": "COLUMNS", "startIndex": min(helpers),
                      "endIndex": max(helpers) + 1},
            "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
        mark = {"type": "DATE", "pattern": _FORMATS["date"]["pattern"] + f' "{self.text["in_progress"]}"'}
        for r in self.partial_rows:  # greyed, and the date reads "16.03.2026 (идёт)" (still a date)
            reqs.append({"repeatCell": {
                "range": {"sheetId": self.sheet_id, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": 0,
                          "endColumnIndex": self.width},
                "cell": {"userEnteredFormat": copy.deepcopy(_IN_PROGRESS)}, "fields": "userEnteredFormat.textFormat"}})
            reqs.append({"repeatCell": {
                "range": {"sheetId": self.sheet_id, "startRowIndex": r, "endRowIndex": r + 1, "startColumnIndex": 0,
                          "endColumnIndex": 1},
                "cell": {"userEnteredFormat": {"numberFormat": dict(mark)}}, "fields": "userEnteredFormat.numberFormat"}})
        return reqs

    def chart_columns(self) -> tuple[int, int]:
        """The two charts' anchor columns: from D, the second right of the first."""
        widths, c, used = self.widths(), FIRST_CHART_COLUMN, 0
        while used < CHART_WIDTH + 20 and c < len(widths):
            used += widths[c]
            c += 1
        return FIRST_CHART_COLUMN, c

    @staticmethod
    def kind(key: str) -> str:
        base, back = metrics.split_key(key)
        if base == metrics.ACCOUNT_ROW:
            return "row"
        return metrics.metric(base).kind

    # -------------------------------------------------------------- charts

    def chart(self, chart_id: int, title: str, keys: list[str], first: int, last: int,
              anchor: tuple[int, int]) -> dict:
        def source(column: int) -> dict:
            return {"sourceRange": {"sources": [{
                "sheetId": self.sheet_id, "startRowIndex": first, "endRowIndex": last,
                "startColumnIndex": column, "endColumnIndex": column + 1}]}}

        series = [{"series": source(self.columns[k]), "targetAxis": "LEFT_AXIS" if i == 0 else "RIGHT_AXIS"}
                  for i, k in enumerate(keys)]
        axis = [{"position": "BOTTOM_AXIS", "title": self.text["week"]},
                {"position": "LEFT_AXIS", "title": metrics.label(keys[0], self.lang)}]
        if len(keys) > 1:
            axis.append({"position": "RIGHT_AXIS", "title": metrics.label(keys[1], self.lang)})
        return {"addChart": {"chart": {
            "chartId": chart_id,
            "spec": {
                "title": title,
                "basicChart": {
                    "chartType": "LINE",
                    "legendPosition": "BOTTOM_LEGEND",
                    "axis": axis,
                    "domains": [{"domain": source(self.columns["week"])}],
                    "series": series,
                    "headerCount": 1,
                },
            },
            "position": {"overlayPosition": {
                "anchorCell": {"sheetId": self.sheet_id, "rowIndex": anchor[0], "columnIndex": anchor[1]},
                "widthPixels": CHART_WIDTH, "heightPixels": CHART_HEIGHT}},
        }}}
