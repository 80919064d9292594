"""The cells of a worksheet part (`sheetData`), read and patched as text.

Only rows that change are parsed and rebuilt; every other row keeps its
bytes. Values, formulas and styles are in the form of the Sheets API's
model (serial numbers for dates, "=..." for formulas in internal form).
"""

from __future__ import annotations

import functools
import html
import re
from typing import Iterable

from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_index, col_letter as letters
from . import xml

ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
ROW_NUM = re.compile(r'\sr="(\d+)"')
ROW_B, ROW_NUM_B = re.compile(ROW.pattern.encode(), re.S), re.compile(ROW_NUM.pattern.encode())
CELL_REF = re.compile(r'\sr="([A-Z]{1,3})(\d+)"')
_CELL_REF_B = re.compile(CELL_REF.pattern.encode())
# <f> is a cell's first child (CT_Cell: f, v, is): a formula cell is found without scanning its body.
_FORMULA_CELL = re.compile(r'<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"[^>]*>\s*<f\b([^>]*?)(?:/>|>(.*?)</f>)', re.S)
Box = tuple[int, int | None, int, int | None]  # r0, r1, c0, c1 (0-based, half-open, None = open)


def ref(ref_text: str) -> tuple[int, int]:
    """'B3' -> (2, 1)."""
    m = _REF.match(ref_text.replace("$", ""))
    return int(m.group(2)) - 1, col_index(m.group(1))


def shared_strings(text: str | None) -> list[str]:
    if not text:
        return []
    out = []
    for si in xml.element_iter(text, "si"):
        body = re.sub(r"<rPh\b.*?</rPh>", "", si.group(0), flags=re.S)
        out.append("".join(html.unescape(t) for t in re.findall(r"<t\b[^>]*>(.*?)</t>", body, re.S)))
    return out


# ---------------------------------------------------------------- formulas
# A shared formula's other cells hold only its index: each is the first cell's formula moved by
# the offset, with the shifter a repeatCell uses (one scan of the formula for the whole group).
def expand_shared(data: bytes) -> bytes:
    """Every shared formula written out in its own cell (so one cell can change alone)."""
    if b't="shared"' not in data:
        return data
    text = data.decode("utf-8")
    groups = _shared_firsts(text)

    def plain(m: re.Match) -> str:
        a = xml.attrs("<f" + m.group(3) + ">")
        if a.get("t") != "shared" or a.get("si") not in groups:
            return m.group(0)
        r, c = ref(m.group(1) + m.group(2))
        moved = _moved(groups[a["si"]], r, c)
        start = m.start(3) - m.start(0) - 2  # where "<f" begins inside the match
        return m.group(0)[:start] + "<f>" + xml.esc(formula.to_xlsx(moved)[1:]) + "</f>"

    return _FORMULA_CELL.sub(plain, text).encode("utf-8")


def _shared_firsts(data: str) -> dict[str, tuple[int, int, str]]:
    """si -> (row, col, formula in internal form) of each shared formula's first cell."""
    out = {}
    for m in _FORMULA_CELL.finditer(data):
        a = xml.attrs("<f" + m.group(3) + ">")
        if a.get("t") == "shared" and m.group(4) and a.get("si") not in out:
            out[a["si"]] = (*ref(m.group(1) + m.group(2)), formula.from_xlsx("=" + unescape(m.group(4))))
    return out


def _moved(first: tuple[int, int, str], r: int, c: int) -> str:
    r0, c0, text = first
    return text if (r, c) == (r0, c0) else formula.shifter(text)(r - r0, c - c0)


