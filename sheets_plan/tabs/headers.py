"""Where a table tab's columns are, as people left its header row: moved, renamed, deleted.

Pure: no I/O.
"""

from __future__ import annotations

from sheets_plan.core.cells import norm
from sheets_plan.core.template import Tab
from sheets_plan.errors import RunError
from .advice import advice


def header_positions(tab: Tab, header: list) -> dict[str, int]:
    """Where each template column is in a tab as people left it.

    A column is found by its header in any locale, wherever it was moved. A
    missing one goes back to its template place if that header cell is
    empty (a deleted header), else to the first free column on the right:
    a repair never writes over a column that people use.
    """
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if h not in (None, ""):
            seen.setdefault(norm(h), i)
    found = {}
    for c in tab.columns:
        hits = [seen[norm(label)] for label in c.labels.values() if norm(label) in seen]
        if hits:
            found[c.key] = hits[0]
    found.update(renamed_headers(tab, header, found))
    taken = set(seen.values())
    nxt = max([len(header), *(p + 1 for p in taken)], default=0)
    for i, c in enumerate(tab.columns):
        if c.key in found:
            continue
        if i not in taken:
            found[c.key] = i
        else:
            found[c.key] = nxt
            nxt += 1
        taken.add(found[c.key])
    return found


def renamed_headers(tab: Tab, header: list, found: dict[str, int] | None = None) -> dict[str, int]:
    """Tool columns whose header a person renamed ("Статус" → "Статус поста"): a missing column
    whose template neighbours stand either side of one header the template does not know (or,
    for the first column, just before the next one). Their positions; provision writes the tool's
    name back there, rather than add an empty second column that every row would be flagged for."""
    known = {norm(label) for c in tab.columns for label in c.labels.values()}
    if found is None:  # where each tool header is (its first cell)
        found = {}
        for c in tab.columns:
            hits = [i for i, h in enumerate(header) if h not in (None, "") and norm(h) in
                    {norm(label) for label in c.labels.values()}]
            if hits:
                found[c.key] = hits[0]

    def stranger(i: int) -> bool:
        return 0 <= i < len(header) and header[i] not in (None, "") and norm(header[i]) not in known

    keys = [c.key for c in tab.columns]
    out = {}
    for i, key in enumerate(keys):
        if key in found:
            continue
        before = found.get(keys[i - 1]) if i else -1
        after = found.get(keys[i + 1]) if i + 1 < len(keys) else None
        if before is not None and after is not None and after == before + 2 and stranger(before + 1):
            out[key] = before + 1
    return out


def has_column(tab: Tab, key: str, header: list) -> bool:
    """Whether a tab's header row (as people left it) has the column's header, in any locale."""
    labels = {norm(label) for label in tab.column(key).labels.values()}
    return any(h not in (None, "") and norm(h) in labels for h in header)


def header_problem(tab, grid, locale: str = "en"):
    """Refuse a table tab whose header row is not where a repair could safely write.

    Writing headers into row 1 when the real header stands lower, or twice,
    would put a second "Date" column beside the person's and flag every row."""
    keys = {norm(label): c.key for c in tab.columns for label in c.labels.values()}

    def hits(row) -> list[str]:
        return [keys[norm(v)] for v in row if v not in (None, "") and norm(v) in keys]

    first = hits(grid.values[0]) if grid.values else []
    twice = sorted({k for k in first if first.count(k) > 1})
    if twice:
        raise RunError(advice(locale, "header_twice", title=grid.title, label=tab.column(twice[0]).label(locale)))
    enough = max(3, len(tab.columns) // 2)
    for n, row in enumerate(grid.values[1:1000], 2):  # where a header row lands by mistake
        if len(set(hits(row))) >= enough:
            again = len(set(first)) >= enough
            raise RunError(advice(locale, "header_again" if again else "header_below", title=grid.title, row=n))
