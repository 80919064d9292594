"""The live conditional formats agree with the job.

For a corpus of generated workbooks, the cells that the sheet's
conditional-format formulas mark (evaluated by LibreOffice) are exactly the
cells `jobs.validate` flags, for every rule that has a live form.

How it works
------------
1. Corpus: six seeded workbooks (ru and en, 40-80 plan rows each) built
   through the product: `provision`, `demo.fill_rows`, `provision` again (so
   the formats cover every row). Rows mix blanks, ``""``, space-only text,
   valid and invalid values, every status (typed in either locale, as the
   key, in capitals, padded, with doubled inner spaces), dates around
   `as_of` (the rules' edges: today, a week ago, ...), published rows
   without link, caption or stats, whole empty and space-only rows between
   filled ones. Dates are serial numbers only: a date typed as *text* is a
   documented difference of the live form (`live_rules` docstring), as are
   tabs and non-breaking spaces (TRIM removes only spaces), so whitespace
   here is plain spaces.

2. Live side: the conditional formats are read back from the produced
   xlsx with openpyxl (rule, sqref, formula) and mapped to `live_rules`
   by order: layout adds them with `addConditionalFormatRule` index n, in
   `live_rules` order, so sorted by priority the n-th xlsx rule is the n-th
   `live_rules` entry of the tab; the mapping is asserted (same formula
   text after `formula.to_xlsx`, sqref = the rule's column from row 2).

   Each formula is evaluated in a helper copy of the workbook, in the
   *same sheet*, in helper columns to the right of everything the sheet
   uses. For each cell of the sqref the formula is shifted from the sqref's
   top-left cell to that cell with openpyxl's `Translator` (the rule Excel
   and LibreOffice apply to a conditional-format formula: it is written
   for the top-left cell and copied to the others), then written into the
   helper cell of that row. Once shifted, a formula's references name
   fixed cells, so where the helper cell sits does not matter as long as it
   is in the same sheet. This is less error-prone than a helper *sheet*:
   no reference has to be rewritten by hand (no regex on row numbers, no
   sheet-name prefixes with quoting of Cyrillic titles), and unqualified
   references resolve against the same sheet as the real format does. The
   helper columns are beyond every column the formulas read (they read
   only the template's input columns), so they change nothing they see.

   TODAY() is replaced by DATE(y,m,d) of the `as_of` the job is run with
   (outside string literals), so the comparison is deterministic: it does
   not depend on the clock or the time zone of the machine running
   LibreOffice, and `as_of` can be any day (Mondays, Sundays, a year end).

3. All helper copies go through ONE `libreoffice.convert` call (a forced
   full recalculation); results are read with openpyxl ``data_only=True``.

4. Job side: `jobs.validate(..., write=False)` on the original workbook,
   keeping the flags of (rule, column) pairs `live_rules` has a formula
   for. A `link` rule's live form covers only "must be filled", so of its
   flags only the "missing" ones are kept (not-a-URL and duplicate links
   have no live form).

5. Per workbook: {(tab, sheet row, column, rule) marked live} ==
   {(tab, sheet row, column, rule) flagged by the job}.

The comparison is shown to be able to fail by mutants evaluated in the
same LibreOffice run: a few live formulas with one operator or function
changed must each disagree with the job somewhere in the corpus.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import MultiCellRange

from sheets_plan import LocalBackend, provision
from sheets_plan.jobs import project as jobs
from sheets_plan.sheets import formula
from sheets_plan.jobs.demo import fill_rows
from sheets_plan.sheets.values import serial
from sheets_plan.tabs.highlighting import live_rules
from sheets_plan.core.procedure import PROBLEMS
from sheets_plan.core.table import find_columns
from sheets_plan_emulators.office import recalc
from .constants import TEMPLATE as T

pytestmark = pytest.mark.libreoffice  # every test here compares with LibreOffice's recalculation

PLAN = T.tab("plan")
ACCOUNT = T.tab("account")
LEADS = T.tab("leads")  # provisioned empty: its formats cover the buffer rows
TABLE_TABS = [t for t in T.tabs if t.columns]


@dataclass(frozen=True)
class Case:
    name: str
    locale: str
    seed: int
    rows: int
    as_of: dt.date


CASES = [
    Case("ru-monday", "ru", 11, 72, dt.date(2026, 3, 16)),
    Case("en-wednesday", "en", 12, 48, dt.date(2026, 3, 18)),
    Case("ru-sunday", "ru", 13, 60, dt.date(2026, 3, 22)),
    Case("en-year-end", "en", 14, 80, dt.date(2025, 12, 31)),
    Case("ru-new-year", "ru", 15, 40, dt.date(2026, 1, 1)),
    Case("en-leap", "en", 16, 66, dt.date(2028, 2, 29)),
]

# One live formula with one thing changed, per rule: each must disagree with the job on the corpus.
MUTANTS = {
    ("overdue", "date"): ("<TODAY()", "<=TODAY()"),           # today counted as overdue
    ("stats", "likes"): ("<=TODAY()", "<TODAY()"),            # stats due one day late
    ("required", "topic"): ("TRIM(", "("),                    # space-only text counted as filled
    ("caption", "caption"): ('="ready",', '="no such",'),     # one status spelling forgotten
}

# ------------------------------------------------------------------ the corpus

ADMIN_NAMES = {"ru": ["Анна", "Борис"], "en": ["Anna", "Boris"]}
BLANKS = [None, "", " ", "   "]
OTHER = {"ru": "en", "en": "ru"}


class Rows:
    """Plan rows as admins type them: every kind of cell the rules look at."""

    def __init__(self, case: Case):
        self.case, self.rnd = case, random.Random(case.seed)
        self.links: list[str] = []
        self.n = 0

    def label(self, column: str, key: str, locale: str | None = None) -> str:
        choice = next(c for c in PLAN.column(column).choices if c.key == key)
        return choice.label(locale or self.case.locale)

    def pick(self, *pools: tuple[float, list]):
        """From weighted pools: [(weight, values), ...]."""
        weights = [w for w, _ in pools]
        values = self.rnd.choices([v for _, v in pools], weights)[0]
        return self.rnd.choice(values)

    def day(self, offset: int, fraction: float = 0) -> float:
        return serial(self.case.as_of + dt.timedelta(days=offset)) + fraction

    # -- cells -------------------------------------------------------------

    def date(self):
        edges = [self.day(k) for k in (-8, -7, -6, -1, 0, 1)]
        spread = [self.day(self.rnd.randint(-40, 25)) for _ in range(4)]
        timed = [self.day(self.rnd.choice((-7, 0, 3, -20)), self.rnd.choice((0.25, 0.75)))]
        invalid = ["скоро", "soon", "-", 7, 36525, 73051, -3, True]  # no digit texts: never parsed as dates
        return self.pick((6, edges), (6, spread), (1, timed), (1.2, invalid), (1, BLANKS), (0.3, [36526]))

    def status(self):
        loc, other = self.case.locale, OTHER[self.case.locale]
        keys = ["idea", "in_progress", "ready", "published"]
        plain = [self.label("status", k) for k in keys]
        variants = ([self.label("status", k, other) for k in keys] + keys
                    + [self.label("status", k).upper() for k in keys]
                    + ["  " + self.label("status", k) + " " for k in keys]
                    + [self.label("status", "in_progress", loc).replace(" ", "  "),
                       self.label("status", "in_progress", other).replace(" ", "   ")])
        invalid = ["done", "сделано", "publ", 3]
        return self.pick((10, plain), (3, variants), (0.7, invalid), (1, BLANKS))

    def link(self):
        self.n += 1
        fresh = f"https://instagram.com/p/{self.case.name}-{self.n}"
        self.links.append(fresh)
        old = self.rnd.choice(self.links)
        return self.pick((5, [fresh]), (0.6, [old, old + "/"]), (0.8, ["instagram.com/p/x", "нет", "https://localhost/x"]),
                         (2.5, BLANKS))

    def number(self, heavy_blank: float):
        return self.pick((6, [self.rnd.randint(0, 4000)]), (1, ["1 520", "много", -4, 3.5, 0, "12", "1\u00a0520"]),
                         (heavy_blank, BLANKS))

    def text(self, words: list[str], blank: float = 1):
        return self.pick((8, words), (0.6, [42, " " + words[0] + " ", True]), (blank, BLANKS))

    def cell(self, key: str, status):
        loc = self.case.locale
        if key == "date":
            return self.date()
        if key == "time":
            return self.pick((4, [self.rnd.randint(8, 22) / 24]), (1, ["10:00"]), (2, BLANKS))
        if key == "platform":
            return self.pick((8, ["Instagram", "VK", "Telegram", "TikTok"]), (1, ["vk", " Telegram ", "MySpace", 5]),
                             (1, BLANKS))
        if key == "format":
            keys = ["post", "carousel", "reels", "stories", "video", "live"]
            return self.pick((8, [self.label("format", k) for k in keys]),
                             (1, [self.label("format", k, OTHER[loc]) for k in keys] + keys + ["bad"]), (1, BLANKS))
        if key == "rubric":
            return self.text(["Продукт", "Product", "Team"], 2)
        if key == "topic":
            return self.text(["Новый латте", "Barista of the day", "Отзывы"])
        if key == "caption":
            return self.text(["Текст поста", "Caption", "Short"], 3)
        if key == "responsible":
            names = ADMIN_NAMES[loc]
            return self.pick((8, names), (1, [" " + names[0].lower() + " ", "Zed"]), (1, BLANKS))
        if key == "status":
            return status
        if key == "link":
            return self.link()
        return self.number(3.5)  # the stats columns: published rows often lack them

    # -- rows --------------------------------------------------------------

    def row(self) -> list:
        keys = [c.key for c in PLAN.input_columns]
        kind = self.rnd.random()
        if kind < 0.10:
            return [None] * len(keys)                               # an empty row between filled ones
        if kind < 0.14:
            return [self.rnd.choice(BLANKS) for _ in keys]          # only blanks and spaces: still empty
        if kind < 0.20:                                             # one stray cell: everything else missing
            row = [self.rnd.choice(BLANKS) for _ in keys]
            i = self.rnd.randrange(len(keys))
            row[i] = self.cell(keys[i], self.status())
            return row
        status = self.status()
        return [self.cell(k, status) for k in keys]

    def edge_rows(self) -> list[list]:
        """The rules' boundaries, for sure (random rows hit them too, but not always)."""
        keys = [c.key for c in PLAN.input_columns]
        out = []
        for offset, status in ((-7, "published"), (-6, "published"), (-8, "published"), (0, "published"),
                               (1, "published"), (0, "idea"), (-1, "ready"), (-1, "in_progress"), (1, "ready")):
            values = {k: self.cell(k, self.label("status", status)) for k in keys}
            values.update(date=self.day(offset), status=self.label("status", status), topic="   ", caption=None)
            values.update({k: None for k in ("link", "likes", "comments", "saves", "shares", "reach", "views")})
            out.append([values[k] for k in keys])
        return out

    def plan(self) -> list[list]:
        rows = [self.row() for _ in range(self.case.rows - 9)]
        for edge in self.edge_rows():
            rows.insert(self.rnd.randrange(len(rows) + 1), edge)
        return rows

    def account(self) -> list[list]:
        monday = self.case.as_of - dt.timedelta(days=self.case.as_of.weekday())
        rows = [[serial(monday - dt.timedelta(weeks=w)), "Instagram", 4000 + 10 * w, 30, 10, 3] for w in range(1, 6)]
        rows[1][1], rows[2][1], rows[3][0] = None, "  ", None  # no platform, a space only, no week
        return rows


