"""A post's link, read the way people paste it, to the one key a platform knows the post by.

`vk.com/wall-1_2`, `m.vk.com/wall-1_2?from=feed`, `vk.ru/club1?w=wall-1_2` are one VK post;
`instagram.com/p/CODE/` and `instagram.com/reel/CODE?igsh=...` one Instagram post; `t.me/name/123`,
`t.me/s/name/123` and `telegram.me/name/123` one Telegram post. Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

VK, INSTAGRAM, TELEGRAM = "vk", "instagram", "telegram"

_VK_HOSTS = {"vk.com", "vk.ru", "m.vk.com", "m.vk.ru", "new.vk.com", "vkontakte.ru"}
_IG_HOSTS = {"instagram.com", "instagr.am", "m.instagram.com"}
_TG_HOSTS = {"t.me", "telegram.me", "telegram.dog"}
_VK_WALL = re.compile(r"wall(-?\d+)_(\d+)")
_IG_PATH = re.compile(r"/(?:[\w.]+/)?(?:p|reel|reels|tv)/([\w-]+)")
_TG_PATH = re.compile(r"/(?:s/)?([A-Za-z][\w]{3,})/(\d+)/?$|/c/(\d+)/(\d+)/?$")


@dataclass(frozen=True)
class PostLink:
    """One post: the platform, its owner (a VK community or user id, a Telegram channel) and its
    key, the same however the link was spelled."""

    platform: str
    owner: str
    key: str

    def __str__(self) -> str:
        return {VK: f"vk.com/wall{self.key}", INSTAGRAM: f"instagram.com/p/{self.key}/",
                TELEGRAM: f"t.me/{self.key}"}.get(self.platform, self.key)


def post_link(text) -> PostLink | None:
    """The post a link names, or None when the link is of no form the sources know."""
    if not isinstance(text, str) or not text.strip():
        return None
    url = text.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host in _VK_HOSTS:
        return _vk(parts.path, parse_qs(parts.query))
    if host in _IG_HOSTS:
        m = _IG_PATH.match(parts.path)
        return PostLink(INSTAGRAM, "", m[1]) if m else None
    if host in _TG_HOSTS:
        m = _TG_PATH.match(parts.path)
        if not m:
            return None
        channel, number = (m[1].lower(), m[2]) if m[1] else (f"c/{m[3]}", m[4])
        return PostLink(TELEGRAM, channel, f"{channel}/{number}")
    return None


def _vk(path: str, query: dict) -> PostLink | None:
    # the post itself (/wall-1_2), or a post opened over a page (/club1?w=wall-1_2)
    for text in [path.lstrip("/"), *query.get("w", []), *query.get("z", [])]:
        m = _VK_WALL.fullmatch(text.split("/")[0].split("%")[0])
        if m:
            return PostLink(VK, m[1], f"{m[1]}_{m[2]}")
    return None
