"""One project, read once: metadata (1 request) and the tabs' cells (1 request), whatever the rows."""

from __future__ import annotations

import datetime as dt

from sheets_plan.backends.base import Backend
from sheets_plan.core.template import OPTIONAL_KINDS, TABLE_KINDS, Template
from sheets_plan.errors import RunError
from sheets_plan.sheets.a1 import quote_title
from sheets_plan.tabs import lists_tab, structure
from sheets_plan.tabs.advice import advice
from sheets_plan.tabs.snapshot import LISTS, Snapshot, project_locale, snapshot_of, tab_titles


def load_snapshot(backend: Backend, sid: str, template: Template, *, as_of: dt.date,
                  project: str = "") -> Snapshot:
    meta = backend.get(sid)
    titles, present = tab_titles(meta, template)
    name = project or meta.get("properties", {}).get("title", sid)
    read_keys = [t.key for t in template.tabs if t.kind in TABLE_KINDS and (t.kind not in OPTIONAL_KINDS
                                                                            or t.key in present)]
    for key in read_keys:
        if key not in present:
            # a workbook the tool made lacks a tab a person renamed or deleted; one it did not make,
            # the whole project: provision writes a new one (it will not overwrite this file)
            kind = "no_tab" if structure.metadata(meta, structure.META_LOCALE) else "not_ours"
            raise RunError(advice(project_locale(meta, template), kind, name=name, title=titles[key]))
    read_keys += [k for k in ("log",) if k in present]
    ranges = [quote_title(titles[k]) for k in read_keys]
    lists = lists_tab.lists_sheet(meta)
    if lists is not None:  # the admins' and rubrics' names, where the dropdowns read them
        read_keys.append(LISTS)
        ranges.append(quote_title(lists["properties"]["title"]))
    grids = dict(zip(read_keys, backend.read(sid, ranges)))
    return snapshot_of(sid, template, meta, grids, as_of=as_of, project=name)
