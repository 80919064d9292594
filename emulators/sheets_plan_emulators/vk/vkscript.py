"""``execute``'s code, as far as the emulator reads VKScript: the one form vk_api's ``VkRequestsPool`` sends
for calls of several methods (``vk_many_methods``)::

    return [API.wall.getById({"posts":"-1_1"}),API.groups.getById({"group_ids":"1"})];

Any other script (loops, variables, arithmetic, unquoted keys) is answered "Unable to compile code"
rather than guessed at.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import NotEmulated, VkError

CALL = re.compile(r"\s*API\.([a-z][A-Za-z]*\.[a-z][A-Za-z0-9]*)\(\s*")
CLOSE = re.compile(r"\s*\)")
COMMA = re.compile(r"\s*,")
MAX_CALLS = 25   # API calls one execute may make


def calls(code: str) -> list[tuple[str, dict[str, str]]]:
    """The (method, form values) of each call in ``code``; error 12 for any other script."""
    text = code.strip()
    body = text.removeprefix("return").strip() if text.startswith("return") else ""
    if not (body.startswith("[") and body.endswith("];")):
        raise VkError(12)
    inner, pos, found = body[1:-2], 0, []
    decoder = json.JSONDecoder()
    while inner[pos:].strip():
        if found:
            pos = expect(COMMA, inner, pos).end()
        call = expect(CALL, inner, pos)
        try:
            values, pos = decoder.raw_decode(inner, call.end())
        except ValueError:
            raise VkError(12) from None
        if not isinstance(values, dict):
            raise VkError(12)
        pos = expect(CLOSE, inner, pos).end()
        found.append((call[1], form_values(call[1], values)))
    if len(found) > MAX_CALLS:
        raise VkError(13)
    return found


def expect(pattern: re.Pattern[str], text: str, pos: int) -> re.Match[str]:
    match = pattern.match(text, pos)
    if match is None:
        raise VkError(12)
    return match


def form_values(method: str, values: dict[str, Any]) -> dict[str, str]:
    """A call's arguments as the form values a direct call would send: strings and integers only. How VK
    passes arrays, objects, booleans or null from a script to a method is not modelled."""
    out = {}
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise NotEmulated(f"execute: API.{method} argument {key}={value!r} (only strings and integers)")
        out[key] = str(value)
    return out
