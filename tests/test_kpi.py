"""The KPI tab's history: what each week's last check found per admin comes back from the Log."""

from __future__ import annotations

import datetime as dt

import pytest

import openpyxl

from sheets_plan.jobs import project as jobs
from sheets_plan.core import kpis
from sheets_plan.jobs.demo import fill_rows, sample_leads, sample_rows
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision
from .constants import TEMPLATE as T

WEEK1, WEEK2 = dt.date(2026, 3, 11), dt.date(2026, 3, 18)  # a Wednesday each, a week apart
RUN = dt.datetime(2026, 3, 18, 9, 0)


@pytest.mark.slow
def test_past_weeks_show_what_their_last_check_found(tmp_path):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "History", admins=["Анна", "Борис", "Вера"], locale="ru", template=T)
    plan, account = sample_rows(T, "ru", WEEK2)
    fill_rows(backend, path, T, plan, account, sample_leads(T, "ru", WEEK2))
    first = jobs.validate(backend, path, template=T, as_of=WEEK1, run_at=RUN)
    again = jobs.validate(backend, path, template=T, as_of=WEEK1, run_at=RUN)  # the same day: its Log row replaced
    run = jobs.run_project(backend, path, template=T, as_of=WEEK2, run_at=RUN)

    found = kpis.static_figures(run.snapshot, first)
    frame = jobs.kpi_figures(run.snapshot, run.report)
    monday1, monday2 = dt.date(2026, 3, 9), dt.date(2026, 3, 16)
    for admin in ("Анна", "Борис", "Вера"):
        for key in kpis.STATIC:
            assert frame.loc[(admin, monday1), key] == found[admin][key], (admin, key)  # from the Log
        assert frame.loc[(admin, monday2), "open_flags"] == sum(f.admin == admin for f in run.report.flags)
    assert frame.loc[(slice(None), monday1), "open_flags"].sum() > 0 and first.flags == again.flags
    assert frame.loc[(slice(None), monday2), "overdue"].sum() > 0

    # the KPI tab holds the same values, in the rows of their weeks
    snap = run.snapshot
    layout = jobs.kpi_layout(snap, run.report)
    ws = openpyxl.load_workbook(path)[snap.titles["kpi"]]
    for (admin, week, key), (r, c) in layout.cells.items():
        if key in kpis.STATIC and week in (monday1, monday2):
            assert ws.cell(row=r + 1, column=c + 1).value == frame.loc[(admin, week), key], (admin, week, key)
    log = openpyxl.load_workbook(path)[snap.titles["log"]]
    days = [row[1] for row in log.iter_rows(min_row=2, values_only=True) if row[1] is not None]
    assert len(days) == 2  # one row per as-of date, however many runs
    header = [c.value for c in log[1]]
    assert "Анна, замечаний" in header and "Вера, статистика не в срок" in header


def test_with_stats_counts_by_the_facts_the_stats_rules_ask_by():
    """The KPI's "with stats" and the template's stats rules know the same thing: which stats each
    platform does not give (VK: saves; Telegram: saves, reach). A template that asks a platform for
    a figure the KPI does not count it by (or the other way round) fails here."""
    from sheets_plan.core.metrics.catalog import NOT_GIVEN, _STATS
    from sheets_plan.core.template_load import load

    template = load()
    asked = {}
    for platform in [c.key for c in template.tab_of_kind("plan").column("platform").choices]:
        asked[platform] = {column for rule in template.rules if rule.after_stats_days and rule.tab == "plan"
                           and platform not in rule.unless.get("platform", ()) for column in rule.columns}
    assert {p: tuple(k for k in _STATS if k not in cols) for p, cols in asked.items() if set(_STATS) - cols} \
        == NOT_GIVEN
    assert all(cols == set(_STATS) for p, cols in asked.items() if p not in NOT_GIVEN)
