"""A sheet's cells patched as bytes: only the rows that change are decoded and rebuilt; every
other byte of the sheetData is kept as a slice of what was read, and the result is handed on as
those pieces (written to the file one after another), so a 100 MB sheet is never copied whole.
"""

from __future__ import annotations

import re
from typing import Callable, Iterable

from sheets_plan.sheets.a1 import col_letter as letters
from . import xml
from .cells import CELL_REF, ROW, ROW_NUM, Boxes, covered, left_of, row_cells, rows

Render = Callable[[int, int, "str | None"], "str | None"]   # (row, col, old <c> or None) -> new <c> or None
Pieces = list["bytes | memoryview"]
_ROW_END = b"</row>"


def patch(data: bytes, boxes: list, written: dict[int, Iterable[int]], render: Render,
          restyle: Callable[[int, int, int], int] | None = None, rewrite: bool = False,
          height: Callable[[int], float | None] | None = None) -> Pieces:
    """The pieces of sheetData (UTF-8) with the cells inside `boxes` re-rendered.

    `written`: row -> columns the new state has a cell in (rows and cells
    that do not exist yet are created). Every cell inside a box goes through
    `render` (None removes it); with `restyle`, every other cell's style
    index goes through it (row, col, s) -> s. A new row gets the height
    `height(row)` gives after its cells are rendered (None: the default)."""
    if rewrite or data.endswith(b"/>"):  # a tab written anew: its old rows go unread
        lo = hi = 0
    else:
        lo, hi = data.index(b">") + 1, data.rindex(b"</")
    view = memoryview(data)  # its slices are no copies
    out: Pieces = [b"<sheetData>"]
    pos, pending, p = lo, sorted(written), 0
    index = Boxes(boxes)
    for r, row_bytes, start, end in rows(data, lo, hi):
        if r is None:  # rows without numbers: rare; number them all first
            return patch(_number_rows(data.decode("utf-8")).encode("utf-8"), boxes, written, render, restyle,
                         height=height)
        if p < len(pending) and pending[p] < r:  # new rows go before this one
            out.append(view[pos:start])
            pos = start
            while p < len(pending) and pending[p] < r:
                out.append(_new_row(pending[p], written[pending[p]], render, restyle, height))
                p += 1
        boxed, cols = index.spans(r), written.get(r, ())
        if p < len(pending) and pending[p] == r:
            p += 1
        if not boxed and not cols and restyle is None:
            continue
        out.append(view[pos:start])
        if restyle is None and not row_bytes.endswith(b"/>") and left_of(row_bytes, boxed, cols):
            out += _appended(view, row_bytes, start, end, r, cols, render)
        else:
            out.append(_patch_row(row_bytes.decode("utf-8"), r, boxed, cols, render, restyle).encode("utf-8"))
        pos = end
    out.append(view[pos:hi])
    while p < len(pending):
        out.append(_new_row(pending[p], written[pending[p]], render, restyle, height))
        p += 1
    out.append(b"</sheetData>")
    return out


def _appended(view: memoryview, row: bytes, start: int, end: int, r: int, cols, render) -> Pieces:
    """A row whose new cells all stand right of its own (a computed column written beside the
    typed cells): its bytes kept, the new cells after them; no cell of it is parsed."""
    open_end = row.index(b">") + 1
    added = "".join(x for c in sorted(set(cols)) if (x := render(r, c, None))).encode("utf-8")
    if b" spans=" in row[:open_end]:  # the row's cell span hint would be wrong: dropped
        head = xml.set_attrs(row[:open_end].decode("utf-8"), spans=None).encode("utf-8")
        return [head, view[start + open_end:end - len(_ROW_END)], added, _ROW_END]
    return [view[start:end - len(_ROW_END)], added, _ROW_END]


def _new_row(r: int, cols: Iterable[int], render: Render, restyle=None, height=None) -> bytes:
    out = []
    for c in sorted(cols):
        x = render(r, c, None)
        if x:
            out.append(_restyled(x, r, c, restyle) if restyle else x)
    ht = height(r) if height else None
    head = f'<row r="{r + 1}" ht="{ht:g}">' if ht else f'<row r="{r + 1}">'
    return (head + "".join(out) + "</row>").encode("utf-8") if out else b""


def _patch_row(row: str, r: int, boxed: list[tuple[int, int | None]], cols: Iterable[int], render: Render,
               restyle) -> str:
    head = xml.set_attrs(row[:row.index(">") + 1], spans=None)
    have = {c: (cell if CELL_REF.search(" " + cell[2:cell.index(">")]) else xml.set_attrs(cell, r=letters(c) + str(r + 1)))
            for c, cell in row_cells(row)}  # each kept cell names its place: neighbours may come or go
    keep: dict[int, str] = {}
    inside = {c for c in have if covered(c, boxed)}
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
        rm = ROW_NUM.search(row[:row.index(">")])
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
