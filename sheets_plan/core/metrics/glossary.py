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

from sheets_plan.words import Words

_W = Words(lambda _: _("the week's published posts (Mon–Sun)"))
_PREV = Words(lambda _: _("against the week before"))
_ROW = Words(lambda _: _("the week's row of the platform in the Account tab (the lowest, if several); for all posts, the "
          "sum over the platforms"))

DEFINITIONS: dict[str, Mapping[str, str]] = {
    "posts": {"ru": f"Число публикаций: {_W['ru']}.", "en": f"How many posts: {_W['en']}."},
    "likes": {"ru": f"Сумма лайков: {_W['ru']}; пустая ячейка — 0.",
              "en": f"Sum of likes over {_W['en']}; a blank cell counts 0."},
    "comments": {"ru": f"Сумма комментариев: {_W['ru']}.", "en": f"Sum of comments over {_W['en']}."},
    "saves": {"ru": f"Сумма сохранений: {_W['ru']}.", "en": f"Sum of saves over {_W['en']}."},
    "shares": {"ru": f"Сумма репостов: {_W['ru']}.", "en": f"Sum of shares over {_W['en']}."},
    "interactions": Words(lambda _: _("Interactions = likes + comments + saves + shares.")),
    "reach": {"ru": f"Сумма охвата: {_W['ru']}.", "en": f"Sum of reach over {_W['en']}."},
    "views": {"ru": f"Сумма просмотров: {_W['ru']}.", "en": f"Sum of views over {_W['en']}."},
    "err": Words(lambda _: _("ERR = interactions ÷ reach × 100, over the posts whose reach is filled in.")),
    "erview": Words(lambda _: _("ERview (as Popsters and LiveDune) = interactions ÷ views × 100, over the posts whose views "
              "are filled in.")),
    "er": Words(lambda _: _("ER by followers (ER in Popsters and LiveDune) = interactions per post ÷ followers × 100.")),
    "views_per_follower": Words(lambda _: _("Views per follower (Telegram's ERR, the TGStat convention) = average "
                                            "views per post ÷ "
              "subscribers × 100.")),
    "followers": {"ru": f"Подписчики на конец недели: {_ROW['ru']}, каждая с первой своей строки; соцсеть без "
                        "строки за неделю входит последним известным числом (последняя более ранняя строка с "
                        "подписчиками).",
                  "en": f"Followers at the week's end: {_ROW['en']}, each from its first row on; a platform "
                        "without a row that week counts at its last known figure (its latest earlier row with "
                        "followers)."},
    "follower_growth": Words(lambda _: _("Followers minus the week before's followers; for all posts, the sum of "
                                         "the platforms' growth "
              "since their last known figures (a platform's first row is no growth).")),
    "follower_growth_pct": Words(lambda _: _("Follower growth ÷ the week before's followers × 100; for all posts, "
                                             "over the platforms whose "
              "growth is known.")),
    "posts_wow": {"ru": f"Изменение числа публикаций в % {_PREV['ru']}.",
                  "en": f"Change of posts in % {_PREV['en']}."},
    "interactions_wow": {"ru": f"Изменение взаимодействий в % {_PREV['ru']}.",
                         "en": f"Change of interactions in % {_PREV['en']}."},
    "reach_wow": {"ru": f"Изменение охвата в % {_PREV['ru']}.", "en": f"Change of reach in % {_PREV['en']}."},
    "views_wow": {"ru": f"Изменение просмотров в % {_PREV['ru']}.", "en": f"Change of views in % {_PREV['en']}."},
    "err_wow": Words(lambda _: _("ERR minus the week before's ERR, in percentage points.")),
    "erview_wow": Words(lambda _: _("ERview minus the week before's ERview, in percentage points.")),
    "er_wow": Words(lambda _: _("ER by followers minus the week before's, in percentage points.")),
    "dialogs": {"ru": f"Обращения и диалоги за неделю: {_ROW['ru']}.",
                "en": f"Dialogs of the week: {_ROW['en']}."},
    "warm_leads": {"ru": f"Тёплые лиды за неделю: {_ROW['ru']}.",
                   "en": f"Warm leads of the week: {_ROW['en']}."},
    "applications": {"ru": f"Заявки за неделю: {_ROW['ru']}.",
                     "en": f"Applications of the week: {_ROW['en']}."},
    "lead_rate": Words(lambda _: _("Warm leads ÷ dialogs × 100.")),
    "application_rate": Words(lambda _: _("Applications ÷ warm leads × 100.")),
    "conversion": Words(lambda _: _("Applications ÷ dialogs × 100.")),
}
_COHORT = Words(lambda _: _("the contacts in the Leads tab whose first contact fell in the week (a week without "
                            "any: the count "
          "typed in the Account tab)"))
# With the funnel from the contacts register (template `funnel = "register"`).
REGISTER_DEFINITIONS: dict[str, Mapping[str, str]] = {
    "dialogs": {"ru": f"Обращения/диалоги: {_COHORT['ru']}.", "en": f"Dialogs: {_COHORT['en']}."},
    "warm_leads": {"ru": f"Тёплые лиды: {_COHORT['ru']}, на этапе «тёплый лид» или «заявка».",
                   "en": f"Warm leads: {_COHORT['en']}, at the stage “warm lead” or “application”."},
    "applications": {"ru": f"Заявки: {_COHORT['ru']}, на этапе «заявка».",
                     "en": f"Applications: {_COHORT['en']}, at the stage “application”."},
    "refusals": Words(lambda _: _("Refusals: the contacts in the Leads tab whose first contact fell in the week, "
                                  "at the stage "
              "“refusal”.")),
}
TITLE = Words(lambda _: _("How the figures are computed"))
NOTE_WOW = Words(lambda _: _(" Not computed for the week in progress."))


def definition(key: str, locale: str, register: bool = False) -> str:
    """What a figure means; `register`: the funnel counts the contacts register."""
    text = (REGISTER_DEFINITIONS if register and key in REGISTER_DEFINITIONS else DEFINITIONS)[key][locale]
    return text + NOTE_WOW[locale] if key.endswith("_wow") else text
