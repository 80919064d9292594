"""References inside formulas, moved as rows and columns of a sheet move.

When a person inserts, deletes or moves rows or columns, a spreadsheet
program rewrites every reference to the cells that moved, in every formula of
every tab: ``=Plan!K5`` becomes ``=Plan!L5`` after a column is inserted before
K, a range grows when rows are inserted inside it, and a reference whose cells
are all deleted becomes ``#REF!``. Absolute (``$``) and relative references
move alike; only references into the edited sheet change. Pure: no I/O.

An :class:`IndexMap` says where each row (or column) index goes; the model
builds one per structural edit and calls :func:`remap` on every formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterator

from .a1 import col_index, col_letter, quote_title

__all__ = ["IndexMap", "inserted", "deleted", "moved", "remap", "relocate", "retitle", "references", "substitute",
           "REF_ERROR", "SHEET_PREFIX", "REFERENCE", "REFERENCE_END"]

REF_ERROR = "#REF!"


@dataclass(frozen=True)
class IndexMap:
    """Where indices of one dimension go: ``kind`` is insert, delete or move."""

    kind: str
    start: int
    end: int      # insert: start + count; delete/move: the source's end (exclusive)
    dest: int = 0  # move: the destination index, counted before the move

    @property
    def count(self) -> int:
        return self.end - self.start

    def point(self, i: int) -> int | None:
        """The new index of old index ``i``; None when it was deleted."""
        s, e, k = self.start, self.end, self.count
        if self.kind == "insert":
            return i if i < s else i + k
        if self.kind == "delete":
            return i if i < s else (None if i < e else i - k)
        d = self.dest
        if s <= i < e:
            return i - s + (d - k if d > s else d)
        if d <= i < s:
            return i + k
        if e <= i < d:
            return i - k
        return i

    def span(self, a: int, b: int | None) -> tuple[int, int | None] | None:
        """The new half-open span [a, b) of an old one (b None: open); None when all deleted."""
        if self.kind == "delete":
            s, e, k = self.start, self.end, self.count
            na = a if a < s else (s if a < e else a - k)
            if b is None:
                return na, None
            nb = b if b <= s else (s if b <= e else b - k)
            return (na, nb) if nb > na else None
        if b is None:
            return self.point(a), None
        if self.kind == "insert":
            return self.point(a), self.point(b - 1) + 1
        # a move: the smallest span holding every index of [a, b) where it went (the map is
        # monotone between the block's edges, so the extremes sit at those edges)
        edges = {a, b - 1, self.start, self.start - 1, self.end, self.end - 1, self.dest, self.dest - 1}
        moved_to = [self.point(i) for i in edges if a <= i < b]
        return min(moved_to), max(moved_to) + 1


def inserted(start: int, count: int) -> IndexMap:
    return IndexMap("insert", start, start + count)


def deleted(start: int, end: int) -> IndexMap:
    return IndexMap("delete", start, end)


def moved(start: int, end: int, dest: int) -> IndexMap:
    return IndexMap("move", start, end, dest)


# The one lexer of references in formulas (shift, remap, relocate, retitle, and the emulator's
# parser): a reference with an optional sheet, a cell or cell range (A1, $A$1:B$5, A2:A open at
# the bottom), a column range (K:K) or a row range (3:5). Tried first at each position; then a
# quoted part (a string literal, or a quoted name that is no sheet prefix) is skipped whole, so
# nothing inside a string changes.
SHEET_PREFIX = r"(?:'(?:[^']|'')+'|[^\W\d][\w.]*)!"
_CELLS = (r"(?P<c0>\$?[A-Za-z]{1,3})(?P<r0>\$?\d+)(?::(?P<c1>\$?[A-Za-z]{1,3})(?P<r1>\$?\d+)?)?"
          r"|(?P<cc0>\$?[A-Za-z]{1,3}):(?P<cc1>\$?[A-Za-z]{1,3})"
          r"|(?P<rr0>\$?\d+):(?P<rr1>\$?\d+)")
REFERENCE = re.sub(r"\(\?P<\w+>", "(?:", _CELLS)  # the same alternatives, for a tokenizer's own groups
REFERENCE_END = r"(?![\w.(!])"  # a name or a function goes on: no reference
_REF = re.compile(rf"""(?<![\w.$'"])(?:(?P<sheet>{SHEET_PREFIX[:-1]})!)?(?:{_CELLS}){REFERENCE_END}"""
                  r"""|(?P<quoted>"(?:[^"]|"")*"?|'(?:[^']|'')*'?)""")


def references(formula: str) -> Iterator[re.Match]:
    """The references of a formula as matches (groups: sheet, c0 r0 c1 r1 | cc0 cc1 | rr0 rr1), quoted
    parts left out."""
    return (m for m in _REF.finditer(formula) if m["quoted"] is None)


def substitute(formula: str, change: Callable[[re.Match], str]) -> str:
    """The formula with each reference replaced by ``change(match)``; strings and quoted names stay."""
    return _REF.sub(lambda m: m[0] if m["quoted"] is not None else change(m), formula)


def _col(letters: str) -> int:
    return col_index(letters.lstrip("$"))


def _letters(index: int, anchor: str) -> str:
    return anchor + col_letter(index)


def _row(text: str) -> int:
    return int(text.lstrip("$")) - 1


def _anchor(text: str) -> str:
    return "$" if text.startswith("$") else ""


def _sheet_title(prefix: str) -> str:
    return prefix[1:-1].replace("''", "'") if prefix.startswith("'") else prefix


def remap(formula: str, home: str, target: str, dimension: str, index: IndexMap) -> str:
    """``formula`` (of a cell on sheet ``home``) after ``dimension`` ("ROWS"/"COLUMNS") of
    sheet ``target`` moved as ``index`` says."""
    rows = dimension == "ROWS"

    def one(m: re.Match) -> str:
        if m["quoted"] is not None:
            return m[0]
        sheet = m["sheet"]
        if (_sheet_title(sheet) if sheet else home) != target:
            return m[0]
        prefix = f"{sheet}!" if sheet else ""
        if m["cc0"] is not None:  # whole columns: rows never touch them
            if rows:
                return m[0]
            got = index.span(_col(m["cc0"]), _col(m["cc1"]) + 1)
            return REF_ERROR if got is None else (
                f"{prefix}{_letters(got[0], _anchor(m['cc0']))}:{_letters(got[1] - 1, _anchor(m['cc1']))}")
        if m["rr0"] is not None:  # whole rows
            if not rows:
                return m[0]
            got = index.span(_row(m["rr0"]), _row(m["rr1"]) + 1)
            return REF_ERROR if got is None else (
                f"{prefix}{_anchor(m['rr0'])}{got[0] + 1}:{_anchor(m['rr1'])}{got[1]}")
        c0, r0, c1, r1 = m["c0"], m["r0"], m["c1"], m["r1"]
        if rows:
            first, last = _row(r0), (_row(r1) if r1 else None)
        else:
            first, last = _col(c0), (_col(c1) if c1 else None)
        if c1 is None:  # one cell
            got = index.point(first)
            new = None if got is None else (got, got + 1)
        elif last is None:  # A2:A, open at the bottom: its rows are open, its columns are not
            new = index.span(first, None)
        else:
            new = index.span(min(first, last), max(first, last) + 1)
        if new is None:
            return REF_ERROR
        if rows:
            text = f"{c0}{_anchor(r0)}{new[0] + 1}"
            if c1 is not None:
                text += f":{c1}" + (f"{_anchor(r1)}{new[1]}" if r1 else "")
        else:
            text = f"{_letters(new[0], _anchor(c0))}{r0}"
            if c1 is not None:
                text += f":{_letters(new[1] - 1, _anchor(c1))}{r1 or ''}"
        return prefix + text

    return _REF.sub(one, formula)


def sheet_prefix(title: str) -> str:
    """``'My tab'!`` for a title, as formulas write it."""
    return quote_title(title) + "!"


def relocate(formula: str, home: str, target: str, box: tuple[int, int, int, int], rows: int, cols: int) -> str:
    """``formula`` after the cells of ``box`` (r0, r1, c0, c1, half-open) on sheet ``target``
    were cut and pasted ``rows`` down and ``cols`` right: a reference whose cells all lie in
    the box follows them; any other stays (what Sheets does on cut and paste)."""
    r0, r1, c0, c1 = box

    def inside(col: str, row: str) -> bool:
        return r0 <= _row(row) < r1 and c0 <= _col(col) < c1

    def cell(col: str, row: str) -> str:
        return f"{_letters(_col(col) + cols, _anchor(col))}{_anchor(row)}{_row(row) + rows + 1}"

    def one(m: re.Match) -> str:
        sheet = m["sheet"]
        if m["quoted"] is not None or m["c0"] is None or m["r1"] is None and m["c1"] is not None:
            return m[0]
        if (_sheet_title(sheet) if sheet else home) != target:
            return m[0]
        corners = [(m["c0"], m["r0"])] + ([(m["c1"], m["r1"])] if m["c1"] else [])
        if not all(inside(*corner) for corner in corners):
            return m[0]
        return (f"{sheet}!" if sheet else "") + ":".join(cell(*corner) for corner in corners)

    return _REF.sub(one, formula)


def retitle(formula: str, old: str, new: str | None) -> str:
    """``formula`` after the sheet ``old`` was renamed to ``new`` (None: deleted, and every
    reference into it is ``#REF!``), as Sheets rewrites formulas on both."""

    def one(m: re.Match) -> str:
        sheet = m["sheet"]
        if m["quoted"] is not None or not sheet or _sheet_title(sheet) != old:
            return m[0]
        return REF_ERROR if new is None else sheet_prefix(new) + m[0][len(sheet) + 1:]

    return _REF.sub(one, formula)