# ------------------------------------------------------------------ live side

_STRING = re.compile(r'("(?:[^"]|"")*")')


def deterministic_today(text: str, day: dt.date) -> str:
    """TODAY() -> DATE(y,m,d), outside string literals."""
    parts = _STRING.split(text)
    date = f"DATE({day.year},{day.month},{day.day})"
    return "".join(p if i % 2 else re.sub(r"(?i)\bTODAY\(\)", date, p) for i, p in enumerate(parts))


@dataclass
class Format:
    """One conditional-format rule of a sheet, mapped to its `live_rules` entry."""

    tab: str
    rule: str
    column: str
    expected: str      # `live_rules` formula as xlsx text (no leading "=")
    actual: str        # the formula found in the workbook
    sqref: str
    helpers: dict[int, int] = field(default_factory=dict)  # sqref column -> helper column


@dataclass
class Built:
    case: Case
    path: Path
    helper: Path
    formats: list[Format]
    cf_counts: dict[str, int]       # sheet title -> conditional-format rules found
    mutants: dict[tuple[str, str], tuple[str, dict[int, int]]]
    last_row: int                   # the last typed plan row (sheet row)
    last_input: int                 # the last one that is not empty ("   " counts as input to provisioning)
    filled: set[int]                # sheet rows the check reads (some input cell not blank)
    pairs: set[tuple[str, str]] = field(default_factory=set)  # (rule, column) with a live form, per live_rules
    flags: list = field(default_factory=list)


