"""Formulas parsed into trees (the spreadsheet locale's syntax), for the evaluator."""

from __future__ import annotations

import functools
import re

from sheets_plan.sheets.a1 import col_index
from sheets_plan.sheets.references import REFERENCE, REFERENCE_END, SHEET_PREFIX
from .formula_values import ERROR_TEXTS, PARSE_ERROR, FormulaError


# ------------------------------------------------------------------ parsing



@functools.lru_cache(maxsize=2)
def _token_re(comma: bool) -> re.Pattern:
    num = r"\d+(?:,\d+)?(?:[eE][+-]?\d+)?" if comma else r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
    return re.compile(rf"""\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<ref>(?:{SHEET_PREFIX})?(?:{REFERENCE})){REFERENCE_END}
        |(?P<num>{num})|(?P<err>\#N/A|\#[A-Z0-9/]+[!?])|(?P<name>[^\W\d][\w.]*)
        |(?P<op><>|<=|>=|[-+*/^&=<>%(){{}},;\\])|(?P<bad>\S))""", re.VERBOSE)


class _ParseError(Exception):
    pass


def _tokens(body: str, comma: bool) -> list[tuple[str, str]]:
    out = []
    for m in _token_re(comma).finditer(body):
        kind = m.lastgroup
        if kind == "bad":
            raise _ParseError(m.group(kind))
        if kind is not None:
            out.append((kind, m.group(kind)))
    return out + [("end", "")]


@functools.lru_cache(maxsize=4096)
def _ref_node(token: str) -> tuple:
    """("ref", title or None, r0, r1, c0, c1): None ends are open (whole columns or rows)."""
    title, _, body = token.rpartition("!")
    if title.startswith("'"):
        title = title[1:-1].replace("''", "'")
    parts = [re.fullmatch(r"\$?([A-Za-z]*)\$?(\d*)", p).groups() for p in body.split(":")]
    cols = [col_index(c) for c, _ in parts if c]
    rows = [int(r) - 1 for _, r in parts if r]
    r0, r1 = (min(rows), max(rows) + 1) if len(rows) == len(parts) else (rows[0] if rows else 0, None)
    c0, c1 = (min(cols), max(cols) + 1) if cols else (0, None)
    return ("ref", title or None, r0, r1, c0, c1)


_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}
_PREFIX = re.compile(r"^(?:_xlfn\.|_xlws\.)+", re.IGNORECASE)


class _Parser:
    def __init__(self, toks: list[tuple[str, str]], comma: bool):
        self.toks, self.i = toks, 0
        self.arg_sep, self.col_sep = (";", "\\") if comma else (",", ",")

    def peek(self) -> tuple[str, str]:
        return self.toks[self.i]

    def take(self, want: str | None = None) -> tuple[str, str]:
        tok = self.toks[self.i]
        if want is not None and tok != ("op", want):
            raise _ParseError(f"expected {want}")
        self.i += 1
        return tok

    def binary(self, least: int = 1):
        """Operators by precedence climbing; all are left-associative (2^3^2 is 64)."""
        node = self.unary()
        while True:
            kind, op = self.toks[self.i]
            level = _PRECEDENCE.get(op, 0) if kind == "op" else 0
            if level < least:
                return node
            self.i += 1
            node = ("op", op, node, self.binary(level + 1))

    def unary(self):
        if self.peek() in (("op", "-"), ("op", "+")):
            sign = self.take()[1]
            node = self.unary()
            return ("neg", node) if sign == "-" else node
        node = self.primary()
        while self.peek() == ("op", "%"):
            self.take()
            node = ("pct", node)
        return node

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            n = float(value.replace(",", "."))
            return ("lit", int(n) if n.is_integer() and abs(n) < 2 ** 53 else n)
        if kind == "str":
            return ("lit", value[1:-1].replace('""', '"'))
        if kind == "err":
            found = [k for k, t in ERROR_TEXTS.items() if t == value.upper()]
            return ("lit", FormulaError(found[0], f"{value} in the formula") if found else PARSE_ERROR)
        if kind == "ref":
            return _ref_node(value)
        if kind == "name":
            if self.peek() == ("op", "("):
                return self.call(_PREFIX.sub("", value).upper())
            return ("lit", value.upper() == "TRUE") if value.upper() in ("TRUE", "FALSE") else ("name", value)
        if (kind, value) == ("op", "("):
            node = self.binary()
            self.take(")")
            return node
        if (kind, value) == ("op", "{"):
            return self.array()
        raise _ParseError(value)

    def call(self, name: str) -> tuple:
        self.take("(")
        args = []
        if self.peek() == ("op", ")"):
            self.take()
            return ("call", name, ())
        while True:
            args.append(("blank",) if self.peek() in (("op", self.arg_sep), ("op", ")")) else self.binary())
            if self.take()[1] == ")":
                return ("call", name, tuple(args))
            if self.toks[self.i - 1][1] != self.arg_sep:
                raise _ParseError("expected a separator")

    def array(self) -> tuple:
        rows, row = [], [self.binary()]
        while True:
            sep = self.take()[1]
            if sep == "}":
                rows.append(tuple(row))
                break
            if sep == self.col_sep:
                row.append(self.binary())
            elif sep == ";":
                rows.append(tuple(row))
                row = [self.binary()]
            else:
                raise _ParseError("bad array literal")
        if len({len(r) for r in rows}) != 1:
            raise _ParseError("ragged array literal")
        return ("arr", tuple(rows))


def _walk_refs(node):
    tag = node[0]
    if tag in ("ref", "name"):
        yield node
    elif tag == "op":
        yield from _walk_refs(node[2])
        yield from _walk_refs(node[3])
    elif tag in ("neg", "pct"):
        yield from _walk_refs(node[1])
    elif tag == "call":
        for arg in node[2]:
            yield from _walk_refs(arg)
    elif tag == "arr":
        for row in node[1]:
            for item in row:
                yield from _walk_refs(item)


@functools.lru_cache(maxsize=8192)
def parse(formula: str, comma: bool) -> tuple[tuple, tuple]:
    """("=..." text, decimal-comma syntax) -> (tree, the reference and name nodes in it)."""
    try:
        p = _Parser(_tokens(formula.lstrip()[1:], comma), comma)
        node = p.binary()
        if p.peek()[0] != "end":
            raise _ParseError("trailing text")
    except (_ParseError, IndexError, RecursionError):
        return ("lit", PARSE_ERROR), ()
    return node, tuple(dict.fromkeys(_walk_refs(node)))

