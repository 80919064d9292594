"""The message catalogs kept with the source (docs/architecture.md, "Words in catalogs"):

    python scripts/catalogs.py          # extract the source's words, update each .po, compile its .mo

Extracts every `_("…")` / `_("…", "context")` (sheets_plan.words.KEYWORDS) with Babel, merges them
into each language's .po (a new word gets an empty translation, a word gone leaves), and compiles
the .mo the product reads. Then translate the empty msgstr entries and run it again: the tests fail
on a word without its translation or a .mo older than its .po. (`pybabel compile` refuses a brace
format such as "{admin}, % complete" as a broken %-format; Babel's API compiles it as it is.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sheets_plan.words import DOMAIN, KEYWORDS, LOCALE_DIR, LOCALES  # noqa: E402


def extracted() -> Catalog:
    template = Catalog(domain=DOMAIN, project="sheets-plan")
    for filename, line, msgid, _comments, context in extract_from_dir(
            str(ROOT / "sheets_plan"), method_map=[("**.py", "python")], keywords=KEYWORDS):
        template.add(msgid, locations=[(f"sheets_plan/{filename}", line)], context=context)
    return template


def main() -> None:
    template = extracted()
    for locale in (loc for loc in LOCALES if loc != "en"):  # English: the msgids themselves
        po = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po.open("rb") as f:
            catalog = read_po(f, locale=locale, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with po.open("wb") as f:
            write_po(f, catalog, width=100, sort_output=False)
        with po.with_suffix(".mo").open("wb") as f:
            write_mo(f, catalog)
        empty = [m.id for m in catalog if m.id and not m.string]
        print(f"{po.relative_to(ROOT)}: {len(catalog)} words, {len(empty)} to translate")


if __name__ == "__main__":
    main()
