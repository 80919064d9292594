"""What works for a project: its What works tab (written by `summarize` and the weekly job) and
`report --by rubric|format|platform_format|weekday|hour`, from the same snapshot, so the tab's
formulas and the report count the same posts (see core/works.py)."""

from __future__ import annotations

import dataclasses

import pandas as pd

from sheets_plan.core import metrics, plan_span, sheet_view, works
from sheets_plan.core.cells import TEXT
from sheets_plan.core.template import WorksSpec
from sheets_plan.tabs import tool_tab, works_tab
from sheets_plan.tabs.snapshot import Snapshot

TEXTS = ("status", "rubric", "format", "platform")


def posts_of(snap: Snapshot) -> pd.DataFrame:
    """The plan's published posts as the tab's formulas see them (core.works.posts_frame)."""
    table = snap.tables[snap.template.tab_of_kind("plan").key]
    texts = {k: table.cells[k].raw.where(table.cells[k].kind == TEXT, None).astype(object) for k in TEXTS}
    times = table.cells["time"].number
    return works.posts_frame(sheet_view.sheet_view(table), times, texts, snap.template.published(snap.locale))


def spans_of(snap: Snapshot, spec: WorksSpec, as_of=None) -> dict[str, works.Period]:
    """The periods up to `as_of`'s week (the snapshot's day by default), from the first week of any
    dated row (a year typo stretches nothing)."""
    as_of = as_of or snap.as_of
    return works.periods(plan_span.first_week(snap.template, snap.tables, as_of), as_of, spec)


def works_figures(snap: Snapshot, by: str, weeks: int | None = None) -> pd.DataFrame:
    """The What works table of one dimension (`weeks`: the recent period, else the template's)."""
    spec = snap.template.works if weeks is None else dataclasses.replace(snap.template.works, weeks=weeks)
    return works.works_figures(posts_of(snap), spans_of(snap, spec), spec, snap.locale, by)


def works_layout(snap: Snapshot) -> works_tab.WorksLayout:
    """The What works tab as `summarize` builds it: its requests and where every figure lands."""
    tab = snap.template.optional_tab("works")
    plan = snap.template.tab_of_kind("plan")
    src = metrics.Sources.from_template(snap.template, snap.locale, snap.titles["plan"], snap.titles["account"],
                                        {key: table.positions for key, table in snap.tables.items()})
    old = len((snap.sheet(tab.key) or {}).get("conditionalFormats", []))
    return works_tab.build_works(src, snap.locale, sheet_id=snap.sheet_ids[tab.key], spec=snap.template.works,
                                 spans=spans_of(snap, snap.template.works), posts=posts_of(snap),
                                 labels={k: plan.column(k).label(snap.locale) for k in ("rubric", "format")},
                                 old_rules=old)


def works_requests(snap: Snapshot) -> list[dict]:
    """The What works tab made (or grown) and rebuilt; nothing when the template leaves it out."""
    tab = snap.template.optional_tab("works")
    if tab is None:
        return []
    layout = works_layout(snap)
    return tool_tab.ensure_tab(snap, tab.key, layout.rows + 10, works_tab.LAST + 1) + layout.requests
