"""The Check and Weekly tabs as people see them: widths that show each column, the
header rows frozen, rule names in the workbook's language, every flag with its tab; the charts
under the main block where the screen shows them, the week in progress marked and left out of
the charts and of week-over-week, the helper columns hidden. Rendered by LibreOffice to PNG."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
from pathlib import Path

import openpyxl
import pytest

from sheets_plan.jobs import project as jobs
from sheets_plan.tabs import check_tab
from sheets_plan.core import metrics
from sheets_plan.core.dates import monday
from sheets_plan.jobs.demo import run_demo
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.read import load_snapshot
from sheets_plan.core.template_load import load
from sheets_plan_emulators.office import recalc

from .person import chart_anchors

AS_OF = dt.date(2026, 3, 18)  # a Wednesday: the week of 16.03 is in progress
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("seen")
    return Path(run_demo(folder / "demo", locale="ru", as_of=AS_OF).path)


def _renderer():
    spec = importlib.util.spec_from_file_location("render_weekly", ROOT / "docs" / "render_weekly.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_the_check_tab_can_be_read(demo):
    ws = openpyxl.load_workbook(demo)["Проверка"]
    assert ws.freeze_panes == "A3"  # the title and the header stay on screen
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    assert [round(w * 7) for w in widths] == list(check_tab.CHECK_WIDTHS)
    rules = [ws.cell(r, 4).value for r in range(3, ws.max_row + 1) if ws.cell(r, 4).value]
    template = load()
    assert set(rules) <= {r.name("ru") for r in template.rules} and "Текст поста" in rules  # no rule ids
    cells = [ws.cell(r, 3).value for r in range(3, ws.max_row + 1) if ws.cell(r, 3).value]
    shown = [re.search(r',"([^"]*)"\)$', c).group(1) for c in cells]
    assert all(s.startswith(("Контент-план", "Аккаунт", "Лиды")) for s in shown)  # every flag names its tab
    assert any(s.startswith("Лиды") for s in shown)  # the register's flags too
    assert "Аккаунт" in shown  # a missing week: the tab itself, not a bare "A1"


@pytest.mark.libreoffice
def test_the_weekly_tab_shows_its_charts_and_marks_the_week_in_progress(demo, tmp_path):
    template = load()
    snap = load_snapshot(LocalBackend(demo.parent), str(demo), template, as_of=AS_OF)
    layout = jobs.weekly_layout(snap)
    title = snap.titles["weekly"]
    weeks = jobs.plan_weeks(snap)
    assert weeks[-1] == monday(AS_OF)
    main_end = 2 + len(weeks)
    anchors = sorted(chart_anchors(demo, title))
    assert [a[1] for a in anchors] == [main_end + 1] * 2  # under the main block
    assert anchors[0][0] == 3 and 3 < anchors[1][0] < 14  # from column D, side by side: on screen

    wb = openpyxl.load_workbook(demo)
    ws = wb[title]
    assert ws.freeze_panes == "A3"
    helpers = [c for k, c in layout.columns.items() if k.startswith(metrics.ACCOUNT_ROW)]
    letters = [openpyxl.utils.get_column_letter(c + 1) for c in helpers]
    assert all(ws.column_dimensions[x].hidden for x in letters)
    header = [c.value for c in ws[2]]
    for c, label in enumerate(header[:helpers[0]]):  # a header's longest word fits on one line
        longest = max(len(w) for w in label.split())
        assert ws.column_dimensions[openpyxl.utils.get_column_letter(c + 1)].width * 7 >= 9 * longest, label
    assert openpyxl.load_workbook(demo)["Контент-план"].column_dimensions["Q"].width * 7 >= 94  # no ###

    partial_row = main_end  # 1-based sheet row of the week in progress
    assert ws.cell(partial_row, 1).number_format == 'dd.mm.yyyy "(идёт)"' and ws.cell(partial_row, 1).font.i
    assert ws.cell(partial_row - 1, 1).number_format == "dd.mm.yyyy"
    recalculated, = recalc.convert([demo], "xlsx", tmp_path)
    values = openpyxl.load_workbook(recalculated, data_only=True)[title]
    for key in metrics.WEEK_OVER_WEEK:
        column = layout.columns[key] + 1
        assert values.cell(partial_row, column).value in (None, "")  # no −100 % for a week that goes on
        assert values.cell(partial_row - 1, column).value is not None or key.startswith("er")
    for chart in [r["addChart"]["chart"] for r in layout.requests if "addChart" in r]:
        source = chart["spec"]["basicChart"]["domains"][0]["domain"]["sourceRange"]["sources"][0]
        assert source["endRowIndex"] == main_end - 1  # the week in progress is not drawn


@pytest.mark.libreoffice
def test_the_tabs_render_to_png(demo, tmp_path):
    render = _renderer()
    for tab in ("weekly", "check"):
        copy = render.presentation_copy(demo, tmp_path / f"{tab}.xlsx", tab)
        png = tmp_path / f"{tab}.png"
        render.render(copy, png, tmp_path / f"work-{tab}")
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert width > 600 and height > 200, (tab, width, height)


@pytest.mark.libreoffice
def test_in_libreoffice_every_row_of_the_tool_s_tabs_is_as_tall_as_its_wrapped_text(demo, office):
    """LibreOffice does not measure rows when it opens an xlsx file: a Check message that wraps
    ran over the rows below. Each row is now at least as tall as Calc's own fit makes it."""
    for title in ("Проверка", "Статистика по неделям", "KPI"):
        heights = office.row_heights(demo, title)
        short = [(row, shown, fitted) for row, shown, fitted in heights if shown + 20 < fitted]  # 0.2 mm: rounding
        assert short == [], title
        if title == "Проверка":
            assert sum(fitted > 700 for _, _, fitted in heights) >= 2  # messages that wrap are there to fit