def build(case: Case, base: Path) -> Built:
    backend = LocalBackend(base / case.name)
    rows = Rows(case)
    plan, account = rows.plan(), rows.account()
    sid = provision(backend, f"live {case.name}", admins=ADMIN_NAMES[case.locale], locale=case.locale, template=T)
    fill_rows(backend, sid, T, plan, account)
    provision(backend, f"live {case.name}", template=T)  # the formats now cover every row
    last_input = max(i for i, r in enumerate(plan) if any(v not in (None, "") for v in r)) + 2
    filled = {i + 2 for i, r in enumerate(plan) if any(not _blank(v) for v in r)}
    built = Built(case, Path(sid), base / "helpers" / f"{case.name}.xlsx", [], {}, {}, len(plan) + 1, last_input,
                  filled)
    write_helpers(built)
    built.flags = jobs.validate(backend, sid, as_of=case.as_of, write=False).flags
    return built


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def write_helpers(b: Built):
    """A copy of the workbook whose helper cells evaluate every format at every cell of its sqref."""
    wb = openpyxl.load_workbook(b.path)
    for ws in wb.worksheets:
        rules = sorted((r.priority, str(cf.sqref), r.formula[0]) for cf in ws.conditional_formatting for r in cf.rules)
        b.cf_counts[ws.title] = len(rules)
        tab = next((t for t in TABLE_TABS if ws.title in t.titles.values()), None)
        if tab is None:
            continue
        positions = find_columns(tab, ws.title, [c.value for c in ws[1]])
        expected = live_rules(T, b.case.locale, positions, tab=tab.key)
        b.pairs |= {(r["rule"], r["column"]) for r in expected}
        next_col = max(ws.max_column, 26) + 3
        for (_, sqref, actual), live in zip(rules, expected):
            f = Format(tab.key, live["rule"], live["column"], formula.to_xlsx(live["formula"])[1:], actual, sqref)
            b.formats.append(f)
            f.helpers, next_col = evaluate(ws, sqref, actual, b.case.as_of, next_col)
            mutant = MUTANTS.get((f.rule, f.column))
            if mutant and mutant[0] in actual:  # else no mutant: its test fails, the others still run
                helpers, next_col = evaluate(ws, sqref, actual.replace(*mutant), b.case.as_of, next_col)
                b.mutants[(f.rule, f.column)] = (tab.key, helpers)
        for _, sqref, actual in rules[len(expected):]:  # formats live_rules does not know: fail the mapping test
            b.formats.append(Format(tab.key, "?", "?", "", actual, sqref))
    b.helper.parent.mkdir(parents=True, exist_ok=True)
    wb.save(b.helper)


