"""`sheets-plan brief`: the client's weekly report of a project, as HTML or PDF. Nothing is written
to the spreadsheet. Every number is one `report --format json` gives for the same week."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from sheets_plan.words import Words
from sheets_plan.backends.base import Backend
from sheets_plan.core import brief as b
from sheets_plan.core import sheet_view, works
from sheets_plan.core.dates import monday
from sheets_plan.core.team import Team
from sheets_plan.core.template import Template
from sheets_plan.errors import RunError
from sheets_plan.sheets.a1 import quote_title
from sheets_plan.sheets.values import from_serial

from .crm import crm_of
from .project import check_snapshot, figures, kpi_figures, start
from .works import posts_of, spans_of

COMMENTS = Words(lambda _: _("Report comments"))  # a tab the manager adds: Week | Comment
FORMATS = ("html", "pdf")


@dataclass
class BriefResult:
    project: str
    week: dt.date
    path: Path
    brief: b.Brief

    def to_json(self) -> dict:
        return {"project": self.project, "week": self.week.isoformat(), "path": str(self.path),
                "provisional": self.brief.provisional}


def parse_week(text: str) -> dt.date:
    """YYYY-Www (ISO week) -> its Monday."""
    m = re.fullmatch(r"\s*(\d{4})-?W(\d{1,2})\s*", str(text), re.IGNORECASE)
    if not m:
        raise RunError(f"{text!r}: give the week as YYYY-Www, e.g. 2026-W11")
    try:
        return dt.date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError:
        raise RunError(f"{text}: {m[1]} has no week {int(m[2])}") from None


def brief(backend: Backend, sid: str, *, team: Team | None = None, template: Template | None = None,
          as_of: dt.date | None = None, week: dt.date | str | None = None, fmt: str = "pdf",
          out: str | Path = "reports", admins: bool = False, crm=None) -> BriefResult:
    """Write the report of `week` (a Monday or "YYYY-Www"; default: the last complete week) into `out`.

    >>> import datetime, sheets_plan
    >>> day = datetime.date(2026, 11, 26)
    >>> path = str(sheets_plan.demo("demo", locale="en", as_of=day).path)
    >>> result = sheets_plan.brief(sheets_plan.LocalBackend("demo"), path, as_of=day, fmt="html", out="out")
    >>> str(result.path), result.week.isoformat()
    ('out/Grain Coffee House 2026-W47.html', '2026-11-16')
    """
    if fmt not in FORMATS:
        raise RunError(f"--format {fmt}: one of {', '.join(FORMATS)}")
    snap = start(backend, sid, template, as_of, crm if crm is not None else crm_of(team or Team()))
    if isinstance(week, str):
        monday_of = parse_week(week)
    else:
        monday_of = monday(week) if week else monday(snap.as_of) - dt.timedelta(weeks=1)
    if monday_of > monday(snap.as_of):
        raise RunError(f"week {monday_of:%G-W%V} ({monday_of:%d.%m.%Y}) has not begun (today is {snap.as_of:%d.%m.%Y})")
    data = brief_data(snap, team or Team(), monday_of, comment=_comment(backend, sid, snap, monday_of), admins=admins)
    from sheets_plan.rendering import render_html, render_pdf  # WeasyPrint and matplotlib only here

    path = Path(out) / f"{snap.project} {monday_of:%G-W%V}.{fmt}"
    path.parent.mkdir(parents=True, exist_ok=True)
    html = render_html(data)
    if fmt == "pdf":
        render_pdf(html, path)
    else:
        path.write_text(html, encoding="utf-8")
    return BriefResult(snap.project, monday_of, path, data)


def brief_data(snap, team: Team, week: dt.date, *, comment: str = "", admins: bool = False) -> b.Brief:
    """The report's content, from the weekly figures (`figures`, as `report`) and the plan's rows."""
    loc = snap.locale
    words = b.WORDS[loc]
    frame = figures(snap, None)
    by_platform = figures(snap, None, by="platform")
    now, before = b.row_of(frame, week), b.row_of(frame, week - dt.timedelta(weeks=1))
    in_progress = week == monday(snap.as_of)
    if in_progress:  # as `report`: no change against the week before while the week runs
        before = None
    plan = sheet_view.sheet_view(snap.tables[snap.template.tab_of_kind("plan").key])
    rows = _week_rows(plan, week)
    published = rows[rows["status"].map(lambda s: isinstance(s, str) and s.casefold() == _published(snap))]
    out = b.Brief(snap.project, loc, week, snap.as_of, team.agency, team.colour, _logo(team), words=words,
                  comment=comment)
    # a week before the plan's first has no row of figures: its posts are none, not unknown
    def change(key: str):  # report's week-over-week figure where it has one
        return _get(now, f"{key}_wow") if f"{key}_wow" in frame.columns else b.COMPUTED

    posts = b.card("posts", loc, _get(now, "posts") if now is not None else len(published), _get(before, "posts"),
                   team.targets.get("posts"), change=change("posts"))
    out.cards = [b.Card(posts.key, posts.label, posts.value, posts.text, posts.change, posts.direction, posts.target,
                        words["planned"].format(n=len(rows)))]
    out.cards += [b.card(k, loc, _get(now, k), _get(before, k), team.targets.get(k), change=change(k))
                  for k in b.CARD_KEYS]
    if in_progress:
        out.notes.append(words["in_progress"].format(day=out.day(snap.as_of)))
    if len(frame.index) and week < min(frame.index):
        out.notes.append(words["before_plan"].format(start=out.day(min(frame.index))))
    out.provisional = _provisional(snap, published, words)
    coming = _not_due(snap, published)
    if coming:  # a change over posts whose stats are still to come is no trend: shown, not pointed
        out.cards = [c if c.key not in b.STAT_CARDS else replace(c, direction=0, note=words["partial"].format(n=coming))
                     for c in out.cards]
    out.platforms = _platforms(by_platform, week, loc)
    out.funnel = [b.card(k, loc, _get(now, k), _get(before, k), team.targets.get(k)) for k, _ in b.FUNNEL_KEYS]
    weeks = [w for w in frame.index if w <= week][-b.TREND_WEEKS:]
    out.weeks, out.trends = tuple(weeks), b.trends(frame, by_platform, weeks, loc)
    out.best, out.worst = _ranked(published, loc)
    if not out.best:  # published, but no post has its reach yet: listed, not ranked
        out.unranked = [_line(r, loc) for _, r in published.iterrows()]
    out.next_week = [_line(r, loc) for _, r in _week_rows(plan, week + dt.timedelta(weeks=1)).iterrows()]
    if admins:
        out.admins = _admins(snap, week, words)
    _worked(snap, week, out)
    return out


def _worked(snap, week: dt.date, out: b.Brief) -> None:
    """What worked over the template's recent weeks up to the report's week (up to the week before,
    while it runs): the best and weakest rubric and format, and ERR per rubric for the chart."""
    spec, posts = snap.template.works, posts_of(snap)
    spans = spans_of(snap, spec, min(week + dt.timedelta(weeks=1), snap.as_of))
    period = spans["recent"]
    if not period.mondays:
        return
    plan = snap.template.tab_of_kind("plan")
    frames = {by: works.works_figures(posts, spans, spec, snap.locale, by) for by in ("rubric", "format")}
    out.worked = [b.worked(frame, plan.column(by).label(snap.locale), snap.locale, spec.min_posts)
                  for by, frame in frames.items()]
    out.worked_period = out.words["worked"].format(start=out.day(period.first),
                                                   end=out.day(period.end - dt.timedelta(days=1)))
    rubric = frames["rubric"]
    out.worked_project = rubric.iloc[0][("recent", "err")]
    bars = [(label, row[("recent", "err")]) for label, row in rubric.iloc[1:].iterrows()
            if not pd.isna(row[("recent", "err")])]
    out.worked_bars = sorted(bars, key=lambda bar: -bar[1])  # the best on top


def _get(row: pd.Series | None, key: str):
    return None if row is None else row.get(key)


def _published(snap) -> str:
    return snap.template.published(snap.locale).casefold()


def _week_rows(plan: pd.DataFrame, week: dt.date) -> pd.DataFrame:
    days = pd.to_datetime(plan["date"], errors="coerce").dt.date
    return plan[(days >= week) & (days < week + dt.timedelta(weeks=1))].sort_values("date", kind="stable")


def _provisional(snap, published: pd.DataFrame, words: dict) -> str:
    """The week's posts whose stats are not all in: those not due yet make the figures provisional."""
    lacking, later = _lacking(published), _not_due(snap, published)
    return words["provisional"].format(n=lacking, m=len(published), due=later) if later else ""


