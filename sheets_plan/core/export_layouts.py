"""The column layouts of the statistics exports people download (Meta Business Suite, TGStat,
Popsters, LiveDune...), as the template lists them: which header holds a post's link, its date, its
account, and each statistic, in the languages those tools export in.

A file's layout is the one whose headers it holds most of, so a team whose tool exports other headers adds a layout
to its template (``[[exports]]``), no code. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

STATS = ("likes", "comments", "saves", "shares", "reach", "views")
_PUNCTUATION = re.compile(r"[«»\"'“”„()\[\].,:;_\-–—/]+")


def header_key(text) -> str:
    """A header as compared: letter case, quotes, punctuation and spacing aside."""
    return " ".join(_PUNCTUATION.sub(" ", str(text)).casefold().split()) if text is not None else ""


@dataclass(frozen=True)
class ExportLayout:
    name: str
    platform: str                       # the plan's platform the file's posts are on
    link: tuple[str, ...]               # header names of the post's link
    stats: dict[str, tuple[str, ...]]   # stat -> its header names
    date: tuple[str, ...] = ()
    account: tuple[str, ...] = ()
    followers: tuple[str, ...] = ()     # a column of followers (a per-day export), with `date`

    def columns(self, header: list) -> dict[str, int] | None:
        """Where each known column stands in this header row (None: the file is not of this layout:
        no link column, or no statistic)."""
        keys = [header_key(h) for h in header]

        def find(names: tuple[str, ...]) -> int | None:
            wanted = {header_key(n) for n in names}
            return next((i for i, k in enumerate(keys) if k in wanted), None)

        where = {"link": find(self.link)}
        where |= {stat: find(names) for stat, names in self.stats.items()}
        where |= {"date": find(self.date), "account": find(self.account), "followers": find(self.followers)}
        found = {k: v for k, v in where.items() if v is not None}
        posts = "link" in found and any(s in found for s in self.stats)
        return found if posts or {"date", "followers"} <= set(found) else None


def load_layouts(raw, fail: Callable[[str, str], None], platforms: tuple[str, ...]) -> tuple[ExportLayout, ...]:
    """The template's ``[[exports]]``, each checked; `fail(where, why)` raises the template's error."""
    if not isinstance(raw, list):
        fail("exports", "must be a list of tables ([[exports]])")
    out = []
    for i, entry in enumerate(raw):
        where = f"exports[{i}]"
        if not isinstance(entry, dict):
            fail(where, "must be a table")
        unknown = set(entry) - {"name", "platform", "link", "date", "account", "followers", "stats"}
        if unknown:
            fail(f"{where}.{sorted(unknown)[0]}", "unknown key")
        # a file of posts (link, stats) or of an account's followers by day (date, followers)
        needed = ("name", "platform") + (("date",) if "followers" in entry else ("link", "stats"))
        for key in needed:
            if key not in entry:
                fail(f"{where}.{key}", "missing")
        if entry["platform"] not in platforms:
            fail(f"{where}.platform", f"unknown platform {entry['platform']!r}; one of {', '.join(platforms)}")
        stats = entry.get("stats", {})
        if not isinstance(stats, dict) or (not stats and "link" in entry) or set(stats) - set(STATS):
            fail(f"{where}.stats", f"must be a table of header names per statistic ({', '.join(STATS)})")
        names = {k: _names(entry.get(k, []), f"{where}.{k}", fail) for k in ("link", "date", "account", "followers")}
        out.append(ExportLayout(str(entry["name"]), entry["platform"], names["link"],
                                {k: _names(v, f"{where}.stats.{k}", fail) for k, v in stats.items()},
                                names["date"], names["account"], names["followers"]))
    return tuple(out)


def _names(value, where: str, fail) -> tuple[str, ...]:
    value = [value] if isinstance(value, str) else value
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(where, "must be a header name or a list of them")
    return tuple(value)
