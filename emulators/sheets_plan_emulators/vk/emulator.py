"""The VkEmulator: what tests call (set-up without HTTP, the fault hook, counts, a session) over the
request pipeline (``pipeline``) and the handlers (``methods``), which share one ``World``."""

from __future__ import annotations

import datetime
import time
from types import EllipsisType
from typing import Any, Callable

import requests

from .errors import SchemaProblem
from .methods import Handler, Methods
from .pipeline import Pipeline
from .state import Community, Post, Token, World, unix
from .transport import Adapter, Fault, NoNetwork, VkRequest

# vk_api 11.10 calls api.vk.ru; the older host still answers at VK.
API_URLS = ("https://api.vk.ru/", "https://api.vk.com/")


class VkEmulator(Pipeline):
    """VK's API 5.199 in memory, strict like VK: see the package's docstring."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic):
        """``clock``: seconds, for token expiry and the requests-per-second limit; inject one to move time.
        An injected clock must move when the client waits, or a client retrying error 6 never gets
        through: in tests, make vk_api's ``time.sleep`` advance it (``vk_api.vk_api.time``)."""
        self.world = World()
        self.clock = clock
        self.requests: list[VkRequest] = []
        self.schema_errors: list[SchemaProblem] = []
        self.fault: Fault | None = None
        self.handlers: dict[str, Handler] = Methods(self.world).routes()

    # ------------------------------------------------------------------ set-up (no HTTP)
    def add_community(self, community_id: int, name: str, *, screen_name: str | None = None, members: int = 0,
                      closed: bool = False, private: bool = False, kind: str = "group") -> Community:
        """A community (group id, positive). ``closed``/``private``: its wall is for members only; ``kind``:
        "group", "page" or "event". The screen name defaults to VK's ``club{id}``."""
        community = Community(community_id, name, screen_name or f"club{community_id}", members, closed, private, kind)
        self.world.add_community(community)
        return community

    def add_post(self, owner_id: int, post_id: int, *, date: datetime.datetime | int, **counts: Any) -> Post:
        """A post on a community's wall (``owner_id`` = -community id). ``date``: a timezone-aware datetime
        or unix seconds. ``counts``: text, likes, comments, reposts, views, reach, reach_subscribers,
        reach_ads, links, to_group, join_group, report, hide, unsubscribe, deleted (``state.Post``)."""
        post = Post(owner_id, post_id, unix(date), **counts)
        self.world.add_post(post)
        return post

    def delete_post(self, owner_id: int, post_id: int) -> None:
        """The post is deleted: wall.getById leaves it out."""
        self.world.posts[(owner_id, post_id)].deleted = True

    def add_token(self, value: str, *, community: int | None = None, scopes: set[str] | frozenset[str] = frozenset(),
                  expires_in: float | None = None) -> Token:
        """A user access token of an administrator of ``community`` (None: a user who administers none),
        with VK's scope names ("wall", "stats", "groups"...). ``expires_in``: seconds from now on the clock."""
        expires_at = None if expires_in is None else self.clock() + expires_in
        token = Token(value, community, frozenset(scopes), expires_at)
        self.world.add_token(token)
        return token

    # ------------------------------------------------------------------ behaviour hooks, counts
    def inject(self, fault: Fault | None) -> None:
        """Install a fault hook: called with each call (``VkRequest``; an execute's calls too, with
        ``batched``) after authentication and the rate limit; returns a VK error code to answer instead
        (6, 9, 10...) or None to serve. ``inject(None)`` removes it."""
        self.fault = fault

    def count(self, method: str | None = None, *, error: int | None | EllipsisType = ...,
              batched: bool | None = None) -> int:
        """How many calls were received: of one method; answered with one error code (``error=None``:
        answered without one); inside an execute or not (``batched=False``: the HTTP requests)."""
        return sum(1 for r in self.requests
                   if (method is None or r.method == method) and (error is ... or r.error == error)
                   and (batched is None or r.batched == batched))

    # ------------------------------------------------------------------ clients
    def session(self) -> requests.Session:
        """A Session whose VK API traffic goes to this emulator; any other host raises ConnectionError."""
        session = requests.Session()
        blocked = NoNetwork("VK emulator")  # anything that is not VK's API must not leave the test
        session.mount("https://", blocked)
        session.mount("http://", blocked)
        adapter = Adapter(self.handle)
        for url in API_URLS:
            session.mount(url, adapter)
        return session
