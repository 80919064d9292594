"""`sheets-plan stats`'s listing, per admin: the cells it fills (and from where), the figures that
disagree with what an admin typed (not written), and each row it could not fill, with why."""

from __future__ import annotations

from sheets_plan.words import Words
from sheets_plan.core import stats as s

from .stats import StatsResult

_WORDS = Words(lambda _: {
    "none": _("{project}: no stats to fill (rows with stats due: {asked})."),
    "dry": _("{project}: {n} cells to fill (nothing changed; add --apply to write them)"),
    "done": _("{project}: {n} cells filled"),
    "nobody": _("(no admin)"),
    "account": _("Account"),
    "new": _("a new row"),
    "week": _("week"),
    "followers": _("followers"),
    "differs": _("{what}: typed {typed}, the source says {found} (not written)"),
    s.NO_LINK: _("no link to the post"),
    s.UNKNOWN_LINK: _("a link of no known form: “{detail}”"),
    s.OTHER_PLATFORM: _("the link is not on the row's platform ({detail})"),
    s.NOT_FOUND: _("post not found ({detail})"),
    s.OTHER_ACCOUNT: _("a post of another community ({detail})"),
    s.NO_SOURCE: _("no source for {detail}: give its export file (--export FILE), for VK a token "
                   "(SHEETS_PLAN_VK_TOKEN)"),
    s.PARTIAL: _("the source gave no {detail}")})
_COLUMNS = Words(lambda _: {
    "likes": _("Likes"),
    "comments": _("Comments"),
    "saves": _("Saves"),
    "shares": _("Shares"),
    "reach": _("Reach"),
    "views": _("Views"),
    "followers": _("Followers")})


def render_text(result: StatsResult) -> str:
    words, names = _WORDS.get(result.locale, _WORDS["en"]), _COLUMNS.get(result.locale, _COLUMNS["en"])
    plan = result.plan
    n = len(plan.fills) + len(result.accounts)
    head = "done" if result.applied else "dry" if n else "none"
    lines = [words[head].format(project=result.project, n=n, asked=plan.asked)]
    title = result.tab_titles.get("plan", "plan")
    by_admin: dict[str, list[tuple[str, str]]] = {}
    for f in plan.fills:
        by_admin.setdefault(f.admin, []).append((f"{title}!{f.cell}", f"{names[f.column]} {count(f.value)} ← {f.source}"))
    for d in plan.disagreements:
        by_admin.setdefault(d.admin, []).append((f"{title}!{d.cell}", words["differs"].format(
            what=names[d.column], typed=count(d.typed), found=count(d.found))))
    for p in plan.problems:
        text = words[p.why].format(detail=p.detail)
        by_admin.setdefault(p.admin, []).append((f"{title}!{p.cell}", text + (f" [{p.source}]" if p.source else "")))
    for admin in sorted(by_admin, key=lambda a: (a == "", a.casefold())):
        width = max(len(where) for where, _ in by_admin[admin])
        lines += ["", f"{admin or words['nobody']}:"] + [f"  {where:<{width}}  {what}" for where, what in by_admin[admin]]
    account_lines = [_account_line(a, words, result) for a in result.accounts]
    account_lines += [f"  {result.tab_titles.get('account', 'account')}!{d.cell}  " + words["differs"].format(
        what=names["followers"], typed=count(d.typed), found=count(d.found)) for d in result.account_disagreements]
    if account_lines:
        lines += ["", f"{words['account']}:"] + account_lines
    return "\n".join(lines) + "\n"


def _account_line(a: s.AccountFill, words: dict, result: StatsResult) -> str:
    where = f"{result.tab_titles.get('account', 'account')}!{a.cell}" if a.row else words["new"]
    return (f"  {where}  {a.platform}, {words['week']} {a.week:%d.%m.%Y}: {words['followers']} "
            f"{count(a.followers)} ← {a.source}")


def count(value) -> str:
    """A figure as every line writes it: whole numbers whole ("150", not "150.0"), thousands apart by a
    space ("2 480", never "2,480")."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".replace(",", " ")