def _lacking(published: pd.DataFrame) -> int:
    """The week's published posts with a stat still empty."""
    return int(published[list(b.STATS)].isna().any(axis=1).sum()) if len(published) else 0


def _not_due(snap, published: pd.DataFrame) -> int:
    """The week's published posts whose stats are not due yet."""
    due = snap.as_of - dt.timedelta(days=snap.template.stats_after_days)
    return int((pd.to_datetime(published["date"]).dt.date > due).sum()) if len(published) else 0


def _platforms(by_platform: pd.DataFrame, week: dt.date, loc: str) -> list[b.Card]:
    out = []
    for platform in dict.fromkeys(by_platform.index.get_level_values(0)):
        rows = by_platform.xs(platform, level=0)
        now = b.row_of(rows, week)
        followers, growth = b.num(_get(now, "followers")), b.num(_get(now, "follower_growth"))
        if followers is None:
            continue
        change = "" if growth is None else f"{growth:+,.0f}".replace(",", " ")
        out.append(b.Card("followers", str(platform), followers, b.shown(followers, "count", loc), change,
                          0 if not growth else (1 if growth > 0 else -1)))
    return out


def _ranked(published: pd.DataFrame, loc: str) -> tuple[list[b.PostLine], list[b.PostLine]]:
    """The week's posts by ERR (their interactions ÷ reach): the best three and the weakest three."""
    if not len(published):
        return [], []
    interactions = published[["likes", "comments", "saves", "shares"]].apply(pd.to_numeric, errors="coerce").sum(
        axis=1, min_count=1)
    reach = pd.to_numeric(published["reach"], errors="coerce")
    err = (interactions / reach.where(reach > 0) * 100)
    ranked = published.assign(_err=err, _interactions=interactions).dropna(subset=["_err"]).sort_values(
        "_err", ascending=False, kind="stable")
    lines = [_line(r, loc, r["_err"], r["_interactions"]) for _, r in ranked.iterrows()]
    best = lines[:3]
    return best, [line for line in lines[::-1][:3] if line not in best] if len(lines) > 3 else []


