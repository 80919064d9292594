"""One project, read once: metadata (1 request) and the tabs' cells (1 request), whatever the rows."""

from __future__ import annotations

import datetime as dt

from sheets_plan.backends.base import Backend
from sheets_plan.core.template import OPTIONAL_KINDS, TABLE_KINDS, Template
from sheets_plan.errors import RunError
from sheets_plan.sheets.a1 import quote_title
from sheets_plan.tabs.snapshot import Snapshot, snapshot_of, tab_titles


def load_snapshot(backend: Backend, sid: str, template: Template, *, as_of: dt.date,
                  project: str = "") -> Snapshot:
    meta = backend.get(sid)
    titles, present = tab_titles(meta, template)
    name = project or meta.get("properties", {}).get("title", sid)
    read_keys = [t.key for t in template.tabs if t.kind in TABLE_KINDS and (t.kind not in OPTIONAL_KINDS
                                                                            or t.key in present)]
    for key in read_keys:
        if key not in present:
            raise RunError(f"{name}: no tab “{titles[key]}” (renamed or deleted?); "
                           f"rename it back or run `sheets-plan provision` to recreate it")
    read_keys += [k for k in ("log",) if k in present]
    grids = dict(zip(read_keys, backend.read(sid, [quote_title(titles[k]) for k in read_keys])))
    return snapshot_of(sid, template, meta, grids, as_of=as_of, project=name)
