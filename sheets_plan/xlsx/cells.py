"""The cells of a worksheet part (`sheetData`), read and patched as text.

Only rows that change are parsed and rebuilt; every other row keeps its
bytes. Values, formulas and styles are in the form of the Sheets API's
model (serial numbers for dates, "=..." for formulas in internal form).
"""

from __future__ import annotations

import html
import re
from typing import Callable, Iterable

from .. import formula
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
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def letters(col: int) -> str:
    s, col = "", col + 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


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


def formulas(data: str) -> dict[tuple[int, int], str]:
    """(row, col) -> formula ("=...", internal form) of every formula cell."""
    data = expand_shared(data)
    out = {}
    for m in _FORMULA_CELL.finditer(data):
        text = m.group(4)
        if text:
            out[ref(m.group(1) + m.group(2))] = formula.from_xlsx("=" + html.unescape(text))
    return out


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
    if kind in ("str", "e"):
        return raw, None, style
    if kind == "b":
        return raw in ("1", "true"), None, style
    number = float(raw)
    return (int(number) if number.is_integer() and abs(number) < 2 ** 53 else number), None, style


def cells_in(data: str, boxes: list[Box], strings: list[str]):
    """Yield (row, col, value, formula, style) of every existing cell inside the boxes."""
    for r, row in _rows(data):
        if not any(_in(r, b[0], b[1]) for b in boxes):
            continue
        for c, cell in _cells(row):
            if any(_in(r, b[0], b[1]) and _in(c, b[2], b[3]) for b in boxes):
                yield (r, c, *read_cell(cell, strings))


def _in(i: int, lo: int, hi: int | None) -> bool:
    return i >= lo and (hi is None or i < hi)


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
          restyle: Callable[[int, int, int], int] | None = None) -> str:
    """sheetData with the cells inside `boxes` re-rendered.

    `written`: row -> columns the new state has a cell in (rows and cells
    that do not exist yet are created). Every cell inside a box goes through
    `render` (None removes it); with `restyle`, every other cell's style
    index goes through it (row, col, s) -> s."""
    inner_start = data.index(">") + 1 if not data.endswith("/>") else len(data)
    body = data[inner_start:data.rindex("</")] if not data.endswith("/>") else ""
    if (0, None, 0, None) in boxes:  # the whole tab is rewritten: its old rows go unread
        body = ""
    out, pos = [], 0
    pending = sorted(written)
    p = 0
    for m in ROW.finditer(body):
        row = m.group(0)
        head = row[:row.index(">")]
        rm = _ROW_NUM.search(head)
        r = int(rm.group(1)) - 1 if rm else None
        if r is None:  # rows without numbers: rare; number them all first
            return patch(_number_rows(data), boxes, written, render, restyle)
        if p < len(pending) and pending[p] < r:  # new rows go before this one
            out.append(body[pos:m.start()])
            pos = m.start()
            while p < len(pending) and pending[p] < r:
                out.append(_new_row(pending[p], written[pending[p]], render, restyle))
                p += 1
        boxed = [b for b in boxes if _in(r, b[0], b[1])]
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


def _patch_row(row: str, r: int, boxed: list[Box], cols: Iterable[int], render: Render, restyle) -> str:
    head = xml.set_attrs(row[:row.index(">") + 1], spans=None)
    have = dict(_cells(row))
    keep: dict[int, str] = {}
    for c, cell in have.items():
        if any(_in(c, b[2], b[3]) for b in boxed):
            continue  # inside a box: the new state decides
        keep[c] = _restyled(cell, r, c, restyle) if restyle else cell
    for c in set(cols) | {c for c in have if any(_in(c, b[2], b[3]) for b in boxed)}:
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
    counter = iter(range(1, 10 ** 7))
    return ROW.sub(lambda m: m.group(0) if _ROW_NUM.search(m.group(0)[:m.group(0).index(">")])
                   else xml.set_attrs(m.group(0), r=str(next(counter))), data)


def cell_xml(r: int, c: int, style: int | None, value=None, formula_text: str | None = None,
             keep: str | None = None) -> str:
    """A <c> element; `keep`, an old element whose value is kept (a format-only change)."""
    at = f'<c r="{letters(c)}{r + 1}"' + (f' s="{style}"' if style else "")
    if formula_text is not None:
        return at + f"><f>{xml.esc(formula.to_xlsx(formula_text)[1:])}</f></c>"
    if keep is not None:
        t = xml.attr(keep, "t")
        body = xml.inner(keep)
        return at + (f' t="{t}"' if t else "") + (f">{body}</c>" if body else "/>")
    if value is None:
        return at + "/>"
    if isinstance(value, bool):
        return at + f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return at + f"><v>{value!r}</v></c>"
    return at + f' t="inlineStr"><is><t xml:space="preserve">{xml.esc(value)}</t></is></c>'
