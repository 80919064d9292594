"""Small, exact edits of OOXML text.

The parts of a workbook are edited as text, not rebuilt through an XML
library: an element the tool does not touch keeps its bytes (prefixes,
`mc:Ignorable` lists, attribute order), which a parse-and-serialize round
trip would not promise, and Excel refuses a part whose namespace prefixes
were renamed under an `mc:Ignorable` that still names them.
"""

from __future__ import annotations

import html
import re

_ATTR = re.compile(r'([\w:.-]+)\s*=\s*("([^"]*)"|\'([^\']*)\')')
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def attrs(tag: str) -> dict[str, str]:
    """The attributes of an element's opening tag (unescaped), by qualified name."""
    head = tag[:tag.index(">") + 1] if ">" in tag else tag
    return {m.group(1): html.unescape(m.group(3) if m.group(3) is not None else m.group(4))
            for m in _ATTR.finditer(head)}


def attr(tag: str, name: str) -> str | None:
    return attrs(tag).get(name)


def local_attr(tag: str, local: str) -> str | None:
    """An attribute by local name, whatever its prefix (r:id, x:id...)."""
    for k, v in attrs(tag).items():
        if k.rpartition(":")[2] == local and ":" in k:
            return v
    return None


def esc(text: str) -> str:
    """Text for an element or attribute; characters XML cannot hold are dropped."""
    text = _ILLEGAL.sub("", str(text))
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def set_attrs(tag: str, **values) -> str:
    """The element with attributes set (a value of None removes it); only its opening tag changes."""
    end = tag.index(">")
    head, rest = tag[:end], tag[end:]
    closing = head.endswith("/")
    if closing:
        head = head[:-1]
    for name, value in values.items():
        name = name.replace("__", ":")
        pattern = re.compile(r'\s' + re.escape(name) + r'\s*=\s*("[^"]*"|\'[^\']*\')')
        if value is None:
            head = pattern.sub("", head)
        elif pattern.search(head):  # in place: the element keeps its attribute order
            head = pattern.sub(lambda m: f' {name}="{esc(value)}"', head, count=1)
        else:
            head += f' {name}="{esc(value)}"'
    return head + ("/" if closing else "") + rest


def elements(xml: str, name: str) -> list[str]:
    """Every element `name` (not nested in itself) in `xml`, as text."""
    return [m.group(0) for m in element_iter(xml, name)]


def element_iter(xml: str, name: str):
    return re.finditer(r"<" + re.escape(name) + r"(?=[\s/>])[^>]*?(?:/>|>.*?</" + re.escape(name) + r">)",
                       xml, re.S)


def first(xml: str, name: str) -> str | None:
    m = next(element_iter(xml, name), None)
    return m.group(0) if m else None


def inner(element: str) -> str:
    """What stands between an element's tags ('' for a self-closing one)."""
    head_end = element.index(">")
    if element[head_end - 1] == "/":
        return ""
    return element[head_end + 1:element.rindex("</")]


def text_of(element: str | None) -> str:
    """The unescaped text content (tags dropped), e.g. of <t>, <f> or <formula>."""
    if not element:
        return ""
    return html.unescape(re.sub(r"<[^>]+>", "", inner(element)))


def children(container: str) -> list[str]:
    """The child elements of a container element, as text (top level only)."""
    body = inner(container)
    out, i = [], 0
    while True:
        start = body.find("<", i)
        if start < 0:
            return out
        m = re.match(r"<([\w:.-]+)", body[start:])
        if not m:  # a comment or processing instruction: skip it
            i = body.find(">", start) + 1
            continue
        name = m.group(1)
        end = _element_end(body, start, name)
        out.append(body[start:end])
        i = end


def _element_end(text: str, start: int, name: str) -> int:
    head_end = text.index(">", start)
    if text[head_end - 1] == "/":
        return head_end + 1
    depth, i = 1, head_end + 1
    opener = re.compile(r"<" + re.escape(name) + r"(?=[\s/>])[^>]*?(/?)>|</" + re.escape(name) + r">")
    while depth:
        m = opener.search(text, i)
        if m is None:
            raise ValueError(f"unclosed <{name}>")
        if m.group(0).startswith("</"):
            depth -= 1
        elif not m.group(1):
            depth += 1
        i = m.end()
    return i


def with_children(container: str, kids: list[str], count: bool = True) -> str:
    """The container with its children replaced (and its count attribute kept right)."""
    head = container[:container.index(">") + 1]
    name = re.match(r"<([\w:.-]+)", head).group(1)
    if head.endswith("/>"):
        head = head[:-2] + ">"
    if count and re.search(r'\scount\s*=', head):
        head = set_attrs(head, count=str(len(kids)))
    return head + "".join(kids) + f"</{name}>"
