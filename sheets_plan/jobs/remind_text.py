"""A digest as an admin reads it: plain text, e-mail HTML, and Telegram's HTML subset (<b>, <a>).
Every text from a sheet is escaped: a topic with "<" or an admin named O'Neil is shown as typed."""

from __future__ import annotations

import html
import re

from sheets_plan.words import Words
from sheets_plan.core.digest import DUE, WORDS, WRONG, Digest

_NOTHING = Words(lambda _: _("Nothing new."))


def _groups(digest: Digest):
    words = WORDS[digest.locale]
    for kind in (DUE, WRONG):
        items = [i for i in digest.items if i.kind == kind]
        if items:
            yield words[kind], items


def render_text(digest: Digest) -> str:
    lines = [digest.title(), ""]
    for heading, items in _groups(digest):
        lines.append(f"{heading}:")
        lines += [f"  {i.where}  {i.text}" + (f"\n    {i.link}" if i.link else "") for i in items]
        lines.append("")
    if not digest.items:
        lines += [_NOTHING[digest.locale], ""]
    lines.append(digest.summary)
    return "\n".join(lines) + "\n"


def render_html(digest: Digest) -> str:
    parts = [f"<p><b>{html.escape(digest.title())}</b></p>"]
    for heading, items in _groups(digest):
        parts.append(f"<h3>{html.escape(heading)}</h3><ul>")
        for i in items:
            where = html.escape(i.where)
            if i.link:
                where = f'<a href="{html.escape(i.link)}">{where}</a>'
            parts.append(f"<li>{where}: {html.escape(i.text)}</li>")
        parts.append("</ul>")
    parts.append(f"<p>{html.escape(digest.summary)}</p>")
    return '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>' + "".join(parts) + "</body></html>"


def render_telegram(digest: Digest) -> str:
    """One line an item, so a long digest splits between items (channels.telegram.split)."""
    lines = [f"<b>{html.escape(digest.title())}</b>", ""]
    for heading, items in _groups(digest):
        lines.append(f"<b>{html.escape(heading)}</b>")
        for i in items:
            where = html.escape(i.where, quote=False)
            if i.link:
                where = f'<a href="{html.escape(i.link)}">{where}</a>'
            lines.append(f"• {where}: {html.escape(i.text, quote=False)}")
        lines.append("")
    lines.append(html.escape(digest.summary, quote=False))
    return "\n".join(lines)


_RUN = Words(lambda _: {
    "sent": _("{admin}: {n} reminders sent ({channel})"),
    "held": _("{admin}: not sent: {why}"),
    "failed": _("{admin}: NOT SENT ({channel}): {why}; to be tried next run"),
    "unreached": _("{admin}: not in the team file (team.toml): no reminders"),
    "head": _("{project}: reminders{dry}"),
    "dry": _(" (dry run: nothing sent)")})


# Why a delivery did not happen, as the run's data says it (English, for JSON), in the run's language.
_WHY = Words(lambda _: {
    "nothing new": _("nothing new"),
    "no e-mail or Telegram in the team file": _("no e-mail or Telegram in the team file"),
    "dry run: not sent": _("dry run: not sent"),
    "dry run: not set": _("dry run: not set"),
    "quiet": _("quiet hours ({time} there): held for the next run"),
    "channel": _("no {channel} channel configured")})
_QUIET = re.compile(r"quiet hours \((\d\d:\d\d) there\): held for the next run")
_CHANNEL = re.compile(r"no (\w+) channel configured")


def why_said(why: str, locale: str) -> str:
    words = _WHY[locale]
    if why in words:
        return words[why]
    why = _QUIET.sub(lambda m: words["quiet"].format(time=m[1]), why)
    return _CHANNEL.sub(lambda m: words["channel"].format(channel=m[1]), why)


def render_result(result) -> str:
    """What a run did, a line per admin; a dry run prints each digest it would send."""
    words = _RUN.get(result.locale, _RUN["en"])
    lines = [words["head"].format(project=result.project, dry=words["dry"] if result.dry_run else "")]
    by_admin = {d.admin: d for d in result.digests}
    for d in result.deliveries:
        if result.dry_run and d.ok and d.items:
            if d.admin in by_admin:
                lines += ["", render_text(by_admin[d.admin]).rstrip()]
            lines.append(f"  → {d.channel or why_said(d.why, result.locale)}")
        elif not d.ok:
            lines.append(words["failed"].format(admin=d.admin, channel=d.channel, why=why_said(d.why, result.locale)))
        elif d.channel and d.items:
            lines.append(words["sent"].format(admin=d.admin, n=d.items, channel=d.channel))
        elif d.why != "nothing new" or not result.dry_run:
            lines.append(words["held"].format(admin=d.admin, why=why_said(d.why, result.locale)))
    lines += [words["unreached"].format(admin=a) for a in result.unreached]
    return "\n".join(lines) + "\n"
