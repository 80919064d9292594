"""The words a person reads come from the message catalogs (sheets_plan/words.py): every word the
source names has its Russian in the catalog, the compiled catalog is the one the product reads,
placeholders survive translation, and an English project's output holds no Russian (nor a Russian
one's the English the catalog translates): validate, report, fix, summarize, upgrade, provision and
the brief, remind, weekly and list."""

from __future__ import annotations

import ast
import datetime as dt
import gettext
import re
import string
from pathlib import Path

import openpyxl
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from sheets_plan.cli.commands import cli
from sheets_plan.words import DOMAIN, KEYWORDS, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "ru" / "LC_MESSAGES" / f"{DOMAIN}.po"
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
AS_OF = "2026-11-26"


def _source_words() -> set[tuple[str | None, str]]:
    return {(ctx, msgid) for _, _, msgid, _, ctx in extract_from_dir(
        str(ROOT / "sheets_plan"), method_map=[("**.py", "python")], keywords=KEYWORDS)}


def _catalog():
    with PO.open("rb") as f:
        return read_po(f, locale="ru", domain=DOMAIN)


def test_every_word_of_the_source_has_its_russian_and_the_catalog_no_other():
    catalog = _catalog()
    entries = {(m.context, m.id): m for m in catalog if m.id}
    assert set(entries) == _source_words()
    assert not [key for key, m in entries.items() if not m.string or m.fuzzy]


def test_placeholders_survive_translation():
    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    assert not [m.id for m in _catalog() if m.id and names(m.id) != names(m.string)]


def test_the_compiled_catalog_is_the_po_file():
    with (PO.with_suffix(".mo")).open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for m in _catalog():
        if m.id:
            got = compiled.pgettext(m.context, m.id) if m.context else compiled.gettext(m.id)
            assert got == m.string, f"{m.id!r}: the .mo says {got!r}; run python scripts/catalogs.py"


def russian_literals() -> dict[str, int]:
    """Module -> string literals holding Russian outside the catalogs (docstrings aside)."""
    out: dict[str, int] = {}
    for path in sorted((ROOT / "sheets_plan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree) if isinstance(
            n, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and n.body and isinstance(
            n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        found = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                 and id(n) not in docs and CYRILLIC.search(n.value)]
        if found:
            out[str(path.relative_to(ROOT))] = len(found)
    return out


# What stays Russian in the source, and why: the demo's sample data (names, products, posts: typed
# data, not words the product says), and what the product reads as people and Google write it
# (Russian month names in a date, "доб." in a phone number, the "Лист1" a new spreadsheet comes with).
STILL_IN_SOURCE = {
    "sheets_plan/jobs/demo.py", "sheets_plan/jobs/demo_data.py", "sheets_plan/jobs/demo_crm.py",
    "sheets_plan/core/cells.py", "sheets_plan/core/personal.py", "sheets_plan/tabs/structure.py",
}


def test_russian_words_live_in_the_catalog():
    """Before the catalogs, 424 string literals in 36 modules held Russian; now none outside these."""
    assert {module: n for module, n in russian_literals().items() if module not in STILL_IN_SOURCE} == {}


def _run(*args) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code in (0, 1), result.output
    return result.output


def _tool_tabs(path: Path, titles: set[str]) -> str:
    book = openpyxl.load_workbook(path)
    return "\n".join(str(v) for title in book.sheetnames if title in titles
                     for row in book[title].iter_rows(values_only=True) for v in row if isinstance(v, str))


def _outputs(tmp_path: Path, locale: str) -> tuple[str, str]:
    from sheets_plan.jobs.demo import run_demo

    path = run_demo(tmp_path / locale, locale=locale, as_of=dt.date.fromisoformat(AS_OF)).path
    folder = Path(path).parent
    admins = ("Анна", "Борис") if locale == "ru" else ("Anna", "Boris")
    (folder / "team.toml").write_text(f'[reminders]\nquiet = "00:00-00:00"\nfrom = "plan@agency.test"\n'
                                      f'[smtp]\nhost = "127.0.0.1"\n[admins."{admins[0]}"]\nemail = "a@agency.test"\n'
                                      f'[admins."{admins[1]}"]\ntelegram = 1001\n', encoding="utf-8")
    printed = "\n".join(_run(*args) for args in (
        ["remind", path, "--dry-run", "--as-of", AS_OF], ["weekly", "--dir", folder, "--as-of", AS_OF],
        ["list", "--dir", folder],
        ["validate", path, "--as-of", AS_OF], ["report", path, "--as-of", AS_OF],
        ["report", path, "--as-of", AS_OF, "--by", "admin"], ["report", path, "--as-of", AS_OF, "--by", "rubric"],
        ["fix", path, "--as-of", AS_OF], ["summarize", path, "--as-of", AS_OF], ["upgrade", path],
        ["provision", Path(path).stem, "--dir", Path(path).parent],
        ["brief", path, "--as-of", AS_OF, "--format", "html", "--admins", "--out", tmp_path / locale / "brief"]))
    # the client's brief: its words, tags and styles aside
    page = next((tmp_path / locale / "brief").glob("*.html")).read_text(encoding="utf-8")
    printed += "\n" + re.sub(r"<style.*?</style>|<[^>]+>", " ", page, flags=re.S)
    tabs = {"en": {"Check", "Log", "Weekly", "KPI", "What works"},
            "ru": {"Проверка", "Журнал проверок", "Динамика", "KPI", "Что работает"}}[locale]
    return printed, _tool_tabs(Path(path), tabs)


@pytest.mark.slow
def test_an_english_project_reads_no_russian_and_a_russian_one_no_translated_english(tmp_path):
    printed, tabs = _outputs(tmp_path, "en")
    assert "Weekly report" in printed and "What works" in tabs  # the brief and the tabs were read
    assert not CYRILLIC.findall(printed) and not CYRILLIC.findall(tabs)
    # the English the catalog translates, in pieces long enough to be words, not a name or "ERR"
    english = {piece.strip() for m in _catalog() if m.id and m.string != m.id
               for piece in re.split(r"\{\w*\}", m.id) if len(piece.strip()) >= 12 and " " in piece.strip()}
    printed, tabs = _outputs(tmp_path, "ru")
    assert "Отчёт за неделю" in printed and "Что работает" in tabs
    assert not [e for e in english if e in printed or e in tabs]