def formulas(data: str | bytes, pos: int = 0, endpos: int | None = None) -> dict[tuple[int, int], str]:
    """(row, col) -> formula ("=...", internal form) of every formula cell in data[pos:endpos]
    (sheetData as text, or the part's bytes)."""
    endpos = len(data) if endpos is None else endpos
    f_re, cell_re, opener = (_F, _CELL_REF_AT, "<c") if isinstance(data, str) else (_FB, _CELL_REF_AT_B, b"<c")
    out, columns = {}, {}
    firsts: dict = {}  # si -> first cell of a shared formula
    later: list = []  # shared cells met before their group's first cell (not in Excel's order)
    for m in f_re.finditer(data, pos, endpos):  # the <f> elements first, then each one's cell: most hold none
        attrs, text = m.group(1), m.group(2)
        si = _shared_si(attrs) if attrs else None
        if not text and si is None:
            continue
        cell = cell_re.match(data, data.rfind(opener, 0, m.start()))
        if cell is None:
            continue
        letters = cell.group(1)
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = ref((letters if isinstance(letters, str) else letters.decode()) + "1")[1]
        at = (int(cell.group(2)) - 1, col)
        if text:
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            out[at] = formula.from_xlsx("=" + (unescape(text) if "&" in text else text))
            if si is not None and si not in firsts:
                firsts[si] = (*at, out[at])
        elif si in firsts:
            out[at] = _moved(firsts[si], *at)
        else:
            later.append((at, si))
    for at, si in later:
        if si in firsts:
            out[at] = _moved(firsts[si], *at)
    return out


def unescape(text: str) -> str:
    """XML text -> str: the five entities by str.replace (html.unescape is ten times slower), the rest by it."""
    if "&#" in text:
        return html.unescape(text)
    return (text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")
            .replace("&amp;", "&"))


_F = re.compile(r"<f\b([^>]*?)(?:/>|>([^<]*)</f>)")
_SI = re.compile(r'\bsi="(\d+)"')


def _shared_si(attrs: str | bytes) -> str | None:
    """The group index of a shared formula's <f> attributes (None: not shared)."""
    if isinstance(attrs, bytes):
        attrs = attrs.decode()
    m = _SI.search(attrs) if 't="shared"' in attrs else None
    return m.group(1) if m else None
_CELL_REF_AT = re.compile(r'<c\b[^>]*?\sr="([A-Z]{1,3})(\d+)"')
_FB = re.compile(_F.pattern.encode())
_CELL_REF_AT_B = re.compile(_CELL_REF_AT.pattern.encode())


# ---------------------------------------------------------------- reading cells
def read_cell(cell: str, strings: list[str]) -> tuple[object, str | None, int | None]:
    """(value, formula, style index) of one <c> element."""
    a = xml.attrs(cell)
    style = int(a["s"]) if "s" in a else None
    f = xml.first(cell, "f")
    if f is not None and xml.text_of(f):
        return None, formula.from_xlsx("=" + xml.text_of(f)), style
    kind = a.get("t", "n")
    if kind == "inlineStr":
        return xml.text_of(xml.first(cell, "is")) or None, None, style
    v = xml.first(cell, "v")
    if v is None:
        return None, None, style
    raw = xml.text_of(v)
    if kind == "s":
        i = int(raw)
        return (strings[i] if i < len(strings) else None), None, style
    if kind in ("str", "e", "d"):
        return raw, None, style
    if kind == "b":
        return raw in ("1", "true"), None, style
    number = float(raw)
    return (int(number) if number.is_integer() and abs(number) < 2 ** 53 else number), None, style


def cells_in(data: bytes, boxes: list[Box], strings: list[str]):
    """Yield (row, col, value, formula, style) of every existing cell inside the boxes (only the
    rows they reach are decoded)."""
    index, nxt = Boxes(boxes), 0
    for r, row, _, _ in rows(data):
        r = nxt if r is None else r  # a row without r is the one after the row before it
        nxt = r + 1
        spans = index.spans(r)
        if not spans or left_of(row, spans):
            continue
        for c, cell in row_cells(row.decode("utf-8")):
            if covered(c, spans):
                yield (r, c, *read_cell(cell, strings))


