"""batchUpdate bodies within the size Google recommends: at most 2 MB a request.

A write the tool sends as one batchUpdate stays one request while it fits, which is every
write of a project of ordinary size (docs/benchmarks.md). Over the bound, it is sent as
several requests, in order, each under the bound: requests are packed greedily, and an
``updateCells`` with more rows than fit is cut into several, by rows. Why that is safe
(docs/architecture.md, "Writes over 2 MB"): every write the tool makes is idempotent (its
own tabs rebuilt whole, computed columns written where they lack the formula, fixes and
stats only where a cell still holds what was listed or is empty) and the Log entry, the
write's last request, lands only once everything before it has: a run cut short by a
failure is finished by the next run, and nothing an admin typed is lost either way.
"""

from __future__ import annotations

import json
from typing import Callable

MAX_BODY = 2_000_000  # bytes of UTF-8 JSON, as the Sheets API's limits page recommends

# the bytes of `{"requests":[...]}` around the requests, and the comma between two
_ENVELOPE = len('{"requests":[]}')


def request_size(request: dict) -> int:
    """Bytes of one request in a body as sent (UTF-8 JSON, no spaces)."""
    return len(json.dumps(request, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def batches(requests: list[dict], limit: int = MAX_BODY,
            size: Callable[[dict], int] = request_size) -> list[list[dict]]:
    """The requests as consecutive batches whose bodies are each at most `limit` bytes (one batch
    when they fit). A single request over the bound that cannot be cut stays a batch of its own."""
    out: list[list[dict]] = [[]]
    used = _ENVELOPE
    for request in requests:
        for part in _cut(request, limit - _ENVELOPE, size):
            n = size(part) + (1 if out[-1] else 0)
            if out[-1] and used + n > limit:
                out.append([])
                used, n = _ENVELOPE, size(part)
            out[-1].append(part)
            used += n
    return [b for b in out if b]


def _cut(request: dict, room: int, size: Callable[[dict], int]) -> list[dict]:
    """An updateCells that fits whole, or its rows in pieces that each fit."""
    cells = request.get("updateCells")
    if not cells or "start" not in cells or size(request) <= room or len(cells.get("rows", [])) < 2:
        return [request]
    rows, start = cells["rows"], cells["start"]
    half = len(rows) // 2
    first = {**cells, "rows": rows[:half]}
    second = {**cells, "rows": rows[half:], "start": {**start, "rowIndex": start.get("rowIndex", 0) + half}}
    return _cut({"updateCells": first}, room, size) + _cut({"updateCells": second}, room, size)
