"""The one interface every statistics source implements: posts in, figures out."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sheets_plan.core.post_links import PostLink
from sheets_plan.core.stats import Followers, PostStats, Refusal


class Source(Protocol):
    name: str                 # said in the listing and in each imported cell's note
    platforms: frozenset[str]  # the link platforms it can answer for (core.post_links: vk, instagram, telegram)

    def posts(self, links: list[PostLink]) -> dict[PostLink, PostStats | Refusal]:
        """Each asked post's figures, or why there are none. A post it knows nothing of may be left out."""

    def followers(self, links: list[PostLink], as_of: dt.date) -> list[Followers]:
        """The followers of the accounts the posts are on, as far as the source knows them."""


def answer_all(sources: list[Source], due: list[PostLink], every: list[PostLink], as_of: dt.date
               ) -> tuple[dict[PostLink, PostStats | Refusal], list[Followers]]:
    """Ask each source for the due posts of its platforms, and the followers of the accounts all the
    plan's posts are on. The first answer with figures wins (a file the person gave beats the API); a
    refusal stands only where no source has figures; a platform's followers come from one source."""
    found: dict[PostLink, PostStats | Refusal] = {}
    followers: list[Followers] = []
    for source in sources:
        mine = [link for link in due if link.platform in source.platforms and not isinstance(found.get(link), PostStats)]
        for link, answer in (source.posts(mine) if mine else {}).items():
            if isinstance(answer, PostStats) or link not in found:
                found[link] = answer
        known = {f.platform.lower() for f in followers}
        accounts = [link for link in every if link.platform in source.platforms]
        followers += [f for f in (source.followers(accounts, as_of) if accounts else [])
                      if f.platform.lower() not in known]
    return found, followers
