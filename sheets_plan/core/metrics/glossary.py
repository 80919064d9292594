"""What each Weekly figure means, in words, per language.

Analytics tools name the same letters differently: Popsters and LiveDune take ER
as interactions ÷ followers and ERview as interactions ÷ views; Telegram
analytics (the TGStat convention) take ERR as average post views ÷
subscribers. The product keeps its own definitions (metrics.py) and says them:
each Weekly header carries its definition as a note, the tab ends with the
list, and README shows it. Pure data.
"""

from __future__ import annotations

from collections.abc import Mapping

from sheets_plan.words import N_, Words

_W = N_("the week's published posts (Mon–Sun)")
_PREV = N_("against the week before")
_ROW = N_("the week's row of the platform in the Account tab (the lowest, if several); for all posts, the sum over "
          "the platforms")

DEFINITIONS: dict[str, Mapping[str, str]] = {
    "posts": Words(lambda _: _("How many posts: {posts}.").format(posts=_(_W))),
    "likes": Words(lambda _: _("Sum of likes over {posts}; a blank cell counts 0.").format(posts=_(_W))),
    "comments": Words(lambda _: _("Sum of comments over {posts}.").format(posts=_(_W))),
    "saves": Words(lambda _: _("Sum of saves over {posts}.").format(posts=_(_W))),
    "shares": Words(lambda _: _("Sum of shares over {posts}.").format(posts=_(_W))),
    "interactions": Words(lambda _: _("Interactions = likes + comments + saves + shares.")),
    "reach": Words(lambda _: _("Sum of reach over {posts}.").format(posts=_(_W))),
    "views": Words(lambda _: _("Sum of views over {posts}.").format(posts=_(_W))),
    "err": Words(lambda _: _("ERR = interactions ÷ reach × 100, over the posts whose reach is filled in.")),
    "erview": Words(lambda _: _("ERview (as Popsters and LiveDune) = interactions ÷ views × 100, over the posts "
                                "whose views are filled in.")),
    "er": Words(lambda _: _("ER by followers (ER in Popsters and LiveDune) = interactions per post ÷ followers × "
                            "100.")),
    "views_per_follower": Words(lambda _: _("Views per follower (Telegram's ERR, the TGStat convention) = average "
                                            "views per post ÷ subscribers × 100.")),
    "followers": Words(lambda _: _(
        "Followers at the week's end: {row}, each from its first row on; a platform without a row that week counts "
        "at its last known figure (its latest earlier row with followers).").format(row=_(_ROW))),
    "follower_growth": Words(lambda _: _(
        "Followers minus the week before's followers; for all posts, the sum of the platforms' growth since their "
        "last known figures (a platform's first row is no growth).")),
    "follower_growth_pct": Words(lambda _: _(
        "Follower growth ÷ the week before's followers × 100; for all posts, over the platforms whose growth is "
        "known.")),
    "posts_wow": Words(lambda _: _("Change of posts in % {previous}.").format(previous=_(_PREV))),
    "interactions_wow": Words(lambda _: _("Change of interactions in % {previous}.").format(previous=_(_PREV))),
    "reach_wow": Words(lambda _: _("Change of reach in % {previous}.").format(previous=_(_PREV))),
    "views_wow": Words(lambda _: _("Change of views in % {previous}.").format(previous=_(_PREV))),
    "err_wow": Words(lambda _: _("ERR minus the week before's ERR, in percentage points.")),
    "erview_wow": Words(lambda _: _("ERview minus the week before's ERview, in percentage points.")),
    "er_wow": Words(lambda _: _("ER by followers minus the week before's, in percentage points.")),
    "dialogs": Words(lambda _: _("Dialogs of the week: {row}.").format(row=_(_ROW))),
    "warm_leads": Words(lambda _: _("Warm leads of the week: {row}.").format(row=_(_ROW))),
    "applications": Words(lambda _: _("Applications of the week: {row}.").format(row=_(_ROW))),
    "lead_rate": Words(lambda _: _("Warm leads ÷ dialogs × 100.")),
    "application_rate": Words(lambda _: _("Applications ÷ warm leads × 100.")),
    "conversion": Words(lambda _: _("Applications ÷ dialogs × 100.")),
}
_COHORT = N_("the contacts in the Leads tab whose first contact fell in the week (a week without any: the count "
             "typed in the Account tab)")
# With the funnel from the contacts register (template `funnel = "register"`).
REGISTER_DEFINITIONS: dict[str, Mapping[str, str]] = {
    "dialogs": Words(lambda _: _("Dialogs: {cohort}.").format(cohort=_(_COHORT))),
    "warm_leads": Words(lambda _: _(
        "Warm leads: {cohort}, at the stage “warm lead” or “application”.").format(cohort=_(_COHORT))),
    "applications": Words(lambda _: _(
        "Applications: {cohort}, at the stage “application”.").format(cohort=_(_COHORT))),
    "refusals": Words(lambda _: _(
        "Refusals: the contacts in the Leads tab whose first contact fell in the week, at the stage “refusal”.")),
}
TITLE = Words(lambda _: _("How the figures are computed"))
NOTE_WOW = Words(lambda _: _(" Not computed for the week in progress."))


def definition(key: str, locale: str, register: bool = False) -> str:
    """What a figure means; `register`: the funnel counts the contacts register."""
    text = (REGISTER_DEFINITIONS if register and key in REGISTER_DEFINITIONS else DEFINITIONS)[key][locale]
    return text + NOTE_WOW[locale] if key.endswith("_wow") else text