def _last_col(row: bytes) -> int | None:
    """The column of a row's last cell, read from its end alone (-1: no cell); None when that cell
    does not name its place (then every cell must be read)."""
    at = row.rfind(b"<c ")
    if at < 0:
        return None if b"<c>" in row or b"<c/>" in row else -1
    m = _CELL_REF_B.search(row, at, row.index(b">", at))
    return _column(m.group(1)) if m and b"<c>" not in row[at:] else None


@functools.lru_cache(maxsize=1024)
def _column(letters_: bytes) -> int:
    return col_index(letters_.decode())


def left_of(row: bytes, spans: list[tuple[int, int | None]], cols: Iterable[int] = ()) -> bool:
    """Whether every cell of the row stands left of the spans and columns (a computed column
    written beside the typed ones): the row's cells need no reading."""
    last = _last_col(row)
    return last is not None and all(last < c0 for c0, _ in spans) and all(last < c for c in cols)


def _in(i: int, lo: int, hi: int | None) -> bool:
    return i >= lo and (hi is None or i < hi)


def covered(c: int, spans: list[tuple[int, int | None]]) -> bool:
    return any(_in(c, c0, c1) for c0, c1 in spans)


class Boxes:
    """Boxes looked up by row: a batch may touch thousands of single cells (restored formulas)."""

    def __init__(self, boxes: list[Box]):
        self.tall = [b for b in boxes if b[1] is None or b[1] - b[0] > 64]
        self.by_row: dict[int, list[tuple[int, int | None]]] = {}
        for r0, r1, c0, c1 in boxes:
            if r1 is not None and r1 - r0 <= 64:
                for r in range(r0, r1):
                    self.by_row.setdefault(r, []).append((c0, c1))

    def spans(self, r: int) -> list[tuple[int, int | None]]:
        """The column spans the boxes cover in row r."""
        return self.by_row.get(r, []) + [(b[2], b[3]) for b in self.tall if _in(r, b[0], b[1])]


def rows(data: bytes, pos: int = 0, endpos: int | None = None):
    """(row index, or None when the row has no r; its bytes; its start and end in data) of each
    <row> in data[pos:endpos]. Found with bytes.find, not a regex: ten times faster over 100 MB
    (rows do not nest, and a "<" in a cell's text is escaped)."""
    endpos = len(data) if endpos is None else endpos
    while True:
        start = data.find(b"<row", pos, endpos)
        if start < 0:
            return
        gt = data.find(b">", start, endpos)
        if gt < 0:
            return
        if data[start + 4:start + 5] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):  # <rowBreaks>: not a row
            pos = start + 4
            continue
        end = gt + 1 if data[gt - 1:gt] == b"/" else data.find(b"</row>", gt, endpos) + 6
        if end < 6:
            return
        rm = ROW_NUM_B.search(data, start, gt)
        yield (int(rm.group(1)) - 1 if rm else None), data[start:end], start, end
        pos = end


def row_cells(row: str):
    """(column, <c> text) of each cell of a row (a cell without r: the next column)."""
    nxt = 0
    for m in CELL.finditer(row):
        head = m.group(0)[:m.group(0).index(">")]
        rm = CELL_REF.search(" " + head[2:])
        c = ref(rm.group(1) + rm.group(2))[1] if rm else nxt
        nxt = c + 1
        yield c, m.group(0)


def cell_xml(r: int, c: int, style: int | None, value=None, formula_text: str | None = None) -> str:
    """A <c> element: a formula (internal form), a value, or an empty styled cell."""
    at = f'<c r="{letters(c)}{r + 1}"' + (f' s="{style}"' if style else "")
    if formula_text is not None:
        return at + f"><f>{xml.esc(formula.to_xlsx(formula_text)[1:])}</f></c>"
    if value is None:
        return at + "/>"
    if isinstance(value, bool):
        return at + f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return at + f"><v>{value!r}</v></c>"
    return at + f' t="inlineStr"><is><t xml:space="preserve">{xml.esc(value)}</t></is></c>'
