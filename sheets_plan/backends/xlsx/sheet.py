"""One worksheet part (xl/worksheets/sheetN.xml): read its structure, change the tool's parts.

The part is kept as its top-level elements in document order; the cells
(`sheetData`, usually nearly all of the bytes) are one of them, left as
text until something in them has to change (cells.py).
"""

from __future__ import annotations

import re

from . import xml
from .styles import Styles

# CT_Worksheet's children, in the order the schema requires (ECMA-376 §18.3.1.99).
ORDER = ("sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
         "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
         "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
         "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
         "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
         "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
         "extLst")
EMPTY = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
         '<sheetData/><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
         '</worksheet>')
# Under sheet protection these stay allowed (the attribute names what is *forbidden* when "1").
PROTECTION = ('<sheetProtection sheet="1" objects="1" scenarios="1" formatColumns="0" formatRows="0" '
              'insertRows="0" deleteRows="0" sort="0" autoFilter="0"/>')
MAX_COL = 16384
DEFAULT_WIDTH = "9.140625"


class HeldCells:
    """A sheet's sheetData as it is held: a span of the part's bytes as read (let go after the
    read, read again from the file if asked; not decoded: half the memory of a str of Cyrillic
    text), or the text or pieces of bytes a change made of it."""

    def __init__(self, data: bytes | str | list, span: tuple[int, int] | None = None):
        self._data, self._span, self._reload = data, span, None

    def raw(self) -> tuple[str | bytes, int, int]:
        """The cells as held now and where they stand in it (the part's bytes while untouched)."""
        if self._span is not None:
            return (self._part(), *self._span)
        data = self.bytes() if isinstance(self._data, list) else self._data
        return data, 0, len(data)

    def text(self) -> str:
        if not isinstance(self._data, str):
            self._data, self._span, self._reload = self.bytes().decode("utf-8"), None, None
        return self._data

    def bytes(self) -> bytes:
        if self._span is not None:
            return self._part()[slice(*self._span)]
        if isinstance(self._data, list):
            return b"".join(self._data)
        return self._data.encode("utf-8") if isinstance(self._data, str) else self._data

    def pieces(self) -> list:
        return self._data if isinstance(self._data, list) else [self.bytes()]

    def let_go(self, reload):
        """Drop the untouched part's bytes (100 MB at 100 000 rows); `reload()` gives them again."""
        if self._span is not None and self._data is not None:
            self._data, self._reload = None, reload

    def _part(self) -> bytes:
        return self._data if self._data is not None else self._reload()


