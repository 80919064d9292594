"""A project's own state files (what `remind` sent, what the last AmoCRM read found): where they are
kept, and written whole or not at all."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sheets_plan.backends.base import Backend


def state_path(backend: Backend, sid: str, given: str | Path | None, kind: str) -> Path:
    """Given, or beside a local workbook (.NAME.KIND.json), or ./.sheets-plan/ID.KIND.json for a Google
    spreadsheet."""
    if given:
        return Path(given)
    if backend.kind == "local":
        path = Path(sid)
        return path.with_name(f".{path.stem}.{kind}.json")
    return Path(".sheets-plan") / f"{sid}.{kind}.json"


def save_json(path: Path, data, *, private: bool = False, **dump) -> None:
    """Replace the file at once (a run cut short leaves the old one); `private`: its owner's only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    if private:
        os.chmod(tmp, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, **dump)
    os.replace(tmp, path)