def evaluate(ws, sqref: str, text: str, as_of: dt.date, next_col: int) -> tuple[dict[int, int], int]:
    """Helper formulas for each cell of `sqref`: `text` shifted from the top-left cell to that cell."""
    ranges = MultiCellRange(sqref).ranges
    top = min(r.min_row for r in ranges)
    left = min(r.min_col for r in ranges)
    shift = Translator("=" + deterministic_today(text, as_of), origin=f"{get_column_letter(left)}{top}")
    helpers: dict[int, int] = {}
    for rng in ranges:
        for col in range(rng.min_col, rng.max_col + 1):
            if col not in helpers:
                helpers[col], next_col = next_col, next_col + 1
            letter = get_column_letter(col)
            for row in range(rng.min_row, rng.max_row + 1):
                ws.cell(row=row, column=helpers[col]).value = shift.translate_formula(f"{letter}{row}")
    return helpers, next_col


def helper_values(ws, first_col: int) -> dict[tuple[int, int], object]:
    """(row, column) -> value of every helper cell of a recalculated sheet, in one pass over the sheet."""
    out = {}
    for row in ws.iter_rows(min_row=1, min_col=first_col):
        for c in row:
            if c.value is not None:
                out[(c.row, c.column)] = c.value
    return out


def marks(values: dict, tab: str, column: str, rule: str, sqref: str, helpers: dict[int, int], errors: list) -> set:
    """(tab, row, column, rule) of the sqref cells whose helper evaluated TRUE; non-booleans go to `errors`."""
    out = set()
    for rng in MultiCellRange(sqref).ranges:
        for col in range(rng.min_col, rng.max_col + 1):
            for row in range(rng.min_row, rng.max_row + 1):
                value = values.get((row, helpers[col]))
                if value is True:
                    out.add((tab, row, column, rule))
                elif value is not False:
                    errors.append((tab, f"{get_column_letter(col)}{row}", rule, value))
    return out


