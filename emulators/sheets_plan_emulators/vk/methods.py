"""Thin handlers of the emulated methods: typed parameters and the token in, VK 5.199's answer out.

Each reads and shapes the ``World``; the pipeline has already authenticated, rate-limited and read
the parameters against the schema, and checks the answer against it afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from .errors import NotEmulated, VkError, invalid
from .state import Community, Post, Token, World

POST_REF = re.compile(r"(-?\d+)_(\d+)")   # "-123_45": owner id, post id
MAX_POSTS, MAX_STAT_POSTS, MAX_GROUPS = 100, 300, 500   # VK's limits per call (dev.vk.com)
GROUP_FIELDS = frozenset({"members_count"})   # the `fields` of groups.getById the emulator models


@dataclass
class Call:
    """One method call as a handler sees it."""

    method: str
    params: dict[str, Any]      # read against the schema: ints, lists, flags
    token: Token


Handler = Callable[[Call], Any]


class Methods:
    """``wall.getById``, ``stats.getPostReach``, ``groups.getById`` over one ``World``."""

    def __init__(self, world: World):
        self.world = world

    def routes(self) -> dict[str, Handler]:
        return {"wall.getById": self.wall_get_by_id, "stats.getPostReach": self.stats_get_post_reach,
                "groups.getById": self.groups_get_by_id}

    # ------------------------------------------------------------------ wall
    def wall_get_by_id(self, call: Call) -> dict:
        """The posts that exist and the user may see, in the order asked; VK leaves the others out."""
        if call.params.get("extended"):
            raise NotEmulated("wall.getById with extended=1 (profiles and groups beside the posts)")
        refs = call.params["posts"]
        if len(refs) > MAX_POSTS:
            raise invalid("posts", f"has more than {MAX_POSTS} posts")
        if len(set(refs)) != len(refs):
            raise NotEmulated("wall.getById with a post listed twice")
        items = []
        for ref in refs:
            match = POST_REF.fullmatch(ref)
            if match is None:
                raise invalid("posts", f"is invalid: {ref!r} is not owner_post")
            post = self.world.visible_post(int(match[1]), int(match[2]), call.token)
            if post is not None:
                items.append(post_object(post))
        return {"items": items}

    # ------------------------------------------------------------------ stats
    def stats_get_post_reach(self, call: Call) -> list[dict]:
        """Only an administrator's token with the "stats" scope reads a community's statistics (else 15,
        whether the community is open, closed or private: the right is the admin's, not a member's)."""
        owner_id, post_ids = call.params["owner_id"], call.params["post_ids"]
        if "stats" not in call.token.scopes or owner_id >= 0 or not call.token.admin_of(-owner_id):
            raise VkError(15)
        if len(post_ids) > MAX_STAT_POSTS:
            raise invalid("post_ids", f"has more than {MAX_STAT_POSTS} ids")
        stats = []
        for post_id in post_ids:
            post = self.world.posts.get((owner_id, post_id))
            if post is None or post.deleted:
                raise NotEmulated(f"stats.getPostReach of post {owner_id}_{post_id}, which is not on the wall")
            stats.append(reach_object(post))
        return stats

    # ------------------------------------------------------------------ groups
    def groups_get_by_id(self, call: Call) -> dict:
        """Communities by id or screen name, open or not (VK shows a closed one's card); 5.199's shape."""
        fields = set(call.params.get("fields", ()))
        if fields - GROUP_FIELDS:
            raise NotEmulated(f"groups.getById fields {sorted(fields - GROUP_FIELDS)}")
        refs = self.group_refs(call)
        if len(refs) > MAX_GROUPS:
            raise invalid("group_ids", f"has more than {MAX_GROUPS} ids")
        groups = []
        for ref in refs:
            community = self.world.find_community(ref)
            if community is None:
                raise invalid("group_ids", "is invalid")
            groups.append(group_object(community, call.token, fields))
        if len({g["id"] for g in groups}) != len(groups):
            raise NotEmulated("groups.getById with a community named twice")
        return {"groups": groups, "profiles": []}

    def group_refs(self, call: Call) -> list[int | str]:
        ids, one = call.params.get("group_ids"), call.params.get("group_id")
        if ids is not None and one is not None:
            raise NotEmulated("groups.getById with both group_id and group_ids")
        if ids is None and one is None:
            # a community's own token would get its community; the modelled tokens are users'
            raise invalid("group_ids", "is undefined")
        # read as the schema's int | str: numbers are ids, the rest screen names ("coffee", "club123")
        return ids if ids is not None else [one]


# ============================================================================ VK's objects

def post_object(post: Post) -> dict:
    """A wall post as wall.getById answers in 5.199 (a community's own post, no attachments)."""
    return {
        "inner_type": "wall_wallpost", "id": post.id, "owner_id": post.owner_id, "from_id": post.owner_id,
        "date": post.date, "text": post.text, "post_type": "post", "attachments": [],
        "post_source": {"type": "vk"}, "is_favorite": False, "marked_as_ads": 0,
        "comments": {"count": post.comments, "can_post": 1, "groups_can_post": True},
        "likes": {"count": post.likes, "user_likes": 0, "can_like": 1, "can_publish": 1},
        "reposts": {"count": post.reposts, "user_reposted": 0},
        "views": {"count": post.views},
    }


def reach_object(post: Post) -> dict:
    """A ``StatsWallpostStat``: reach split into subscribers, viral and ads, and what people did."""
    return {
        "post_id": post.id, "reach_total": post.reach, "reach_subscribers": post.reach_subscribers,
        "reach_viral": post.reach_viral, "reach_ads": post.reach_ads, "links": post.links,
        "to_group": post.to_group, "join_group": post.join_group, "report": post.report,
        "hide": post.hide, "unsubscribe": post.unsubscribe,
    }


def group_object(community: Community, token: Token, fields: set[str]) -> dict:
    """A ``GroupsGroupFull`` card as seen by the token's user (an admin of their own community only)."""
    admin = token.admin_of(community.id)
    photo = "https://vk.ru/images/community_{}.png"
    group = {
        "id": community.id, "name": community.name, "screen_name": community.screen_name,
        "is_closed": community.is_closed, "type": community.kind,
        "is_admin": int(admin), "is_member": int(admin), "is_advertiser": 0,
        "photo_50": photo.format(50), "photo_100": photo.format(100), "photo_200": photo.format(200),
    }
    if admin:
        group["admin_level"] = 3
    if "members_count" in fields:
        group["members_count"] = community.members
    return group
