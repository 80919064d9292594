"""One truth: on every spelling admins really type, the Weekly tab (recalculated
by LibreOffice) equals `report --format json`, and every cell the sheet's
formulas do not count carries a flag.

A hypothesis property test, seeded, 50 examples. Each example is a plan and
an Account tab whose cells mix every spelling the reader accepts: numbers as
text with spaces, nbsp or thin spaces; dates as text in every accepted
format, with and without a time; choices in the other language, in another
letter case, with padding; Account weeks as text and twice. Each workbook
goes through the weekly job (check + summary); they are recalculated by
soffice in batches of ten, each while the next ten are being made, and
compared cell by cell with the report (main block, per platform, per admin).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st

from sheets_plan import LocalBackend, provision
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.core import report_table
from sheets_plan.cli.commands import cli
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.sheets.values import serial
from sheets_plan_emulators.office import recalc
from tests.helpers import weekly_differences
from .constants import TEMPLATE

# The Weekly tab against report, on many workbooks: without the What works tab, whose formulas
# LibreOffice would recalculate in every one of them (tests/test_works.py compares that tab)
T = dataclasses.replace(TEMPLATE, tabs=tuple(t for t in TEMPLATE.tabs if t.kind != "works"))

pytestmark = pytest.mark.libreoffice  # every test here compares with LibreOffice's recalculation

FIRST = dt.date(2026, 3, 2)  # a Monday
AS_OF = dt.date(2026, 4, 8)
EXAMPLES = 50
BATCH = 10  # workbooks per soffice run: all but the last run overlap with making the next examples
PLATFORMS = ("Instagram", "VK", "Telegram")
ADMINS = {"ru": ("Анна", "Борис"), "en": ("Anna", "Boris")}
STATUS = {c.key: c.labels for c in T.tab("plan").column("status").choices}
FORMATS = {c.key: c.labels for c in T.tab("plan").column("format").choices}
KEYS = [c.key for c in T.tab("plan").input_columns]
STATS = ("likes", "comments", "saves", "shares", "reach", "views")
RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
             "ноября", "декабря"]


# ------------------------------------------------------------------ spellings

def number_spelling(draw, n: int):
    """(cell value, counted by the formulas)."""
    how = draw(st.sampled_from(["number", "number", "number", "grouped", "trailing", "digits"]))
    if how == "number":
        return n, True
    if how == "grouped":
        sep = draw(st.sampled_from([" ", "\u00a0", "\u2009", "\u202f"]))
        return f"{n:,}".replace(",", sep) if n >= 1000 else f"{n}{sep}", False
    return (f"{n} " if how == "trailing" else str(n)), False


def date_spelling(draw, day: dt.date, locale: str):
    how = draw(st.sampled_from(["serial", "serial", "serial", "time", "dotted", "short", "iso", "slashed",
                                "with_time", "words"]))
    if how == "serial":
        return serial(day), True
    if how == "time":
        return serial(day) + 0.75, True
    text = {"dotted": f"{day:%d.%m.%Y}", "short": f"{day:%d.%m}", "iso": f"{day:%Y-%m-%d}",
            "slashed": f"{day:%d/%m/%Y}", "with_time": f"{day:%d.%m.%Y} 18:30",
            "words": f"{day.day} {RU_MONTHS[day.month - 1]} {day.year}" if locale == "ru"
            else f"{day.day} {day:%B} {day.year}"}[how]
    return text, False


def choice_spelling(draw, label: str, other: str | None):
    how = draw(st.sampled_from(["exact", "exact", "exact", "upper", "lower", "padded", "other"]))
    if how == "exact" or (how == "other" and (other is None or other.lower() == label.lower())):
        return label, True
    if how in ("upper", "lower"):
        spelled = label.upper() if how == "upper" else label.lower()
        return spelled, True  # a criterion ignores letter case: counted (fix still tidies it)
    if how == "padded":
        return draw(st.sampled_from([f"{label} ", f" {label}", f" {label}  "])), False
    return other, False


@st.composite
def projects(draw):
    locale = draw(st.sampled_from(["ru", "en"]))
    other = "en" if locale == "ru" else "ru"
    admins = ADMINS[locale]
    uncounted: set[tuple[str, str]] = set()  # (tab, A1) the formulas do not count
    plan = []
    for i in range(draw(st.integers(4, 16))):
        r = i + 2
        day = FIRST + dt.timedelta(days=draw(st.integers(0, (AS_OF - FIRST).days + 3)))
        status = draw(st.sampled_from(["published"] * 4 + ["idea", "ready"]))
        row = {}

        def put(key, spelled):
            value, counted = spelled
            row[key] = value
            if not counted:
                uncounted.add(("plan", f"{col_letter(KEYS.index(key))}{r}"))

        put("date", date_spelling(draw, day, locale))
        put("platform", choice_spelling(draw, draw(st.sampled_from(PLATFORMS)), None))
        row["format"] = FORMATS["post"][locale]
        row["topic"] = f"topic {r}"
        row["caption"] = "text"
        who = draw(st.integers(0, 1))
        put("responsible", choice_spelling(draw, admins[who], None))
        put("status", choice_spelling(draw, STATUS[status][locale], STATUS[status][other]))
        row["link"] = f"https://t.me/c/{r}"
        if status == "published":
            for key in STATS:
                if draw(st.integers(0, 9)):
                    put(key, number_spelling(draw, draw(st.integers(0, 4000))))
        plan.append([row.get(k) for k in KEYS])

    account = []
    for w in range(6):
        monday = FIRST + dt.timedelta(weeks=w)
        if not draw(st.integers(0, 5)):
            continue  # a week with no row
        for _twice in range(draw(st.sampled_from([1, 1, 1, 2]))):
            r = len(account) + 2
            week = date_spelling(draw, monday + dt.timedelta(days=draw(st.integers(0, 6))), locale)
            followers = number_spelling(draw, draw(st.integers(1000, 9000)))
            for col, (_, counted) in (("A", week), ("C", followers)):
                if not counted:
                    uncounted.add(("account", f"{col}{r}"))
            account.append([week[0], "Instagram", followers[0], draw(st.integers(0, 50)), draw(st.integers(0, 20)),
                            draw(st.integers(0, 5))])
    return locale, plan, account, uncounted


# ------------------------------------------------------------------ the run

@dataclass
class Example:
    path: Path
    locale: str
    snap: object
    layout: object
    reports: dict          # by (None, "platform", "responsible") -> `report --format json` rows
    flagged: set          # (tab, A1) with a `counted` flag
    uncounted: set


def report_json(path: Path, snap, by: str | None) -> list[dict]:
    """`report --format json`: the command itself for the main block; for the breakdowns what it
    calls (`trend.to_json` of `jobs.figures`) on the snapshot the weekly job read (a CLI run
    rereads the workbook: 0.2 s each)."""
    if by is None:
        result = CliRunner().invoke(cli, ["report", str(path), "--as-of", AS_OF.isoformat(), "--weeks", "26",
                                          "--format", "json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)
    return json.loads(json.dumps(report_table.to_json(jobs.figures(snap, 26, by))))


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> list[Example]:
    base = tmp_path_factory.mktemp("one_truth")
    blanks = {loc: provision(LocalBackend(base / f"blank_{loc}"), "Truth", admins=list(ADMINS[loc]), locale=loc,
                             template=T) for loc in ("ru", "en")}
    out: list[Example] = []
    recalculating = ThreadPoolExecutor(max_workers=1)  # soffice on one core while examples are made on the other
    batches = []

    def recalculate(examples: list[Example]):
        paths = [e.path for e in examples]
        batches.append(recalculating.submit(recalc.convert, paths, "xlsx", base / f"recalculated{len(batches)}"))

    @seed(20261130)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(projects())
    def run(project):
        locale, plan, account, uncounted = project
        folder = base / f"p{len(out):03d}"
        folder.mkdir()
        path = folder / f"truth_{len(out):03d}.xlsx"
        shutil.copy(blanks[locale], path)
        backend = LocalBackend(folder)
        demo.fill_rows(backend, str(path), T, plan, account)
        done = jobs.run_project(backend, str(path), template=T, as_of=AS_OF)  # the weekly job: check + summary
        reports = {by: report_json(path, done.snapshot, by) for by in (None, "platform", "responsible")}
        flagged = {(f.tab, f.cell) for f in done.report.flags if f.rule in ("counted", "account_counted")}
        out.append(Example(path, locale, done.snapshot, jobs.weekly_layout(done.snapshot), reports, flagged,
                           uncounted))
        if len(out) % BATCH == 0:
            recalculate(out[-BATCH:])

    run()
    if len(out) % BATCH:
        recalculate(out[-(len(out) % BATCH):])
    outs = [path for batch in batches for path in batch.result()]
    recalculating.shutdown()
    for e, recalculated in zip(out, outs, strict=True):
        e.path = recalculated
    return out


def test_enough_examples_with_every_kind_of_spelling(examples):
    assert len(examples) >= EXAMPLES
    assert sum(bool(e.uncounted) for e in examples) >= EXAMPLES // 2
    assert {e.locale for e in examples} == {"ru", "en"}


def test_every_weekly_figure_equals_the_report(examples):
    compared = 0
    for e in examples:
        problems, n = weekly_differences(e.path, e.snap, e.layout, e.reports)
        assert not problems, f"{e.path.name}: {len(problems)} figures differ, e.g. {problems[:6]}"
        compared += n
    assert compared > 5000


def test_every_uncounted_cell_is_flagged_and_only_those(examples):
    for e in examples:
        assert e.uncounted == e.flagged, (e.path.name, e.uncounted ^ e.flagged)