class Worksheet:
    """The part's top-level elements as text, except the cells (`HeldCells`)."""

    def __init__(self, data: str | bytes):
        raw = data.encode("utf-8") if isinstance(data, str) else data
        start = re.search(rb"<(\w+:)?worksheet\b[^>]*>", raw)
        if start is None:
            raise ValueError("not a worksheet")
        prefix = start.group(1) or b""
        end = raw.rindex(b"</")
        self.head, self.tail = raw[:start.end()].decode("utf-8"), raw[end:].decode("utf-8")
        # The cells are nearly all of the part: cut them out by position, parse only what is around them.
        data_start = raw.find(b"<" + prefix + b"sheetData", start.end(), end)
        if data_start < 0:
            self.items = _items(raw[start.end():end].decode("utf-8"))
            return
        open_end = raw.index(b">", data_start)
        if raw[open_end - 1:open_end] == b"/":
            data_end = open_end + 1
        else:
            closing = b"</" + prefix + b"sheetData>"
            data_end = raw.index(closing, open_end) + len(closing)
        self.items = (_items(raw[start.end():data_start].decode("utf-8"))
                      + [["sheetData", HeldCells(raw, (data_start, data_end))]]  # not sliced: no copy
                      + _items(raw[data_end:end].decode("utf-8")))

    def chunks(self) -> list:
        """The part's bytes, element by element (the cells as they are held: never decoded for this)."""
        return [self.head.encode("utf-8")] + [
            piece for _, t in self.items
            for piece in (t.pieces() if isinstance(t, HeldCells) else [t.encode("utf-8")])] + [
            self.tail.encode("utf-8")]

    def text(self) -> str:
        return b"".join(self.chunks()).decode("utf-8")

    def get(self, name: str) -> str | None:
        for _, t in (item for item in self.items if item[0] == name):
            return t.text() if isinstance(t, HeldCells) else t
        return None

    def cells(self) -> HeldCells:
        return next((t for n, t in self.items if n == "sheetData" and isinstance(t, HeldCells)),
                    None) or HeldCells(b"<sheetData/>")

    def all(self, name: str) -> list[str]:
        return [t for n, t in self.items if n == name]

    def put(self, name: str, texts: str | list | None):
        """Replace every `name` child with `texts` (None or [] removes them), in schema order."""
        if name == "sheetData":  # one element, held as text or as the pieces a patch made
            texts = [HeldCells(texts)] if texts else []
        texts = [texts] if isinstance(texts, str) else list(texts or [])
        at = next((i for i, (n, _) in enumerate(self.items) if n == name), None)
        self.items = [it for it in self.items if it[0] != name]
        if at is None:
            rank = ORDER.index(name)
            at = next((i for i, (n, _) in enumerate(self.items) if n in ORDER and ORDER.index(n) > rank),
                      len(self.items))
        self.items[at:at] = [[name, t] for t in texts]

    # ------------------------------------------------------------ structure
    def frozen_rows(self) -> int:
        views = self.get("sheetViews") or ""
        pane = xml.first(views, "pane")
        if pane and xml.attr(pane, "state") in ("frozen", "frozenSplit"):
            return int(float(xml.attr(pane, "ySplit") or 0))
        return 0

    def set_frozen_rows(self, rows: int):
        views = self.get("sheetViews") or '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
        view = xml.first(views, "sheetView") or '<sheetView workbookViewId="0"/>'
        kids = [k for k in xml.children(view) if not re.match(r"<(pane|selection)\b", k)]
        if rows:
            kids[:0] = [f'<pane ySplit="{rows}" topLeftCell="A{rows + 1}" activePane="bottomLeft" state="frozen"/>',
                        '<selection pane="bottomLeft"/>']
        new_view = xml.set_attrs(view, topLeftCell=None)
        new_view = xml.with_children(new_view, kids, count=False) if kids else re.sub(
            r">.*</[\w:]*sheetView>$", "/>", new_view, flags=re.S) if not new_view.endswith("/>") else new_view
        self.put("sheetViews", views.replace(view, new_view, 1))

    def extent(self) -> tuple[int, int]:
        """(rows, columns) the dimension element claims (0, 0 when there is none)."""
        dim = self.get("dimension")
        ref = dim and xml.attr(dim, "ref")
        if not ref:
            return 0, 0
        last = ref.split(":")[-1]
        m = re.match(r"\$?([A-Z]+)\$?(\d+)", last)
        if not m:
            return 0, 0
        from sheets_plan.sheets.a1 import col_index
        return int(m.group(2)), col_index(m.group(1)) + 1

    def set_extent(self, rows: int, cols: int):
        from sheets_plan.sheets.a1 import col_letter
        ref = "A1" if rows <= 1 and cols <= 1 else f"A1:{col_letter(max(cols, 1) - 1)}{max(rows, 1)}"
        self.put("dimension", f'<dimension ref="{ref}"/>')

    # ------------------------------------------------------------ columns
    def columns(self) -> dict[int, dict[str, str]]:
        """0-based column -> the attributes of its <col> (spans expanded, capped at the last one named)."""
        out = {}
        for col in xml.elements(self.get("cols") or "", "col"):
            a = xml.attrs(col)
            lo, hi = int(a.pop("min")), int(a.pop("max"))
            for c in range(lo - 1, min(hi, MAX_COL)):
                out[c] = a
        return out

    def column_style(self):
        """A lookup 0-based column -> its <col> style index (0 where none), without expanding spans."""
        runs = []
        for col in xml.elements(self.get("cols") or "", "col"):
            a = xml.attrs(col)
            runs.append((int(a["min"]) - 1, int(a["max"]), int(a.get("style", 0))))
        known: dict[int, int] = {}

        def style(c: int) -> int:
            if c not in known:  # asked once per cell written: 300 000 times for a computed column
                known[c] = next((s for lo, hi, s in runs if lo <= c < hi), 0)
            return known[c]

        return style

    def set_columns(self, cols: dict[int, dict[str, str]]):
        """Write <cols> back, runs of equal attributes folded into one <col>."""
        runs, keys = [], sorted(cols)
        for c in keys:
            if runs and runs[-1][1] == c - 1 and runs[-1][2] == cols[c]:
                runs[-1][1] = c
            else:
                runs.append([c, c, cols[c]])
        body = "".join(f'<col min="{a + 1}" max="{b + 1}"' + "".join(f' {k}="{xml.esc(v)}"' for k, v in attrs.items())
                       + "/>" for a, b, attrs in runs)
        self.put("cols", f"<cols>{body}</cols>" if runs else None)

    # ------------------------------------------------------------ protection
    def set_protected(self, on: bool):
        self.put("sheetProtection", PROTECTION if on else None)


def _items(body: str) -> list[list[str]]:
    """[local name, text] of each top-level element in `body`."""
    out = []
    for child in xml.children("<w>" + body + "</w>"):
        out.append([re.match(r"<([\w:.-]+)", child).group(1).rpartition(":")[2], child])
    return out


def column_locks(sheet: Worksheet, styles: Styles, closed: set[int]):
    """Column styles so that under protection only the `closed` columns stay locked.

    A person's new rows take the column's style, so the columns people fill
    stay editable below the last row too, and so do columns they add."""
    cols = sheet.columns()
    for c in range(MAX_COL):
        a = dict(cols.get(c, {}))
        a["style"] = str(styles.xf(int(a.get("style", 0)), None, c in closed))
        a.setdefault("width", DEFAULT_WIDTH)  # Excel shows a <col> without a width as hidden
        cols[c] = a
    sheet.set_columns(cols)
