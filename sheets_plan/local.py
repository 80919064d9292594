"""LocalBackend: the embedded default. A folder of .xlsx workbooks.

The spreadsheet id is the workbook's path. Each batch_update is applied to
the in-memory model and saved atomically, so a failed run never leaves a
half-written workbook behind.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import xlsx
from .backend import ProjectRef, RunError
from .grid import Grid, quote_title
from .model import ModelError, Spreadsheet


def workbook_path(folder: str | Path, project: str) -> Path:
    """A file name from a project name: only what file systems refuse is replaced."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", project).strip(" .") or "project"
    return Path(folder) / f"{safe}.xlsx"


class LocalBackend:
    kind = "local"

    def __init__(self, folder: str | Path = "."):
        self.folder = Path(folder)
        self._open: dict[str, tuple[float, Spreadsheet, dict]] = {}

    # The model is cached per path and mtime: a command reads a workbook once.
    def _load(self, sid: str) -> tuple[Spreadsheet, dict]:
        path = Path(sid)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            raise RunError(f"{sid}: no such workbook") from None
        cached = self._open.get(sid)
        if cached and cached[0] == mtime:
            return cached[1], cached[2]
        try:
            book, tags = xlsx.load(path)
        except xlsx.WorkbookError as e:
            raise RunError(str(e)) from None
        self._open[sid] = (mtime, book, tags)
        return book, tags

    def _save(self, sid: str, book: Spreadsheet, tags: dict):
        try:
            xlsx.save(book, tags, sid)
        except xlsx.WorkbookError as e:
            self._open.pop(sid, None)
            raise RunError(str(e)) from None
        self._open[sid] = (Path(sid).stat().st_mtime_ns, book, tags)

    def create(self, title: str, tags: dict[str, str], *, locale: str, time_zone: str) -> str:
        path = workbook_path(self.folder, title)
        if path.exists():
            raise RunError(f"{path}: already exists")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunError(f"{self.folder}: cannot create folder: {e.strerror}") from None
        book = Spreadsheet(str(path), title, locale=locale, time_zone=time_zone)
        book.batch_update([{"addSheet": {"properties": {"title": "Sheet1", "sheetId": 0}}}])
        self._save(str(path), book, dict(tags))
        return str(path)

    def copy(self, source: str, title: str, tags: dict[str, str]) -> str:
        """A copy of a master workbook, tagged as the new project."""
        book, _ = self._load(source)
        path = workbook_path(self.folder, title)
        if path.exists():
            raise RunError(f"{path}: already exists")
        book.id = str(path)
        book.properties["title"] = title
        self._open.pop(source, None)  # the cached model now belongs to the copy
        self._save(str(path), book, dict(tags))
        return str(path)

    def get(self, sid: str) -> dict:
        return self._load(sid)[0].resource()

    def read(self, sid: str, ranges: list[str]) -> list[Grid]:
        try:
            return self._load(sid)[0].read(ranges)
        except ModelError as e:
            raise RunError(f"{sid}: {e}") from None

    def batch_update(self, sid: str, requests: list[dict]) -> list[dict]:
        book, tags = self._load(sid)
        try:
            replies = book.batch_update(requests)
        except ModelError as e:
            raise RunError(f"{sid}: {e}") from None
        self._save(sid, book, tags)
        return replies

    def set_tags(self, sid: str, tags: dict[str, str]) -> None:
        book, old = self._load(sid)
        if old != tags:
            self._save(sid, book, dict(tags))

    def check_members(self, members: list[str]) -> None:
        pass

    def share(self, sid: str, members: list[str], *, notify: bool = False) -> None:
        pass  # a local file has no sharing; admins are recorded in the workbook

    def projects(self) -> list[ProjectRef]:
        refs = []
        for path in sorted(self.folder.glob("*.xlsx")):
            tags = xlsx.read_tags(path)
            if "project" in tags:
                refs.append(ProjectRef(str(path), tags["project"], tags.get("template", ""),
                                       tags.get("version", ""), str(path)))
        return refs

    def cell_link(self, sheet_id: int, title: str, a1: str) -> str:
        target = "#" + quote_title(title) + "!" + a1
        return '=HYPERLINK("' + target.replace('"', '""') + '","' + a1 + '")'
