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


def _said(text: str, **phrases: str) -> Words[str]:
    """A definition in the run's language, the shared `phrases` (msgids) translated into it."""
    return Words(lambda _: _(text).format(**{name: _(phrase) for name, phrase in phrases.items()}))


DEFINITIONS: dict[str, Mapping[str, str]] = {
    "posts": _said(N_("How many posts: {posts}."), posts=_W),
    "likes": _said(N_("Sum of likes over {posts}; a blank cell counts 0."), posts=_W),
    "comments": _said(N_("Sum of comments over {posts}."), posts=_W),
    "saves": _said(N_("Sum of saves over {posts}."), posts=_W),
    "shares": _said(N_("Sum of shares over {posts}."), posts=_W),
    "interactions": _said(N_("Interactions = likes + comments + saves + shares.")),
    "reach": _said(N_("Sum of reach over {posts}."), posts=_W),
    "views": _said(N_("Sum of views over {posts}."), posts=_W),
    "err": _said(N_("ERR = interactions ÷ reach × 100, over the posts whose reach is filled in.")),
    "erview": _said(N_("ERview (as Popsters and LiveDune) = interactions ÷ views × 100, over the posts whose views "
                       "are filled in.")),
    "er": _said(N_("ER by followers (ER in Popsters and LiveDune) = interactions per post ÷ followers × 100.")),
    "views_per_follower": _said(N_("Views per follower (Telegram's ERR, the TGStat convention) = average views per "
                                   "post ÷ subscribers × 100.")),
    "followers": _said(N_("Followers at the week's end: {row}, each from its first row on; a platform without a "
                          "row that week counts at its last known figure (its latest earlier row with "
                          "followers)."), row=_ROW),
    "follower_growth": _said(N_("Followers minus the week before's followers; for all posts, the sum of the "
                                "platforms' growth since their last known figures (a platform's first row is no "
                                "growth).")),
    "follower_growth_pct": _said(N_("Follower growth ÷ the week before's followers × 100; for all posts, over the "
                                    "platforms whose growth is known.")),
    "posts_wow": _said(N_("Change of posts in % {previous}."), previous=_PREV),
    "interactions_wow": _said(N_("Change of interactions in % {previous}."), previous=_PREV),
    "reach_wow": _said(N_("Change of reach in % {previous}."), previous=_PREV),
    "views_wow": _said(N_("Change of views in % {previous}."), previous=_PREV),
    "err_wow": _said(N_("ERR minus the week before's ERR, in percentage points.")),
    "erview_wow": _said(N_("ERview minus the week before's ERview, in percentage points.")),
    "er_wow": _said(N_("ER by followers minus the week before's, in percentage points.")),
    "dialogs": _said(N_("Dialogs of the week: {row}."), row=_ROW),
    "warm_leads": _said(N_("Warm leads of the week: {row}."), row=_ROW),
    "applications": _said(N_("Applications of the week: {row}."), row=_ROW),
    "lead_rate": _said(N_("Warm leads ÷ dialogs × 100.")),
    "application_rate": _said(N_("Applications ÷ warm leads × 100.")),
    "conversion": _said(N_("Applications ÷ dialogs × 100.")),
}
_COHORT = N_("the contacts in the Leads tab whose first contact fell in the week (a week without any: the count "
             "typed in the Account tab)")
# With the funnel from the contacts register (template `funnel = "register"`).
REGISTER_DEFINITIONS: dict[str, Mapping[str, str]] = {
    "dialogs": _said(N_("Dialogs: {cohort}."), cohort=_COHORT),
    "warm_leads": _said(N_("Warm leads: {cohort}, at the stage “warm lead” or “application”."), cohort=_COHORT),
    "applications": _said(N_("Applications: {cohort}, at the stage “application”."), cohort=_COHORT),
    "refusals": _said(N_("Refusals: the contacts in the Leads tab whose first contact fell in the week, at "
                         "the stage “refusal”.")),
}
TITLE = _said(N_("How the figures are computed"))
NOTE_WOW = _said(N_(" Not computed for the week in progress."))


def definition(key: str, locale: str, register: bool = False) -> str:
    """What a figure means; `register`: the funnel counts the contacts register."""
    text = (REGISTER_DEFINITIONS if register and key in REGISTER_DEFINITIONS else DEFINITIONS)[key][locale]
    return text + NOTE_WOW[locale] if key.endswith("_wow") else text
