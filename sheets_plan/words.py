"""The words a person reads, from one gettext catalog per language.

The source's words are English: each is a msgid, written where it is used as `_("…")` inside a
`Words`; `sheets_plan/locale/ru/LC_MESSAGES/sheets_plan.po` translates them, compiled to its `.mo`
with Babel (`python scripts/catalogs.py`: extract, update, compile). A word that means two things in
Russian carries a context: `_("Admins", "lists_tab")`. English needs no catalog: its words are
the msgids. The run's language is decided once (the project's, or `--locale`) and every word is
looked up in that language's catalog.

Outside the layers, like errors.py: any layer may name its words here; this module imports none.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Generic, TypeVar

LOCALES = ("ru", "en")
DOMAIN = "sheets_plan"
LOCALE_DIR = Path(__file__).with_name("locale")
# Babel's extraction: _("text"), _("text", "context"), and N_("text"): a word named now, translated
# where it is read (a metric's label)
KEYWORDS = {"_": {1: (1,), 2: (1, (2, "c"))}, "N_": {1: (1,)}}

T = TypeVar("T")
Translate = Callable[..., str]  # (text, context=None) -> the text in the catalog's language


@cache
def catalog(locale: str) -> gettext.NullTranslations:
    """The language's compiled catalog (English: the msgids themselves)."""
    if locale == "en":
        return gettext.NullTranslations()
    with (LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as f:
        return gettext.GNUTranslations(f)


def translator(locale: str) -> Translate:
    words = catalog(locale)

    def translate(text: str, context: str | None = None) -> str:
        return words.pgettext(context, text) if context else words.gettext(text)
    return translate


def N_(text: str) -> str:
    """Marks a word for the catalogs where it is named; whoever shows it translates it (`translator`)."""
    return text


class Words(Mapping[str, T], Generic[T]):
    """Words in every language, built from the catalogs on first use: `WORDS[locale]` is what
    `build` makes with that language's translate function (a text, a dict or list of them)."""

    def __init__(self, build: Callable[[Translate], T]):
        self._build = build
        self._built: dict[str, T] = {}

    def __getitem__(self, locale: str) -> T:
        if locale not in LOCALES:
            raise KeyError(locale)
        if locale not in self._built:
            self._built[locale] = self._build(translator(locale))
        return self._built[locale]

    def __iter__(self) -> Iterator[str]:
        return iter(LOCALES)

    def __len__(self) -> int:
        return len(LOCALES)

    def __repr__(self) -> str:
        return f"Words({self['en']!r})"
