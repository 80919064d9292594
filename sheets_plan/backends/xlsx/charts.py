"""The tool's charts (Sheets API EmbeddedChart specs) as an xlsx drawing with chart parts.

A tab whose charts the tool changes gets a drawing of its own charts;
charts on other tabs (a person's) are other parts and are not touched.
"""

from __future__ import annotations

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.xml.functions import tostring

from sheets_plan.sheets.a1 import col_letter, quote_title
from . import xml
from .package import REL, REL_NS, Package, Rel
from .sheet import Worksheet


SERIES_COLOURS = ("1F77B4", "FF7F0E", "2CA02C", "D62728", "9467BD", "8C564B")  # distinct on paper and screen


def replace_charts(pkg: Package, part: str, sheet: Worksheet, charts: list[dict], titles: dict[int, str]):
    """Drop the tab's drawing (and its charts), then draw `charts`."""
    old = sheet.get("drawing")
    if old:
        rid = xml.local_attr(old, "id")
        for rel in pkg.rels(part):
            if rel.id == rid:
                for chart in pkg.rels(rel.target):
                    if not chart.external and chart.type.endswith("/chart"):
                        pkg.remove(chart.target)
                pkg.remove(rel.target)
        pkg.drop_rel(part, rid)
        sheet.put("drawing", None)
    drawn = [c for c in charts if "basicChart" in c["spec"]]
    if not drawn:
        return
    drawing = SpreadsheetDrawing()
    names = []
    for chart in drawn:
        xchart = xlsx_chart(chart, titles)
        name = pkg.free_name("xl/charts/chart{}.xml")
        xchart._id = int(name[len("xl/charts/chart"):-4])
        pkg.set(name, tostring(xchart._write()), "chart")
        names.append(name)
        drawing.charts.append(xchart)
    drawing_name = pkg.free_name("xl/drawings/drawing{}.xml")
    pkg.set(drawing_name, tostring(drawing._write()), "drawing")
    pkg.set_rels(drawing_name, [Rel(f"rId{i}", REL["chart"], name) for i, name in enumerate(names, 1)])
    rid = pkg.add_rel(part, "drawing", drawing_name)
    # the r prefix declared where it is used: a worksheet written by another program may not declare it
    sheet.put("drawing", f'<drawing xmlns:r="{REL_NS}" r:id="{rid}"/>')


def xlsx_chart(chart: dict, titles: dict[int, str]):
    """An openpyxl chart (anchored) from a Sheets EmbeddedChart with a basicChart spec."""
    basic = chart["spec"]["basicChart"]
    xchart = BarChart() if basic.get("chartType") == "COLUMN" else LineChart()
    xchart.title = chart["spec"].get("title")
    header = basic.get("headerCount", 0) > 0
    for s in basic.get("series", []):
        xchart.add_data(_reference(s["series"], titles), titles_from_data=header)
    for i, s in enumerate(xchart.series):
        s.smooth = False  # a weekly figure is a point, not a curve
        # each series' colour stated: without a theme part (a patched package has none) LibreOffice
        # draws a line whose colour comes from the theme with style NONE, an empty chart
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if isinstance(xchart, BarChart):
            s.graphicalProperties.solidFill = colour
        else:
            s.graphicalProperties.line.solidFill = colour
            s.graphicalProperties.line.width = 28575  # 2.25 pt, in EMU
    if basic.get("domains"):
        xchart.set_categories(_reference(basic["domains"][0]["domain"], titles, skip=header))
    overlay = chart["position"]["overlayPosition"]
    anchor = overlay["anchorCell"]
    xchart.width = overlay.get("widthPixels", 600) / 37.8
    xchart.height = overlay.get("heightPixels", 371) / 37.8
    xchart.anchor = f"{col_letter(anchor.get('columnIndex', 0))}{anchor.get('rowIndex', 0) + 1}"
    return xchart


def _reference(data: dict, titles: dict[int, str], skip: bool = False) -> Reference:
    gr = data["sourceRange"]["sources"][0]
    r0, r1 = gr.get("startRowIndex", 0) + int(skip), gr["endRowIndex"]
    c0, c1 = gr.get("startColumnIndex", 0), gr["endColumnIndex"]
    title = quote_title(titles[gr.get("sheetId", 0)])
    return Reference(range_string=f"{title}!${col_letter(c0)}${r0 + 1}:${col_letter(c1 - 1)}${r1}")
