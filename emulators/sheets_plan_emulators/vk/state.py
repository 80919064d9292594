"""The emulator's state: communities, their wall posts with statistics, and access tokens.

Plain records and the rules over them (who sees which post, who may read statistics); the handlers
read it, tests fill it through ``VkEmulator.add_*``. Only community walls are modelled: a user's
wall, reposts and attachments are not.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from vk_api.enums import VkUserPermissions

# The scope names a user token can carry, as vk_api knows them ("wall", "stats", "groups", ...).
SCOPES = frozenset(p.name.lower() for p in VkUserPermissions)
KINDS = ("group", "page", "event")
BY_ID = re.compile(r"(?:club|public|event)(\d+)")   # the screen names VK gives every community by its id


@dataclass
class Community:
    id: int
    name: str
    screen_name: str
    members: int = 0
    closed: bool = False        # a closed group: only members see its wall
    private: bool = False       # a private group: members by invitation only; the wall hidden from others
    kind: str = "group"         # "group" | "page" | "event"

    @property
    def is_closed(self) -> int:
        """VK's ``is_closed``: 0 open, 1 closed, 2 private."""
        return 2 if self.private else 1 if self.closed else 0


@dataclass
class Post:
    """A community's wall post and what VK counts about it (``wall.getById``, ``stats.getPostReach``)."""

    owner_id: int
    id: int
    date: int                   # unix time, as VK sends it
    text: str = ""
    likes: int = 0
    comments: int = 0
    reposts: int = 0
    views: int = 0
    reach: int = 0              # reach_total
    reach_subscribers: int = 0
    reach_ads: int = 0
    links: int = 0
    to_group: int = 0
    join_group: int = 0
    report: int = 0
    hide: int = 0
    unsubscribe: int = 0
    deleted: bool = False

    @property
    def reach_viral(self) -> int:
        """VK splits the total reach into subscribers, viral (through reposts) and ads."""
        return self.reach - self.reach_subscribers - self.reach_ads


@dataclass
class Token:
    """A user access token of an administrator of ``community`` (the owner-admin, admin_level 3)."""

    value: str
    community: int | None
    scopes: frozenset[str]
    expires_at: float | None    # on the emulator's clock; None: an offline token
    sent: list[float] = field(default_factory=list)   # when its recent requests were served (rate limit)

    def admin_of(self, community_id: int) -> bool:
        return self.community == community_id


def unix(date: datetime.datetime | int) -> int:
    """A post's date as VK sends it. A naive datetime is refused: its meaning would be the test machine's zone."""
    if isinstance(date, bool) or not isinstance(date, (int, datetime.datetime)):
        raise TypeError(f"date must be a timezone-aware datetime or unix seconds, not {date!r}")
    if isinstance(date, int):
        return date
    if date.tzinfo is None or date.utcoffset() is None:
        raise ValueError(f"date {date} has no timezone: give tzinfo (VK dates are absolute unix times)")
    return int(date.timestamp())


class World:
    """Everything the handlers read: communities by id, posts by (owner_id, post_id), tokens by value."""

    def __init__(self) -> None:
        self.communities: dict[int, Community] = {}
        self.posts: dict[tuple[int, int], Post] = {}
        self.tokens: dict[str, Token] = {}

    def add_community(self, community: Community) -> None:
        if community.id <= 0 or community.id in self.communities:
            raise ValueError(f"community id {community.id} must be positive and new")
        if community.kind not in KINDS:
            raise ValueError(f"community kind {community.kind!r} is not one of {KINDS}")
        by_id = BY_ID.fullmatch(community.screen_name)
        if self.find_community(community.screen_name) is not None or (by_id and int(by_id[1]) != community.id):
            raise ValueError(f"screen name {community.screen_name!r} is taken")
        self.communities[community.id] = community

    def add_post(self, post: Post) -> None:
        if post.owner_id >= 0 or -post.owner_id not in self.communities:
            raise ValueError(f"owner_id {post.owner_id}: only the walls of added communities (-id) are modelled")
        if post.id <= 0 or (post.owner_id, post.id) in self.posts:
            raise ValueError(f"post {post.owner_id}_{post.id} must have a positive, new id")
        if not 0 <= post.reach_subscribers + post.reach_ads <= post.reach:
            raise ValueError("reach must cover reach_subscribers + reach_ads")
        self.posts[(post.owner_id, post.id)] = post

    def add_token(self, token: Token) -> None:
        unknown = token.scopes - SCOPES
        if unknown:
            raise ValueError(f"unknown scopes {sorted(unknown)}; VK's are {sorted(SCOPES)}")
        if token.community is not None and token.community not in self.communities:
            raise ValueError(f"community {token.community} was not added")
        self.tokens[token.value] = token

    def find_community(self, ref: int | str) -> Community | None:
        """By id, or by screen name as VK accepts in group_ids: its own ("coffee") or the one every
        community has by id ("club123", "public123", "event123")."""
        if isinstance(ref, int):
            return self.communities.get(ref)
        by_id = BY_ID.fullmatch(ref)
        if by_id:
            return self.communities.get(int(by_id[1]))
        return next((c for c in self.communities.values() if c.screen_name == ref), None)

    def visible_post(self, owner_id: int, post_id: int, token: Token) -> Post | None:
        """The post if it exists, is not deleted and the token's user may see it (VK leaves the others out)."""
        post = self.posts.get((owner_id, post_id))
        if post is None or post.deleted:
            return None
        community = self.communities[-owner_id]
        if community.is_closed and not token.admin_of(community.id):
            return None  # a closed or private wall is for members; the modelled user is a member of its own only
        return post