def _line(row: pd.Series, loc: str, err=None, interactions=None) -> b.PostLine:
    day = pd.to_datetime(row["date"]).date()

    def text(v) -> str:
        return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)

    return b.PostLine(day, text(row.get("platform")), text(row.get("format")), text(row.get("topic")),
                      text(row.get("link")), b.shown(err, "rate", loc) if err is not None else "",
                      b.shown(b.num(row.get("reach")), "count", loc) if err is not None else "",
                      b.shown(interactions, "count", loc) if interactions is not None else "")


def _admins(snap, week: dt.date, words: dict) -> list[dict]:
    frame = kpi_figures(snap, check_snapshot(snap), None)
    out = []
    for (admin, w), row in frame.iterrows():
        if w == week:
            out.append({words["admin"]: admin, words["planned_n"]: b.shown(row.get("posts_planned"), "count", snap.locale),
                        words["published"]: b.shown(row.get("posts"), "count", snap.locale),
                        words["complete"]: b.shown(row.get("completeness"), "rate", snap.locale),
                        words["flags"]: b.shown(row.get("open_flags"), "count", snap.locale)})
    return out


def _logo(team: Team) -> str | None:
    if not team.logo:
        return None
    path = Path(team.logo)
    if not path.is_absolute() and team.path:
        path = Path(team.path).parent / path
    try:
        with path.open("rb") as f:
            head = f.read(16)
    except OSError as e:
        raise RunError(f"{path}: cannot read the logo ({e.strerror or type(e).__name__}); "
                       "fix agency.logo in the team file") from None
    if not (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8") or b"<svg" in path.read_bytes()[:512]
            or head.lstrip().startswith(b"<?xml")):
        raise RunError(f"{path}: the logo is no PNG, JPEG or SVG image")
    return str(path)


def _comment(backend: Backend, sid: str, snap, week: dt.date) -> str:
    """The manager's comment for the week: the tab "Комментарии к отчёту" / "Report comments" (Week | Comment)."""
    titles = {s["properties"]["title"] for s in snap.meta.get("sheets", [])}
    title = next((t for t in COMMENTS.values() if t in titles), None)
    if title is None:
        return ""
    grid, = backend.read(sid, [quote_title(title)])
    for row in grid.values[1:]:
        if len(row) > 1 and isinstance(row[0], (int, float)) and not isinstance(row[0], bool):
            day = from_serial(row[0])
            if monday(day) == week and isinstance(row[1], str) and row[1].strip():
                return row[1].strip()
    return ""
