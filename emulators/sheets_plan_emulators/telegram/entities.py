"""Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style): the text a message gets, its
entities, their offsets and lengths in UTF-16 code units, and the errors Telegram words for bad markup.

Read as tdlib reads it, not as a browser would: every ``<`` opens a tag, only the documented tags exist, an
end tag must close the innermost open one, and only ``&lt; &gt; &amp; &quot;`` and numeric references are
entities (any other ``&`` stays as it is). Error offsets are in UTF-8 bytes of the text sent, as tdlib's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .errors import BotApiError, NotEmulated, bad_request

# tag -> entity type; "a", "span", "pre", "code", "blockquote" and "tg-emoji" depend on their attributes
SIMPLE = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
          "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "tg-spoiler": "spoiler"}
TAGS = frozenset(SIMPLE) | {"a", "span", "code", "pre", "blockquote", "tg-emoji"}
NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
ENTITY = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
NAME = re.compile(r"[A-Za-z0-9-]*")
ATTRIBUTE = re.compile(r"""\s*([A-Za-z0-9-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
SPACES = " \t\n\r\v\f"   # what Telegram trims off both ends of a message


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (limits, entity offsets): an emoji outside the BMP is two units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Open:
    tag: str
    offset: int                             # UTF-16 offset in the text parsed so far
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None             # a <pre>'s, from its <code class="language-...">


def parse_html(source: str) -> tuple[str, list[dict]]:
    """The text without tags and with entities unescaped, and the MessageEntity objects it makes."""
    out: list[str] = []
    units = 0                                # UTF-16 length of what is in ``out``
    stack: list[Open] = []
    entities: list[dict] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            i = tag(source, i, stack, entities, units)
            continue
        if char == "&" and (m := ENTITY.match(source, i)):
            char = unescape(m)
            i = m.end()
        else:
            i += 1
        out.append(char)
        units += utf16_len(char)
    if stack:
        raise cannot_parse(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def tag(source: str, i: int, stack: list[Open], entities: list[dict], units: int) -> int:
    """Reads the tag at ``source[i] == "<"``; returns where the text goes on."""
    at = len(source[:i].encode("utf-8"))
    closing = source.startswith("</", i)
    start = i + 2 if closing else i + 1
    name = NAME.match(source, start).group().lower()
    j = start + len(name)
    attrs: dict[str, str] = {}
    while not closing and (m := ATTRIBUTE.match(source, j)) and m.group(1):
        value = next((v for v in m.groups()[1:] if v is not None), "")
        attrs[m.group(1).lower()] = ENTITY.sub(unescape, value)
        j = m.end()
    if not closing and name not in TAGS:
        raise cannot_parse(f'Unsupported start tag "{name}" at byte offset {at}')
    end = source.find(">", j)
    if end == -1 or source[j:end].strip(SPACES):
        raise cannot_parse(f"Unclosed {'end' if closing else 'start'} tag at byte offset {at}")
    if closing:
        close(name, at, stack, entities, units)
    else:
        stack.append(Open(name, units, attrs))
    return end + 1


def close(name: str, at: int, stack: list[Open], entities: list[dict], units: int) -> None:
    if not stack:
        raise cannot_parse(f'Unexpected end tag at byte offset {at}')
    opened = stack.pop()
    if opened.tag != name:
        raise cannot_parse(f'Unmatched end tag at byte offset {at}, expected "</{opened.tag}>", found "</{name}>"')
    if opened.tag == "code" and stack and stack[-1].tag == "pre":
        # <pre><code class="language-python">: one pre entity with its language, as Telegram makes it
        language = opened.attrs.get("class", "")
        stack[-1].language = language.removeprefix("language-") if language.startswith("language-") else None
        return
    entity = entity_of(opened)
    if units > opened.offset:   # Telegram drops empty entities
        entities.append({"offset": opened.offset, "length": units - opened.offset, **entity})


def entity_of(opened: Open) -> dict:
    attrs = opened.attrs
    if opened.tag in SIMPLE:
        return {"type": SIMPLE[opened.tag]}
    if opened.tag == "span":
        if attrs.get("class") != "tg-spoiler":
            raise cannot_parse('Tag "span" must have class "tg-spoiler"')
        return {"type": "spoiler"}
    if opened.tag == "a":
        href = attrs.get("href", "")
        if href.lower().startswith("tg://user"):
            raise NotEmulated("a text mention (<a href=\"tg://user?id=...\">)")
        if not href:
            raise cannot_parse('Tag "a" must have a non-empty "href" attribute')
        return {"type": "text_link", "url": href}
    if opened.tag == "pre":
        return {"type": "pre", **({"language": opened.language} if opened.language else {})}
    if opened.tag == "blockquote":
        return {"type": "expandable_blockquote" if "expandable" in attrs else "blockquote"}
    if opened.tag == "tg-emoji":
        if not attrs.get("emoji-id"):
            raise cannot_parse('Tag "tg-emoji" must have a non-empty "emoji-id" attribute')
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    return {"type": "code"}


def unescape(m: re.Match) -> str:
    if m.group(3):
        return NAMED[m.group(3)]
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group()


def trim(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Telegram trims white space off both ends of a message; entities move and shrink with the text."""
    kept = text.strip(SPACES)
    if kept == text:
        return text, entities
    shift = len(text) - len(text.lstrip(SPACES))     # ASCII: one UTF-16 unit each
    size = utf16_len(kept)
    moved = []
    for entity in entities:
        start, end = max(entity["offset"] - shift, 0), min(entity["offset"] + entity["length"] - shift, size)
        if end > start:
            moved.append({**entity, "offset": start, "length": end - start})
    return kept, moved


def cannot_parse(why: str) -> BotApiError:
    return bad_request(f"can't parse entities: {why}")
