"""What works: the tab's live formulas, recalculated by LibreOffice, equal `report --by …` (pandas)
on every figure, on the demo and after a person's edits in Calc (an hour typed as text, a format
left empty, a rubric renamed in the dropdown's list); the check flags those edits; no formula is long."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend
from sheets_plan.cli.commands import WORKS_BY, cli
from sheets_plan.core import works
from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import run_demo
from sheets_plan.jobs.works import posts_of, spans_of, works_layout
from sheets_plan_emulators.office import recalc

AS_OF = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return Path(run_demo(tmp_path_factory.mktemp("works") / "demo", locale="en", as_of=AS_OF).path)


def report_json(path: Path, by: str, weeks: int = 8) -> list[dict]:
    out = CliRunner().invoke(cli, ["report", str(path), "--as-of", AS_OF.isoformat(), "--by", by, "--weeks",
                                   str(weeks), "--format", "json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def same(a, b) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def differences(path: Path, outdir: Path) -> list[tuple]:
    """Every figure of the What works tab (LibreOffice's recalculation) that `report --by` does not
    give, and every best-time cell that pandas does not."""
    snap = jobs.start(LocalBackend(path.parent), str(path), None, AS_OF)
    cells = works_layout(snap).cells
    tab = openpyxl.load_workbook(recalc.recalculate(path, outdir), data_only=True)["What works"]
    out = []
    for by in WORKS_BY:
        for item in report_json(path, by):
            label = item[by]
            key = ("all_posts", label) if label == works.ALL_POSTS["en"] else (by, label)
            for period in works.PERIODS:
                for figure, value in item[period].items():
                    r, c = cells[(*key, period, figure)]
                    shown = tab.cell(r + 1, c + 1).value
                    if not same(shown, value):
                        out.append((by, label, period, figure, shown, value))
    posts, span = posts_of(snap), spans_of(snap, snap.template.works)["all"]
    for (kind, platform, weekday, slot), (r, c) in ((k, v) for k, v in cells.items() if k[0] == "grid"):
        expected = works.best_time(posts, span, platform, snap.template.works).loc[weekday, slot]
        shown = tab.cell(r + 1, c + 1).value
        if not same(shown, None if math.isnan(expected) else expected):
            out.append((kind, platform, weekday, slot, shown, expected))
    return out


@pytest.mark.libreoffice
def test_the_demo_s_what_works_tab_recalculated_by_libreoffice_equals_report(demo, tmp_path):
    assert differences(demo, tmp_path) == []
    assert WORKS_BY == works.DIMENSIONS  # the CLI's choices, written out so --help imports no pandas
    rubrics = [item["rubric"] for item in report_json(demo, "rubric")]
    assert rubrics[0] == "All posts" and len(rubrics) > 3
    hours = report_json(demo, "hour")
    assert [h["hour"] for h in hours[1:]] == ["00–09", "09–12", "12–15", "15–18", "18–21", "21–24"]
    assert hours[1]["all"] == {"posts": 0, "reach_per_post": None, "err": None, "er_view": None, "err_diff": None,
                               "er_view_diff": None}  # nobody posts at night: a count, no ratio
    assert sum(h["all"]["posts"] for h in hours[1:]) == hours[0]["all"]["posts"]


def test_no_formula_of_the_tab_is_long_and_none_has_a_decimal(demo):
    snap = jobs.start(LocalBackend(demo.parent), str(demo), None, AS_OF)
    texts = [v["userEnteredValue"]["formulaValue"] for request in works_layout(snap).requests
             for row in request.get("updateCells", {}).get("rows", []) for v in row["values"]
             if "formulaValue" in v.get("userEnteredValue", {})]
    assert len(texts) > 500 and max(map(len, texts)) <= 500
    assert not [t for t in texts if re.search(r"\d\.\d", t)]  # the decimal comma never matters


def test_too_few_posts_show_their_count_and_no_ratio(demo):
    by_platform_format = report_json(demo, "platform_format", weeks=1)
    few = [g for g in by_platform_format if 0 < g["recent"]["posts"] < 3]
    assert few and all(g["recent"]["err"] is None and g["recent"]["err_diff"] is None for g in few)


@pytest.mark.libreoffice
def test_a_person_s_edits_are_flagged_and_the_tab_still_equals_report(tmp_path, office):
    """In Calc a person types an hour as text ("18.00"), leaves a published post's format empty,
    renames the rubric "Team" to "Our people" in the Lists tab (the dropdown's list) and picks it
    in one post; the check flags the first two and every post still under "Team" (no longer in the
    list), the refreshed tab counts the text hour in no slot, the post without a format in no
    format, each rubric as the sheet holds it, and LibreOffice's recalculation still equals report."""
    path = Path(run_demo(tmp_path / "demo", locale="en", as_of=AS_OF).path)
    wb = openpyxl.load_workbook(path)
    plan = wb["Plan"]
    assert [c.value for c in wb["Lists"]["B"][:5]] == ["Rubrics", "Product", "Team", "Offers", "Reviews"]
    published = [r for r in range(2, plan.max_row + 1) if plan.cell(r, 9).value == "published"
                 and plan.cell(r, 1).value and plan.cell(r, 4).value and plan.cell(r, 5).value]
    hour_row, format_row = published[3], published[5]
    rubric_row = next(r for r in published[6:] if plan.cell(r, 5).value == "Team")
    team = {r for r in range(2, plan.max_row + 1) if plan.cell(r, 5).value == "Team"} - {rubric_row}
    office.edit(path, [["set", "Lists", "B3", "Our people"], ["unprotect", "Plan"],
                       ["set", "Plan", f"B{hour_row}", "18.00"], ["set", "Plan", f"D{format_row}", ""],
                       ["set", "Plan", f"E{rubric_row}", "Our people"]])
    report = jobs.validate(LocalBackend(path.parent), str(path), as_of=AS_OF)
    flagged = {(f.rule, f.cell) for f in report.flags}
    assert ("counted", f"B{hour_row}") in flagged and ("required", f"D{format_row}") in flagged
    rubrics = {f.cell: f.message for f in report.flags if f.column == "rubric" and f.rule == "types"}
    assert set(rubrics) == {f"E{r}" for r in team} and len(team) > 3
    assert set(rubrics.values()) == {"Rubric: “Team” — not among the rubrics (the Lists tab)"}
    jobs.summarize(LocalBackend(path.parent), str(path), as_of=AS_OF)
    assert differences(path, tmp_path / "out") == []
    groups = {g["rubric"]: g for g in report_json(path, "rubric")}
    assert groups["Our people"]["all"]["posts"] == 1 and groups["Our people"]["all"]["err"] is None
    assert groups["Team"]["all"]["posts"] > 0  # the posts still under the old name, counted as the sheet holds them
    hours = report_json(path, "hour")
    assert sum(h["all"]["posts"] for h in hours[1:]) == hours[0]["all"]["posts"] - 1  # "18.00": in no slot