# ------------------------------------------------------------------ job side

def job_flags(b: Built) -> set:
    """Flags of the (rule, column) pairs `live_rules` has a formula for (whether or not the workbook
    holds it: a format missing from the sheet is a mismatch); for `link` rules only the "missing" ones."""
    pairs = b.pairs
    words = PROBLEMS[b.case.locale]
    missing = {r.id: r.message(b.case.locale).format(problem=words["missing"]) for r in T.rules if r.check == "link"}
    return {(f.tab, f.row, f.column, f.rule) for f in b.flags
            if (f.rule, f.column) in pairs and (f.rule not in missing or f.message == missing[f.rule])}


# ------------------------------------------------------------------ the fixture: one LibreOffice run

@dataclass
class Outcome:
    built: Built
    live: set
    job: set
    errors: list
    mutant_live: dict[tuple[str, str], set]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("live_formats")
    built = [build(case, base) for case in CASES]
    outs = recalc.convert([b.helper for b in built], "xlsx", base / "recalculated")  # one soffice call
    result = {}
    for b, out in zip(built, outs):
        wb = openpyxl.load_workbook(out, data_only=True, read_only=True)
        titles = {t.key: t.title(b.case.locale) for t in TABLE_TABS}
        first = min(c for f in b.formats for c in f.helpers.values())
        values = {tab: helper_values(wb[title], first) for tab, title in titles.items()}
        errors: list = []
        live = set()
        for f in b.formats:
            if f.rule != "?":
                live |= marks(values[f.tab], f.tab, f.column, f.rule, f.sqref, f.helpers, errors)
        mutant_live = {}
        for (rule, column), (tab, helpers) in b.mutants.items():
            sqref = next(f.sqref for f in b.formats if (f.rule, f.column) == (rule, column))
            mutant_live[(rule, column)] = marks(values[tab], tab, column, rule, sqref, helpers, [])
        wb.close()
        result[b.case.name] = Outcome(b, live, job_flags(b), errors, mutant_live)
    return result


NAMES = [c.name for c in CASES]


# ------------------------------------------------------------------ tests

@pytest.mark.parametrize("name", NAMES)
def test_live_marks_are_exactly_the_job_flags(corpus, name):
    o = corpus[name]
    only_live = sorted(o.live - o.job)
    only_job = sorted(o.job - o.live)
    assert not only_live and not only_job, (
        f"{name} (as_of {o.built.case.as_of}): {len(only_live)} cells marked live but not flagged, e.g. "
        f"{describe(o.built, only_live[:6])}; {len(only_job)} flagged but not marked live, e.g. "
        f"{describe(o.built, only_job[:6])}")


