"""Row heights as LibreOffice Calc shows a workbook's tab, and as it would fit them itself.

Run by the system Python with LibreOffice's `uno` module, against a running soffice:

    /usr/bin/python3 uno_rows.py PORT WORKBOOK TITLE

Prints JSON: [[row, shown, fitted], ...] in 1/100 mm for each used row: the height Calc gives
the row on opening the file, then the height Calc's own "optimal row height" gives it.
"""

import json
import sys

import uno
from uno_edit import connect, prop


def main():
    port, path, title = sys.argv[1], sys.argv[2], sys.argv[3]
    desktop = connect(port)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (prop("Hidden", True),))
    try:
        sheet = doc.Sheets.getByName(title)
        cursor = sheet.createCursor()
        cursor.gotoEndOfUsedArea(False)
        rows = range(cursor.RangeAddress.EndRow + 1)
        shown = [sheet.Rows.getByIndex(i).Height for i in rows]
        for i in rows:
            sheet.Rows.getByIndex(i).OptimalHeight = True
        print(json.dumps([[i + 1, shown[i], sheet.Rows.getByIndex(i).Height] for i in rows]))
    finally:
        doc.close(True)


if __name__ == "__main__":
    main()
