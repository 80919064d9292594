"""A1 ranges as Google reads and names them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheets_plan import model
from sheets_plan.sheets.a1 import col_letter, quote_title, parse_a1
from .errors import ApiError


@dataclass
class Rng:
    """A resolved A1 range: 0-based, half-open; None ends are open (to the grid's end)."""

    sheet: model.Sheet
    r0: int
    r1: int | None
    c0: int
    c1: int | None
    anchor: bool     # a single cell or a whole sheet: a write may extend from its top-left cell
    whole: bool      # the whole sheet
    text: str        # as requested

    def closed(self) -> tuple[int, int, int, int]:
        return (self.r0, self.sheet.rows if self.r1 is None else self.r1,
                self.c0, self.sheet.cols if self.c1 is None else self.c1)

    def name(self) -> str:
        r0, r1, c0, c1 = self.closed()
        return a1_name(self.sheet.title, r0, r1, c0, c1)


_CELL_REF = re.compile(r"^\$?[A-Za-z]{1,3}\$?\d+$")
_SPAN_REF = re.compile(r"^(\$?[A-Za-z]{1,3}\$?\d*|\$?\d+):(\$?[A-Za-z]{1,3}\$?\d*|\$?\d+)$")


def resolve(ss: model.Spreadsheet, text: str) -> Rng:
    """An A1 range as Google reads it: 'Sheet'!A1:B2, Sheet!A:B, Sheet, A1:B2 (first sheet), a named range."""
    bad = ApiError(400, f"Unable to parse range: {text}")
    t = text.strip()
    if not t or not ss.sheets:
        raise bad
    if "!" in t:
        head, _, ref = t.rpartition("!")
        title = head[1:-1].replace("''", "'") if len(head) >= 2 and head[0] == head[-1] == "'" else head
        if not ref:
            raise bad
    else:
        bare = t[1:-1].replace("''", "'") if len(t) >= 2 and t[0] == t[-1] == "'" else t
        if any(s.title == bare for s in ss.sheets):
            title, ref = bare, ""
        else:
            named = _named(ss, t, text)
            if named is not None:
                return named
            title, ref = ss.sheets[0].title, t
    sheet = next((s for s in ss.sheets if s.title == title), None)
    if sheet is None:
        raise bad
    if not ref:
        return Rng(sheet, 0, None, 0, None, True, True, text)
    if not (_CELL_REF.match(ref) or _SPAN_REF.match(ref)):
        named = _named(ss, ref, text)  # 'Sheet1'!NamedRange: a named range of that sheet
        if named is None or named.sheet is not sheet:
            raise bad
        return named
    try:
        a1 = parse_a1("x!" + ref)
    except ValueError:
        raise bad from None
    r0, r1, c0, c1 = a1.start_row or 0, a1.end_row, a1.start_col or 0, a1.end_col
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    return Rng(sheet, r0, r1, c0, c1, ":" not in ref, False, text)


def _named(ss: model.Spreadsheet, name: str, text: str) -> Rng | None:
    """A named range by name (names are case-insensitive in Sheets)."""
    for nr in ss.named_ranges:
        if nr.get("name", "").casefold() == name.casefold():
            gr = nr.get("range", {})
            sheet = ss.sheet(gr.get("sheetId", 0))
            return Rng(sheet, gr.get("startRowIndex", 0), gr.get("endRowIndex"), gr.get("startColumnIndex", 0),
                       gr.get("endColumnIndex"), False, False, text)
    return None


def check_limits(rng: Rng) -> None:
    sheet = rng.sheet
    last_r = rng.r1 if rng.r1 is not None else rng.r0 + 1
    last_c = rng.c1 if rng.c1 is not None else rng.c0 + 1
    if last_r > sheet.rows or last_c > sheet.cols:
        ref = rng.text.rpartition("!")[2] if "!" in rng.text else rng.text
        raise ApiError(400, f"Range ({quote_title(sheet.title)}!{ref}) exceeds grid limits. "
                            f"Max rows: {sheet.rows}, max columns: {sheet.cols}")


def same_range(ss: model.Spreadsheet, text: str, rng: Rng) -> bool:
    other = resolve(ss, text)
    return (other.sheet.id, other.closed()) == (rng.sheet.id, rng.closed())


_SIMPLE_TITLE = re.compile(r"[^\W\d]\w*")
_LOOKS_LIKE_REF = re.compile(r"(?i)[a-z]{1,3}\d+|r\d*c?\d*|true|false")


def google_title(title: str) -> str:
    """A sheet title as Google writes it in A1 ranges: quoted only when it needs quotes."""
    if _SIMPLE_TITLE.fullmatch(title) and not _LOOKS_LIKE_REF.fullmatch(title):
        return title
    return quote_title(title)


def a1_name(title: str, r0: int, r1: int, c0: int, c1: int) -> str:
    """Sheet1!A1:D4, 'My sheet'!B2 (one cell), as Google names a closed range."""
    first = f"{col_letter(c0)}{r0 + 1}"
    if r1 - r0 <= 1 and c1 - c0 <= 1:
        return f"{google_title(title)}!{first}"
    return f"{google_title(title)}!{first}:{col_letter(max(c1 - 1, c0))}{max(r1, r0 + 1)}"

