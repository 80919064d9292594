"""Field masks, as batchUpdate requests carry them: which fields of a body a request sets.

Shared by every kind of request that takes ``fields`` (sheet and spreadsheet properties,
cells, dimension properties, groups).
"""

from __future__ import annotations

import copy
import functools


@functools.lru_cache(maxsize=256)
def cell_mask(mask: str) -> tuple[tuple[str, str], ...]:
    """A CellData field mask, split once per distinct mask: ((top, rest), ...)."""
    fields = split_fields(mask, {}, ("userEnteredValue", "userEnteredFormat", "note", "dataValidation", "textFormatRuns"))
    return tuple((f.partition(".")[0], f.partition(".")[2]) for f in fields)


def split_fields(mask: str, data: dict, star: tuple[str, ...] | None = None) -> list[str]:
    """Split a request's field mask; '*' means every field of `data` (or `star`)."""
    if mask.strip() == "*":
        return list(star or data.keys())
    out, depth, cur = [], 0, ""
    for ch in mask:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    # Google takes "/" between a field's parts as well as "." (gridProperties/rowCount).
    out = [item.replace("/", ".") for item in out]
    # Sub-selections, as gspread sends them: "userEnteredFormat(textFormat,padding)"
    # means "userEnteredFormat.textFormat,userEnteredFormat.padding".
    expanded = []
    for item in out:
        head, paren, inner = item.partition("(")
        if paren and inner.rstrip().endswith(")"):
            expanded += [f"{head.strip()}.{sub}" for sub in split_fields(inner.rstrip()[:-1], {})]
        else:
            expanded.append(item)
    return expanded


def merge_fields(target: dict, source: dict, mask: str):
    """Copy the masked (dotted) fields from source into target."""
    for f in split_fields(mask, source):
        path = f.split(".")
        src, dst = source, target
        for key in path[:-1]:
            src = src.get(key, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(key, {})
        if path[-1] in src:
            dst[path[-1]] = copy.deepcopy(src[path[-1]])
        else:
            dst.pop(path[-1], None)


def merge_format(current: dict | None, new: dict | None, sub: str) -> dict | None:
    if not sub:
        return copy.deepcopy(new) or None
    out = copy.deepcopy(current) or {}
    merge_fields(out, new or {}, sub)
    return out or None
