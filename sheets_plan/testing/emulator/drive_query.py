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


def parse_query(q: str) -> Callable[[dict], bool]:
    """Compile the supported subset of Drive's ``q`` into a predicate.

    Terms: ``'id' in parents`` (and gspread's ``parents in 'id'``),
    ``trashed``/``starred = true|false``, ``mimeType``/``name`` ``=``/``!=``,
    ``name contains '...'``, ``createdTime``/``modifiedTime`` comparisons,
    ``appProperties has { key='k' and value='v' }`` (also ``properties``),
    joined with ``and``/``or``/``not`` and parentheses. Anything else: 400.
    """
    toks = _tokenize(q)
    pos = 0

    def peek(offset: int = 0):
        return toks[pos + offset] if pos + offset < len(toks) else (None, None)

    def take(kind: str | None = None, value: str | None = None) -> str:
        nonlocal pos
        k, v = peek()
        if k is None or (kind and k != kind) or (value and (v or "").lower() != value.lower()):
            raise invalid("q")
        pos += 1
        return v

    def is_word(value: str) -> bool:
        k, v = peek()
        return k == "word" and v.lower() == value

    def chain(word: str, operand, join):
        """operand (word operand)*, folded left with join."""
        left = operand()
        while is_word(word):
            take()
            right = operand()
            left = (lambda a, b: lambda f: join(a(f), b(f)))(left, right)
        return left

    def expr():
        return chain("or", conj, lambda a, b: a or b)

    def conj():
        return chain("and", neg, lambda a, b: a and b)

    def neg():
        if is_word("not"):
            take()
            inner = neg()
            return lambda f: not inner(f)
        return atom()

    def atom():
        k, v = peek()
        if k == "op" and v == "(":
            take()
            inner = expr()
            take("op", ")")
            return inner
        if k == "str":
            value = take()
            take("word", "in")
            target = take("word")
            if target not in ("parents", "owners", "writers", "readers"):
                raise invalid("q")
            return lambda f: value in f.get(target, [])
        field = take("word")
        if field == "parents":
            take("word", "in")
            value = take("str")
            return lambda f: value in f.get("parents", [])
        if field in ("appProperties", "properties"):
            take("word", "has")
            take("op", "{")
            take("word", "key")
            take("op", "=")
            key = take("str")
            take("word", "and")
            take("word", "value")
            take("op", "=")
            value = take("str")
            take("op", "}")
            return lambda f: f.get(field, {}).get(key) == value
        if field in ("trashed", "starred"):
            op = take("op")
            value = take("word").lower()
            if op not in ("=", "!=") or value not in ("true", "false"):
                raise invalid("q")
            want = value == "true"
            return lambda f: (bool(f.get(field)) == want) == (op == "=")
        if field in ("mimeType", "name", "fullText"):
            k, op = peek()
            if k == "word" and op == "contains" and field in ("name", "fullText"):
                take()
                value = take("str").lower()
                return lambda f: value in f.get("name", "").lower()
            op = take("op")
            value = take("str")
            if op == "=":
                return lambda f: f.get(field) == value
            if op == "!=":
                return lambda f: f.get(field) != value
            raise invalid("q")
        if field in ("createdTime", "modifiedTime"):
            op = take("op")
            value = _parse_time(take("str"))
            compare = {"=": lambda a, b: a == b, "!=": lambda a, b: a != b, "<": lambda a, b: a < b,
                       "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}.get(op)
            if compare is None:
                raise invalid("q")
            return lambda f: compare(_parse_time(f[field]), value)
        raise invalid("q")

    if not toks:
        return lambda f: True
    predicate = expr()
    if pos != len(toks):
        raise invalid("q")
    return predicate


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
