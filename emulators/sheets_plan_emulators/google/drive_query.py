"""Drive's ``q`` search language and ``orderBy``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable

from .errors import invalid

FOLDER = "application/vnd.google-apps.folder"
SPREADSHEET = "application/vnd.google-apps.spreadsheet"

# ----------------------------------------------------------------------------- q language

_QTOKEN = re.compile(r"""\s*(?:('(?:[^'\\]|\\.)*')|("(?:[^"\\]|\\.)*")|(!=|<=|>=|[=<>(){}])|([A-Za-z_][\w.]*))""")


def _tokenize(q: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        m = _QTOKEN.match(q, pos)
        if not m:
            raise invalid("q")
        pos = m.end()
        single, double, op, word = m.groups()
        if single or double:
            raw = (single or double)[1:-1]
            out.append(("str", re.sub(r"\\(.)", r"\1", raw)))
        elif op:
            out.append(("op", op))
        else:
            out.append(("word", word))
    return out


Predicate = Callable[[dict], bool]


def parse_query(q: str) -> Predicate:
    """Compile the supported subset of Drive's ``q`` into a predicate.

    Terms: ``'id' in parents`` (and gspread's ``parents in 'id'``),
    ``trashed``/``starred = true|false``, ``mimeType``/``name`` ``=``/``!=``,
    ``name contains '...'``, ``createdTime``/``modifiedTime`` comparisons,
    ``appProperties has { key='k' and value='v' }`` (also ``properties``),
    joined with ``and``/``or``/``not`` and parentheses. Anything else: 400.
    """
    toks = Tokens(_tokenize(q))
    if toks.done():
        return lambda f: True
    predicate = _expr(toks)
    if not toks.done():
        raise invalid("q")
    return predicate


class Tokens:
    """The query's tokens and the parser's position in them; anything unexpected is a 400."""

    def __init__(self, toks: list[tuple[str, str]]):
        self.toks, self.pos = toks, 0

    def done(self) -> bool:
        return self.pos == len(self.toks)

    def peek(self, offset: int = 0) -> tuple[str | None, str | None]:
        return self.toks[self.pos + offset] if self.pos + offset < len(self.toks) else (None, None)

    def take(self, kind: str | None = None, value: str | None = None) -> str:
        k, v = self.peek()
        if k is None or (kind and k != kind) or (value and (v or "").lower() != value.lower()):
            raise invalid("q")
        self.pos += 1
        return v

    def is_word(self, value: str) -> bool:
        k, v = self.peek()
        return k == "word" and v.lower() == value


# The grammar, one function a level, loosest first:
#   expr := conj ("or" conj)*;  conj := neg ("and" neg)*;  neg := "not" neg | atom;
#   atom := "(" expr ")" | 'value' "in" target | field term (by the field: ``_TERMS``).

def _chain(toks: Tokens, word: str, operand: Callable[[Tokens], Predicate], join) -> Predicate:
    """operand (word operand)*, folded left with join."""
    left = operand(toks)
    while toks.is_word(word):
        toks.take()
        right = operand(toks)
        left = (lambda a, b: lambda f: join(a(f), b(f)))(left, right)
    return left


def _expr(toks: Tokens) -> Predicate:
    return _chain(toks, "or", _conj, lambda a, b: a or b)


def _conj(toks: Tokens) -> Predicate:
    return _chain(toks, "and", _neg, lambda a, b: a and b)


def _neg(toks: Tokens) -> Predicate:
    if toks.is_word("not"):
        toks.take()
        inner = _neg(toks)
        return lambda f: not inner(f)
    return _atom(toks)


def _atom(toks: Tokens) -> Predicate:
    k, v = toks.peek()
    if k == "op" and v == "(":
        toks.take()
        inner = _expr(toks)
        toks.take("op", ")")
        return inner
    if k == "str":
        value = toks.take()
        toks.take("word", "in")
        target = toks.take("word")
        if target not in ("parents", "owners", "writers", "readers"):
            raise invalid("q")
        return lambda f: value in f.get(target, [])
    field = toks.take("word")
    term = _TERMS.get(field)
    if term is None:
        raise invalid("q")
    return term(toks, field)


def _parents(toks: Tokens, field: str) -> Predicate:
    """``parents in 'id'`` (gspread's order of the words)."""
    toks.take("word", "in")
    value = toks.take("str")
    return lambda f: value in f.get("parents", [])


def _has(toks: Tokens, field: str) -> Predicate:
    """``appProperties has { key='k' and value='v' }``."""
    toks.take("word", "has")
    toks.take("op", "{")
    toks.take("word", "key")
    toks.take("op", "=")
    key = toks.take("str")
    toks.take("word", "and")
    toks.take("word", "value")
    toks.take("op", "=")
    value = toks.take("str")
    toks.take("op", "}")
    return lambda f: f.get(field, {}).get(key) == value


def _flag(toks: Tokens, field: str) -> Predicate:
    """``trashed = true``, ``starred != false``."""
    op = toks.take("op")
    value = toks.take("word").lower()
    if op not in ("=", "!=") or value not in ("true", "false"):
        raise invalid("q")
    want = value == "true"
    return lambda f: (bool(f.get(field)) == want) == (op == "=")


def _text(toks: Tokens, field: str) -> Predicate:
    """``mimeType = '...'``, ``name != '...'``, ``name contains '...'`` (case-insensitive)."""
    k, op = toks.peek()
    if k == "word" and op == "contains" and field in ("name", "fullText"):
        toks.take()
        value = toks.take("str").lower()
        return lambda f: value in f.get("name", "").lower()
    op = toks.take("op")
    value = toks.take("str")
    if op == "=":
        return lambda f: f.get(field) == value
    if op == "!=":
        return lambda f: f.get(field) != value
    raise invalid("q")


_COMPARE = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
            "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}


def _time(toks: Tokens, field: str) -> Predicate:
    """``modifiedTime > '2026-03-02T00:00:00'`` (RFC 3339, UTC unless it says otherwise)."""
    op = toks.take("op")
    value = _parse_time(toks.take("str"))
    compare = _COMPARE.get(op)
    if compare is None:
        raise invalid("q")
    return lambda f: compare(_parse_time(f[field]), value)


_TERMS: dict[str, Callable[[Tokens, str], Predicate]] = {
    "parents": _parents, "appProperties": _has, "properties": _has, "trashed": _flag, "starred": _flag,
    "mimeType": _text, "name": _text, "fullText": _text, "createdTime": _time, "modifiedTime": _time}


def _parse_time(text: str) -> dt.datetime:
    try:
        t = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise invalid("q") from None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def order(items: list[dict], order_by: str | None) -> list[dict]:
    if not order_by:
        return items
    keys = []
    for part in reversed(split(order_by)):
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower()
        if name not in ("name", "name_natural", "createdTime", "modifiedTime", "folder") or \
                direction not in ("", "asc", "desc"):
            raise invalid("orderBy")
        keys.append((name, direction == "desc"))
    items = list(items)
    for name, desc in keys:
        if name == "folder":
            items.sort(key=lambda f: f["mimeType"] != FOLDER, reverse=desc)
        else:
            field = "name" if name == "name_natural" else name
            items.sort(key=lambda f: f.get(field, ""), reverse=desc)
    return items
