"""VK's API as a source: likes, comments, reposts and views of wall posts (`wall.getById`), their
reach (`stats.getPostReach`, a community admin's token with the stats permission), and the
community's followers (`groups.getById`, `members_count`), through the `vk_api` client.

All the calls of a run go in `execute` requests of at most 25 calls each (VK's limit): the posts and
the community first, then the reach of the posts VK has, so 500 posts of a community cost two
requests, paced by vk_api within VK's 3 requests a second;
VK's own "too many requests" (error 6) vk_api waits out and retries. A token is never printed: an
error names the community and what to do.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

from sheets_plan.core.post_links import VK, PostLink
from sheets_plan.core.stats import NOT_FOUND, OTHER_ACCOUNT, Followers, PostStats, Refusal
from sheets_plan.errors import RunError

API_VERSION = "5.199"
PER_EXECUTE = 25        # calls per execute (VK's limit)
POSTS_PER_CALL = 100    # wall.getById
REACH_PER_CALL = 300    # stats.getPostReach
NAME = "VK API"


class VkSource:
    """VK's figures for the posts of one project's community. `tokens`: one token for every
    community, or a community's own (``{"-123": token}``); `community`: the project's community
    (``-123``), else the one most of the posts are on; `session`: a requests.Session (tests mount
    the VK emulator on it)."""

    platforms = frozenset({VK})
    name = NAME

    def __init__(self, tokens: dict[str, str], *, community: str | None = None, session=None, pace: bool = True):
        if not tokens:
            raise RunError("VK: no token; set SHEETS_PLAN_VK_TOKEN or pass --vk-credentials FILE")
        self.tokens, self.community, self.session, self.pace = tokens, community, session, pace
        self.requests = 0
        self._cache: dict[str, dict] = {}

    # -------------------------------------------------------------- the Source interface
    def posts(self, links: list[PostLink]) -> dict[PostLink, PostStats | Refusal]:
        mine, others = self._split(links)
        out: dict[PostLink, PostStats | Refusal] = {
            link: Refusal(link, OTHER_ACCOUNT, NAME, f"{link.owner}, not the project's {self.community}") for link in others}
        if not mine:
            return out
        got = self._fetch(self.community, sorted({link.key for link in mine}))
        for link in mine:
            post = got["posts"].get(link.key)
            if post is None:
                out[link] = Refusal(link, NOT_FOUND, NAME, "deleted, or not visible to the token")
                continue
            figures = {"likes": _count(post, "likes"), "comments": _count(post, "comments"),
                       "shares": _count(post, "reposts"), "views": _count(post, "views")}
            figures = {k: v for k, v in figures.items() if v is not None}
            reach = got["reach"].get(link.key)
            if reach is not None:
                figures["reach"] = reach
            missing = tuple(k for k in ("saves", "reach") if k not in figures)
            note = "VK's API gives no saves" + ("" if "reach" in figures else f"; reach: {got['reach_refused']}")
            out[link] = PostStats(link, figures, NAME, missing, note)
        return out

    def followers(self, links: list[PostLink], as_of: dt.date) -> list[Followers]:
        mine, _ = self._split(links)
        if not mine:
            return []
        got = self._cache.get(self.community) or self._fetch(self.community, [])  # posts() asked already, mostly
        count = got.get("members")
        return [] if count is None else [Followers("VK", count, as_of, f"{NAME} (members_count on {as_of:%d.%m.%Y})",
                                                   exact=False)]

    # -------------------------------------------------------------- calls
    def _split(self, links: list[PostLink]) -> tuple[list[PostLink], list[PostLink]]:
        links = [link for link in links if link.platform == VK]
        if self.community is None and links:
            self.community = Counter(link.owner for link in links).most_common(1)[0][0]
        return [k for k in links if k.owner == self.community], [k for k in links if k.owner != self.community]

    def _fetch(self, owner: str, keys: list[str]) -> dict:
        cached = self._cache.get(owner)
        if cached is not None and set(keys) <= cached["asked"]:
            return cached
        calls: list[tuple[str, dict]] = [("wall.getById", {"posts": ",".join(keys[i:i + POSTS_PER_CALL])})
                                         for i in range(0, len(keys), POSTS_PER_CALL)]
        calls.append(("groups.getById", {"group_ids": str(abs(int(owner))), "fields": "members_count"}))
        got = {"asked": set(keys), "posts": {}, "reach": {}, "members": None, "reach_refused": ""}
        for (method, _), (answer, _error) in zip(calls, self._execute(owner, calls)):
            if method == "wall.getById" and answer:
                got["posts"].update({f"{p['owner_id']}_{p['id']}": p for p in answer.get("items", [])})
            elif method == "groups.getById" and answer:
                groups = answer.get("groups", [])
                if groups and groups[0].get("members_count") is not None:
                    got["members"] = int(groups[0]["members_count"])
        # reach only of the posts VK has: a deleted one has no statistics to ask for
        ids = [key.split("_", 1)[1] for key in keys if key in got["posts"]]
        calls = [("stats.getPostReach", {"owner_id": int(owner), "post_ids": ",".join(ids[i:i + REACH_PER_CALL])})
                 for i in range(0, len(ids), REACH_PER_CALL)]
        for answer, error in self._execute(owner, calls) if calls else []:
            if error:
                got["reach_refused"] = _refused(error)
            for stat in answer or []:
                if stat.get("reach_total") is not None:
                    got["reach"][f"{owner}_{stat['post_id']}"] = int(stat["reach_total"])
        self._cache[owner] = got
        return got

    def _execute(self, owner: str, calls: list[tuple[str, dict]]) -> list[tuple[object, dict | None]]:
        """Each call's (answer, error): one execute of the simplest VKScript per 25 calls."""
        import vk_api

        token = self.tokens.get(owner) or self.tokens.get("default")
        if token is None:
            raise RunError(f"VK: no token for the community {owner}; add it to the credentials file")
        session = vk_api.VkApi(token=token, session=self.session, api_version=API_VERSION)
        if not self.pace:
            session.RPS_DELAY = 0
        out: list[tuple[object, dict | None]] = []
        for i in range(0, len(calls), PER_EXECUTE):
            chunk = calls[i:i + PER_EXECUTE]
            code = "return [" + ",".join(f"API.{m}({json.dumps(v, ensure_ascii=False)})" for m, v in chunk) + "];"
            try:
                raw = session.method("execute", {"code": code}, raw=True)
            except vk_api.exceptions.ApiError as e:
                raise RunError(f"VK: {_refused(e.error)} (community {owner})") from None
            except vk_api.exceptions.VkApiError as e:
                raise RunError(f"VK: {type(e).__name__}: the request could not be made") from None
            except OSError as e:  # requests' ConnectionError and the like
                raise RunError(f"VK: cannot reach api.vk.ru ({type(e).__name__})") from None
            self.requests += 1
            errors = iter(raw.get("execute_errors", []))
            out += [(answer, next(errors, {}) if answer is False else None) for answer in raw.get("response", [])]
        return out


def _count(post: dict, key: str) -> int | None:
    value = post.get(key)
    return int(value["count"]) if isinstance(value, dict) and value.get("count") is not None else None


def _refused(error: dict) -> str:
    """VK's error in words a person can act on (never the token)."""
    code = error.get("error_code")
    return {5: "the token was refused (expired or revoked): make a new one",
            6: "too many requests per second",
            15: "the token has no access (a community admin's token with the stats permission reads reach)",
            30: "the community is private",
            100: "a parameter was refused"}.get(code, f"error {code}: {error.get('error_msg', '')}".strip())
