"""A list request's query as AmoCRM reads it: ``filter[updated_at][from]=…``, ``filter[id][]=…``,
``order[id]=asc``, ``with=contacts``, ``page``, ``limit``."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

_PART = re.compile(r"\[([^\]]*)\]")


def read(query: str) -> dict:
    """Nested dicts; ``[]`` and numeric keys make lists."""
    out: dict = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        head = key.split("[", 1)[0]
        parts = [head, *_PART.findall(key[len(head):])]
        node = out
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            following = None if last else parts[i + 1]
            if isinstance(node, list):
                if last:
                    node.append(value)
                break
            if last:
                node[part] = value
            else:
                want_list = following == "" or following.isdigit()
                node = node.setdefault(part, [] if want_list else {})
    return out


def ints(value) -> set[int]:
    """A filter that takes one id or a list of them."""
    values = value if isinstance(value, list) else [value]
    return {int(v) for v in values}


def span(value) -> tuple[int | None, int | None]:
    """``filter[x]=ts`` (from ts on) or ``filter[x][from]=…&filter[x][to]=…``, inclusive."""
    if isinstance(value, dict):
        return (int(value["from"]) if value.get("from") else None, int(value["to"]) if value.get("to") else None)
    return int(value), None
