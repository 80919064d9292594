"""Edit a workbook the way a person does in LibreOffice Calc, through its UNO API.

Run by the system Python that has LibreOffice's `uno` module (Debian
python3-uno), not by the project's venv:

    /usr/bin/python3 uno_edit.py PORT WORKBOOK EDITS.json

It connects to a running `soffice --accept=socket,host=127.0.0.1,port=PORT;urp;`,
opens the workbook, makes the edits (a JSON list of [op, args...]) and saves
it as .xlsx with Calc's own export filter, as "Save" in Calc does.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.awt import Rectangle
from com.sun.star.table import CellRangeAddress, TableSortField


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:
            time.sleep(0.5)
    raise SystemExit("LibreOffice did not answer")


def column_of(sheet, header):
    """The 0-based column whose row-1 text is `header`."""
    for c in range(200):
        if sheet.getCellByPosition(c, 0).getString() == header:
            return c
    raise SystemExit(f"no column {header!r}")


class Edits:
    def __init__(self, doc):
        self.doc = doc

    def sheet(self, title):
        return self.doc.Sheets.getByName(title)

    def unprotect(self, title):
        self.sheet(title).unprotect("")

    def insert_column(self, title, before_header, header):
        s = self.sheet(title)
        c = column_of(s, before_header)
        s.Columns.insertByIndex(c, 1)
        s.getCellByPosition(c, 0).setString(header)

    def delete_column(self, title, header):
        s = self.sheet(title)
        s.Columns.removeByIndex(column_of(s, header), 1)

    def move_column(self, title, header, after_header):
        """Cut a column and insert it after another one (Calc has no 'move column')."""
        s = self.sheet(title)
        src = column_of(s, header)
        dest = column_of(s, after_header) + 1
        s.Columns.insertByIndex(dest, 1)
        if src >= dest:
            src += 1
        rows = s.Rows.Count - 1
        source = CellRangeAddress(s.RangeAddress.Sheet, src, 0, src, rows)
        s.moveRange(s.getCellByPosition(dest, 0).CellAddress, source)
        s.Columns.removeByIndex(src, 1)

    def insert_rows(self, title, before_row, count):
        self.sheet(title).Rows.insertByIndex(before_row - 1, count)

    def set(self, title, ref, value):
        cell = self.sheet(title).getCellRangeByName(ref)
        if isinstance(value, str):
            cell.setString(value)
        else:
            cell.setValue(value)

    def sort(self, title, header, rows):
        s = self.sheet(title)
        last_col = 0
        while s.getCellByPosition(last_col + 1, 0).getString():
            last_col += 1
        rng = s.getCellRangeByPosition(0, 1, last_col, rows - 1)
        field = TableSortField()
        field.Field = column_of(s, header)
        field.IsAscending = True
        rng.sort((prop("SortFields", uno.Any("[]com.sun.star.table.TableSortField", (field,))),
                  prop("ContainsHeader", False)))

    def font(self, title, ref, color=None, strike=False, bold=False):
        cell = self.sheet(title).getCellRangeByName(ref)
        if color is not None:
            cell.CharColor = color
        if strike:
            cell.CharStrikeout = 1  # SINGLE
        if bold:
            cell.CharWeight = 150.0  # BOLD

    def hyperlink(self, title, ref, text, url):
        cell = self.sheet(title).getCellRangeByName(ref)
        cell.setString("")
        field = self.doc.createInstance("com.sun.star.text.TextField.URL")
        field.URL, field.Representation = url, text
        cell.insertTextContent(cell.createTextCursor(), field, False)

    def comment(self, title, ref, text):
        s = self.sheet(title)
        s.Annotations.insertNew(s.getCellRangeByName(ref).CellAddress, text)

    def column_width(self, title, header, width_100mm):
        s = self.sheet(title)
        s.Columns.getByIndex(column_of(s, header)).Width = width_100mm

    def hide_column(self, title, header):
        s = self.sheet(title)
        s.Columns.getByIndex(column_of(s, header)).IsVisible = False

    def tab_color(self, title, color):
        self.sheet(title).TabColor = color

    def own_tab(self, title):
        """A person's own tab: a few values, a merged title, a font colour and a bar chart."""
        self.doc.Sheets.insertNewByName(title, self.doc.Sheets.Count)
        s = self.sheet(title)
        s.getCellRangeByName("A1").setString("Идеи на месяц")
        s.getCellRangeByName("A1:C1").merge(True)
        s.getCellRangeByName("A1").CharColor = 0x0000FF
        for i, (name, n) in enumerate((("Кофе", 5), ("Десерты", 3), ("Команда", 2)), 2):
            s.getCellByPosition(0, i - 1).setString(name)
            s.getCellByPosition(1, i - 1).setValue(n)
        area = CellRangeAddress(s.RangeAddress.Sheet, 0, 1, 1, 3)
        s.Charts.addNewByName("ideas", Rectangle(4000, 1000, 10000, 6000), (area,), False, False)


def main():
    port, path, edits = sys.argv[1], sys.argv[2], json.loads(open(sys.argv[3], encoding="utf-8").read())
    desktop = connect(port)
    url = uno.systemPathToFileUrl(path)
    doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    try:
        do = Edits(doc)
        for op, *args in edits:
            getattr(do, op)(*args)
        doc.storeToURL(url, (prop("FilterName", "Calc MS Excel 2007 XML"), prop("Overwrite", True)))
    finally:
        doc.close(True)


if __name__ == "__main__":
    main()
