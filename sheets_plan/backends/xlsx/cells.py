"""The cells of a worksheet part (`sheetData`), read and patched as text.

Only rows that change are parsed and rebuilt; every other row keeps its
bytes. Values, formulas and styles are in the form of the Sheets API's
model (serial numbers for dates, "=..." for formulas in internal form).
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable

from sheets_plan.sheets import formula
from sheets_plan.sheets.a1 import col_index, col_letter as letters
from . import xml

ROW = re.compile(r"<row\b[^>]*?(?:/>|>.*?</row>)", re.S)
CELL = re.compile(r"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ROW_NUM = re.compile(r'\sr="(\d+)"')
_CELL_REF = re.compile(r'\sr="([A-Z]{1,3})(\d+)"')
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
def expand_shared(data: str) -> str:
    """Every shared formula written out in its own cell (so one cell can change alone)."""
    if 't="shared"' not in data:
        return data
    from openpyxl.formula.translate import Translator

    masters: dict[str, tuple[str, str]] = {}
    for m in _FORMULA_CELL.finditer(data):
        a = xml.attrs("<f" + m.group(3) + ">")
        if a.get("t") == "shared" and m.group(4):
            masters[a["si"]] = (m.group(1) + m.group(2), "=" + html.unescape(m.group(4)))

    def plain(m: re.Match) -> str:
        a = xml.attrs("<f" + m.group(3) + ">")
        if a.get("t") != "shared":
            return m.group(0)
        origin, text = masters.get(a.get("si"), (None, None))
        if text is None:
            return m.group(0)
        here = m.group(1) + m.group(2)
        moved = text if here == origin else Translator(text, origin=origin).translate_formula(here)
        start = m.start(3) - m.start(0) - 2  # where "<f" begins inside the match
        return m.group(0)[:start] + "<f>" + xml.esc(moved[1:]) + "</f>"

    return _FORMULA_CELL.sub(plain, data)


def formulas(data: str | bytes, pos: int = 0, endpos: int | None = None) -> dict[tuple[int, int], str]:
    """(row, col) -> formula ("=...", internal form) of every formula cell in data[pos:endpos]
    (sheetData as text, or the part's bytes)."""
    endpos = len(data) if endpos is None else endpos
    if isinstance(data, bytes) and data.find(b't="shared"', pos, endpos) >= 0:
        data, pos, endpos = data[pos:endpos].decode("utf-8"), 0, None
    if isinstance(data, str):
        data, pos, endpos = expand_shared(data[pos:endpos] if pos or endpos else data), 0, None
        endpos = len(data)
    f_re, cell_re, opener = (_F, _CELL_REF_AT, "<c") if isinstance(data, str) else (_FB, _CELL_REF_AT_B, b"<c")
    out, columns = {}, {}
    for m in f_re.finditer(data, pos, endpos):  # the <f> elements first, then each one's cell: most hold none
        text = m.group(1)
        if not text:
            continue
        cell = cell_re.match(data, data.rfind(opener, 0, m.start()))
        if cell is None:
            continue
        letters = cell.group(1)
        col = columns.get(letters)
        if col is None:
            col = columns[letters] = ref((letters if isinstance(letters, str) else letters.decode()) + "1")[1]
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        out[(int(cell.group(2)) - 1, col)] = formula.from_xlsx("=" + (unescape(text) if "&" in text else text))
    return out


def unescape(text: str) -> str:
    """XML text -> str: the five entities by str.replace (html.unescape is ten times slower), the rest by it."""
    if "&#" in text:
        return html.unescape(text)
    return (text.replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&apos;", "'")
            .replace("&amp;", "&"))


_F = re.compile(r"<f\b[^>]*?(?:/>|>([^<]*)</f>)")
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


def cells_in(data: str, boxes: list[Box], strings: list[str]):
    """Yield (row, col, value, formula, style) of every existing cell inside the boxes."""
    index = Boxes(boxes)
    for r, row in _rows(data):
        spans = index.spans(r)
        if not spans or _left_of(row, spans):
            continue
        for c, cell in _cells(row):
            if _covered(c, spans):
                yield (r, c, *read_cell(cell, strings))


def _last_col(row: str) -> int | None:
    """The column of a row's last cell, read from its end alone (-1: no cell); None when that cell
    does not name its place (then every cell must be read)."""
    at = row.rfind("<c ")
    if at < 0:
        return None if "<c>" in row or "<c/>" in row else -1
    m = _CELL_REF.search(row, at, row.index(">", at))
    return ref(m.group(1) + m.group(2))[1] if m and "<c>" not in row[at:] else None


def _left_of(row: str, spans: list[tuple[int, int | None]], cols: Iterable[int] = ()) -> bool:
    """Whether every cell of the row stands left of the spans and columns (a computed column
    written beside the typed ones): the row's cells need no reading."""
    last = _last_col(row)
    return last is not None and last < min([c0 for c0, _ in spans] + list(cols))


def _in(i: int, lo: int, hi: int | None) -> bool:
    return i >= lo and (hi is None or i < hi)


def _covered(c: int, spans: list[tuple[int, int | None]]) -> bool:
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


def _rows(data: str):
    nxt = 0
    for m in ROW.finditer(data):
        head = m.group(0)[:m.group(0).index(">")]
        rm = _ROW_NUM.search(head)
        r = int(rm.group(1)) - 1 if rm else nxt
        nxt = r + 1
        yield r, m.group(0)


def _cells(row: str):
    nxt = 0
    for m in CELL.finditer(row):
        head = m.group(0)[:m.group(0).index(">")]
        rm = _CELL_REF.search(" " + head[2:])
        c = ref(rm.group(1) + rm.group(2))[1] if rm else nxt
        nxt = c + 1
        yield c, m.group(0)


# ---------------------------------------------------------------- patching
Render = Callable[[int, int, "str | None"], "str | None"]   # (row, col, old <c> or None) -> new <c> or None


def patch(data: str, boxes: list[Box], written: dict[int, Iterable[int]], render: Render,
          restyle: Callable[[int, int, int], int] | None = None, rewrite: bool = False) -> str:
    """sheetData with the cells inside `boxes` re-rendered.

    `written`: row -> columns the new state has a cell in (rows and cells
    that do not exist yet are created). Every cell inside a box goes through
    `render` (None removes it); with `restyle`, every other cell's style
    index goes through it (row, col, s) -> s."""
    inner_start = data.index(">") + 1 if not data.endswith("/>") else len(data)
    body = data[inner_start:data.rindex("</")] if not data.endswith("/>") else ""
    if rewrite:  # the whole tab is written anew: its old rows go unread
        body = ""
    out, pos = [], 0
    pending = sorted(written)
    p = 0
    index = Boxes(boxes)
    for m in ROW.finditer(body):
        row = m.group(0)
        head = row[:row.index(">")]
        rm = _ROW_NUM.search(head)
        r = int(rm.group(1)) - 1 if rm else None
        if r is None:  # rows without numbers: rare; number them all first
            return patch(_number_rows(data), boxes, written, render, restyle, rewrite)
        if p < len(pending) and pending[p] < r:  # new rows go before this one
            out.append(body[pos:m.start()])
            pos = m.start()
            while p < len(pending) and pending[p] < r:
                out.append(_new_row(pending[p], written[pending[p]], render, restyle))
                p += 1
        boxed = index.spans(r)
        cols = written.get(r, ())
        if p < len(pending) and pending[p] == r:
            p += 1
        if not boxed and not cols and restyle is None:
            continue
        out.append(body[pos:m.start()])
        out.append(_patch_row(row, r, boxed, cols, render, restyle))
        pos = m.end()
    out.append(body[pos:])
    while p < len(pending):
        out.append(_new_row(pending[p], written[pending[p]], render, restyle))
        p += 1
    return "<sheetData>" + "".join(out) + "</sheetData>"


def _new_row(r: int, cols: Iterable[int], render: Render, restyle=None) -> str:
    out = []
    for c in sorted(cols):
        x = render(r, c, None)
        if x:
            out.append(_restyled(x, r, c, restyle) if restyle else x)
    return f'<row r="{r + 1}">' + "".join(out) + "</row>" if out else ""


def _patch_row(row: str, r: int, boxed: list[tuple[int, int | None]], cols: Iterable[int], render: Render,
               restyle) -> str:
    head = xml.set_attrs(row[:row.index(">") + 1], spans=None)
    if restyle is None and not head.endswith("/>") and (boxed or cols) and _left_of(row, boxed, cols):
        # the new cells go after the row's own ones, which stay as they are: no cell is parsed
        added = [x for c in sorted(set(cols)) if (x := render(r, c, None))]
        return head + row[row.index(">") + 1:-len("</row>")] + "".join(added) + "</row>"
    have = {c: (cell if _CELL_REF.search(" " + cell[2:cell.index(">")]) else xml.set_attrs(cell, r=letters(c) + str(r + 1)))
            for c, cell in _cells(row)}  # each kept cell names its place: neighbours may come or go
    keep: dict[int, str] = {}
    inside = {c for c in have if _covered(c, boxed)}
    for c, cell in have.items():
        if c not in inside:  # inside a box the new state decides
            keep[c] = _restyled(cell, r, c, restyle) if restyle else cell
    for c in set(cols) | inside:
        new = render(r, c, have.get(c))
        if new:
            keep[c] = _restyled(new, r, c, restyle) if restyle else new
        else:
            keep.pop(c, None)
    if head.endswith("/>"):
        head = head[:-2] + ">"
    if not keep:
        return head[:-1] + "/>" if re.search(r'\s(ht|s|hidden|customHeight)=', head) else ""
    return head + "".join(keep[c] for c in sorted(keep)) + "</row>"


def _restyled(cell: str, r: int, c: int, restyle) -> str:
    m = re.search(r'\ss="(\d+)"', cell[:cell.index(">")])
    old = int(m.group(1)) if m else 0
    new = restyle(r, c, old)
    return cell if new == old else xml.set_attrs(cell, s=str(new))


def _number_rows(data: str) -> str:
    """Every row with its r (a row without one is the row after the one before it)."""
    out, nxt = [], 1
    for m in ROW.finditer(data):
        row = m.group(0)
        rm = _ROW_NUM.search(row[:row.index(">")])
        if rm:
            nxt = int(rm.group(1))
        else:
            row = xml.set_attrs(row, r=str(nxt))
        out.append((m.start(), m.end(), row))
        nxt += 1
    pieces, pos = [], 0
    for start, end, row in out:
        pieces += [data[pos:start], row]
        pos = end
    return "".join(pieces) + data[pos:]


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
