"""The report as one standalone HTML5 page: Jinja2 with autoescape on (every text from the plan is
escaped), the stylesheet inlined, the fonts, the logo and the charts as data: URIs. No script."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sheets_plan.core.brief import WORDS, Brief, Card

from .charts import render_charts, worked_chart
from .embed import FAMILY, accent, data_uri, font_faces, logo_uri

TEMPLATES = Path(__file__).parent / "templates"
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(("html", "j2")),
                  undefined=StrictUndefined, keep_trailing_newline=True)
STYLE = "/*@report-style@*/"          # where the stylesheet goes once the page's characters are known
ARROWS = {1: "▲ ", -1: "▼ ", 0: ""}
TRENDS = {1: "up", -1: "down", 0: "same"}
WEB = re.compile(r"https?://[^\s\"'<>\x00-\x1f]+", re.IGNORECASE)


def render_html(brief: Brief) -> str:
    """The report of `brief` as HTML text (UTF-8, `<html lang>` the brief's locale)."""
    if not brief.words:                   # a brief made by hand without its words: the locale's
        brief = dataclasses.replace(brief, words=WORDS.get(brief.locale, WORDS["en"]))
    charts = {key: data_uri(svg.encode("utf-8"), "image/svg+xml") for key, svg in render_charts(brief).items()}
    bars = worked_chart(brief)
    worked_uri = data_uri(bars.encode("utf-8"), "image/svg+xml") if bars else None
    page = ENV.get_template("brief.html.j2").render(
        brief=brief, w=brief.words, css=Markup(STYLE), logo=logo_uri(brief.logo), charts=charts, worked=worked_uri,
        paragraphs=paragraphs(brief.comment), admin_keys=admin_keys(brief.admins),
        trend=lambda d: TRENDS.get(d, "same"), arrow=lambda d: ARROWS.get(d, ""), bar=bar, is_web=is_web,
        caption=lambda key: caption(key, brief.words), column=lambda key: column(key, brief.words))
    css = ENV.get_template("brief.css").render(accent=accent(brief.colour), family=FAMILY,
                                               fonts=font_faces(visible_text(page)))
    return page.replace(STYLE, css, 1)


def visible_text(page: str) -> str:
    """The page's characters bar the data: URIs (base64 is ASCII, which every font subset keeps)."""
    return re.sub(r"data:[\w.+/-]+;base64,[A-Za-z0-9+/=]+", "", page)


def paragraphs(comment: str) -> list[list[str]]:
    """The comment's paragraphs (split at blank lines), each a list of its lines."""
    text = (comment or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return []
    return [[line.rstrip() for line in block.strip("\n").split("\n")] for block in re.split(r"\n[ \t]*\n", text)
            if block.strip()]


def admin_keys(admins: list[dict] | None) -> list[str]:
    """The admins table's columns: every key of its rows, in the order they first appear."""
    return list(dict.fromkeys(key for row in admins or () for key in row))


def column(key, words: dict) -> str:
    """A column's heading: its word when the key is one (e.g. "admin"), else the key as it is."""
    word = words.get(key) if isinstance(key, str) else None
    return word if isinstance(word, str) and "{" not in word else str(key)


def caption(key: str, words: dict) -> str:
    names = {"reach": f"{words['reach']} · {words['interactions']}", "err": words["err"],
             "followers": words["followers"], "funnel": words["funnel"]}
    return names.get(key) or column(key, words)


def bar(card: Card, cards: list[Card]) -> str:
    """A funnel stage's bar length: its share of the largest stage, in %."""
    top = max((c.value for c in cards if c.value is not None and c.value > 0), default=0)
    share = 0 if not top or card.value is None or card.value <= 0 else min(card.value / top, 1) * 100
    return f"{share:.1f}"


def is_web(link: str | None) -> bool:
    return bool(link) and WEB.fullmatch(link.strip()) is not None