@pytest.mark.parametrize("name", NAMES)
def test_formats_are_the_live_rules_in_order(corpus, name):
    """Every conditional format of the workbook is, in order, a `live_rules` formula on its column's data rows."""
    b = corpus[name].built
    tabs = (PLAN, ACCOUNT, LEADS)
    pos = {tab.key: {c.key: i for i, c in enumerate(tab.columns)} for tab in tabs}
    expected = [r for tab in tabs for r in live_rules(T, b.case.locale, pos[tab.key], tab=tab.key)]
    assert [(f.rule, f.column) for f in b.formats] == [(r["rule"], r["column"]) for r in expected]
    assert sum(b.cf_counts.values()) == sum(b.cf_counts[tab.title(b.case.locale)] for tab in tabs) == len(expected)
    last = {"plan": b.last_input, "account": len(Rows(b.case).account()) + 1, "leads": 1}
    for f in b.formats:
        assert f.actual == f.expected, (f.rule, f.column)
        rng, = MultiCellRange(f.sqref).ranges
        at = pos[f.tab][f.column]
        assert (rng.min_col - 1, rng.max_col - 1, rng.min_row) == (at, at, 2), f.sqref
        assert rng.max_row == last[f.tab] + T.buffer_rows, f.sqref  # every typed row, and the buffer below


@pytest.mark.parametrize("name", NAMES)
def test_live_formulas_never_evaluate_to_an_error(corpus, name):
    errors = corpus[name].errors
    assert not errors, f"{len(errors)} helper cells are not TRUE/FALSE, e.g. {errors[:6]}"


def test_corpus_exercises_every_live_rule(corpus):
    """Each (rule, column) with a live form is flagged somewhere and left unflagged on some read row, and
    every workbook has many flags and some clean rows; otherwise the equality above would prove little."""
    pairs = next(iter(corpus.values())).built.pairs
    assert len(pairs) == 26 and all(o.built.pairs == pairs for o in corpus.values())
    account_rows = set(range(2, len(Rows(CASES[0]).account()) + 2))
    for pair in sorted(pairs):
        tab = next(r.tab for r in T.rules if r.id == pair[0])
        if tab == "leads":
            continue  # the corpus has no contacts (tests/test_leads.py checks the register)
        hit = [k for o in corpus.values() for k in o.job if (k[3], k[2]) == pair]
        clean = [row for o in corpus.values() for row in (o.built.filled if tab == "plan" else account_rows)
                 if (tab, row, pair[1], pair[0]) not in o.job]
        assert hit and clean, (pair, len(hit), len(clean))
    for name, o in corpus.items():
        assert len(o.job) >= 30, (name, len(o.job))
        assert o.built.filled - {row for (_, row, _, _) in o.job}, f"{name}: no clean row"
        assert len(o.built.filled) < o.built.last_row - 1, f"{name}: no empty row between filled ones"
    # the job also flagged links that are filled but wrong (not a URL, a repeat): no live form, left out
    assert any(f.rule == "link" and (f.tab, f.row, f.column, f.rule) not in o.job
               for o in corpus.values() for f in o.built.flags)


def test_the_comparison_catches_mutated_formulas(corpus):
    """A live formula with one operator or function changed disagrees with the job on the corpus."""
    for pair in MUTANTS:
        missing = [name for name, o in corpus.items() if pair not in o.mutant_live]
        assert not missing, f"mutant {pair}: {MUTANTS[pair][0]!r} is not in the formula any more (in {missing})"
        differs = [name for name, o in corpus.items()
                   if o.mutant_live[pair] != {k for k in o.job if (k[3], k[2]) == pair}]
        assert differs, f"mutant {pair} {MUTANTS[pair]} went unnoticed: the corpus does not reach its edge"
        # and the real formula agrees on that same column
        for o in corpus.values():
            assert {k for k in o.live if (k[3], k[2]) == pair} == {k for k in o.job if (k[3], k[2]) == pair}


# ------------------------------------------------------------------ messages

def describe(b: Built, keys: list) -> list[str]:
    """A mismatch with the row's cells, to see at a glance which side is wrong."""
    if not keys:
        return []
    wb = openpyxl.load_workbook(b.path)
    out = []
    for tab, row, column, rule in keys:
        ws = wb[T.tab(tab).title(b.case.locale)]
        cells = {c.key: ws.cell(row=row, column=i + 1).value for i, c in enumerate(T.tab(tab).input_columns)}
        out.append(f"{rule}/{column} row {row}: {cells}")
    return out
