"""An account's answers recorded in a file (the demo's): the client's reading methods over them, so
`read_account` and everything after it run as on a live account, offline. No paging, no pace: the
answers are already all here; the lists are filtered as the reads ask."""

from __future__ import annotations

import json
from pathlib import Path

from sheets_plan.errors import RunError


class RecordedAccount:
    """Duck-types AmoClient's `all` and `call` for the reads `read_account` makes."""

    def __init__(self, path: str | Path):
        try:
            self.answers = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise RunError(f"{path}: cannot read the recorded AmoCRM answers ({type(e).__name__})") from None
        self.requests = 0

    def call(self, method: str, path: str, **_) -> dict:
        self.requests += 1
        if method != "GET":
            raise RunError(f"the recorded AmoCRM answers (the demo's) take no writes: {method} {path} not sent")
        if path != "leads/pipelines":
            raise RunError(f"recorded AmoCRM answers: nothing recorded for {method} {path}")
        return {"_embedded": {"pipelines": self.answers["pipelines"]}}

    def all(self, path: str, key: str, params=None, limit: int = 250) -> list[dict]:
        self.requests += 1
        params = list(params.items()) if isinstance(params, dict) else list(params or [])
        rows = {"users": "users", "leads/custom_fields": "lead_fields", "contacts/custom_fields": "contact_fields",
                "leads": "leads", "contacts": "contacts", "tasks": "tasks", "events": "events"}.get(path)
        if rows is None:
            raise RunError(f"recorded AmoCRM answers: nothing recorded for {path}")
        out = list(self.answers[rows])
        ids = {int(v) for n, v in params if n == "filter[id][]"}
        if ids:
            out = [r for r in out if r["id"] in ids]
        for name, value in params:
            out = [r for r in out if _keeps(name, value, r)]
        return out


def _keeps(name: str, value, row: dict) -> bool:
    if name.endswith("[from]"):
        return row[name.split("[")[1].rstrip("]")] >= int(value)
    if name == "filter[is_completed]":
        return bool(row.get("is_completed")) == (str(value) == "1")
    return True
