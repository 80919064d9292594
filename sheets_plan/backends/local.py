"""LocalBackend: the embedded default. A folder of .xlsx workbooks.

The spreadsheet id is the workbook's path. The workbook is read as it is
now (a person may have edited it in Excel or LibreOffice a minute ago) and
each batch_update changes only the tool's parts of it, written atomically
(temp file, then rename), so a failed run never leaves a half-written
workbook behind (xlsx/).
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from .base import ProjectRef
from sheets_plan.errors import Advice, RunError
from sheets_plan.sheets import limits
from sheets_plan.sheets.a1 import quote_title
from sheets_plan.sheets.values import Grid
from sheets_plan.model import ModelError
from . import xlsx
from .xlsx import Book, WorkbookError, locked_file, package, props, read_tags


# Spreadsheet formats a person may "Save as" by mistake: the tool reads and writes .xlsx only.
OTHER_FORMATS = {".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)", ".xlsb": "Excel binary (.xlsb)",
                 ".numbers": "Apple Numbers (.numbers)", ".fods": "flat OpenDocument (.fods)"}


def is_workbook(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return "[Content_Types].xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


# Names Windows keeps for devices, whatever the extension: "CON.xlsx" is a file nobody can open there.
WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def workbook_path(folder: str | Path, project: str) -> Path:
    """A file name from a project name: only what file systems refuse is replaced (a Windows device
    name gets a trailing underscore), so the workbook opens on any computer of the team."""
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", project).strip(" .") or "project"
    head, dot, rest = safe.partition(".")
    if head.strip().upper() in WINDOWS_DEVICES:  # "CON.ext" is the device too: the name before the dot
        safe = f"{head}_{dot}{rest}"
    return Path(folder) / f"{safe}.xlsx"


class LocalBackend:
    kind = "local"

    def __init__(self, folder: str | Path = "."):
        self.folder = Path(folder)
        self._open: dict[str, tuple[int, Book]] = {}

    # A command reads a workbook once: the Book is kept while the file is unchanged.
    def _book(self, sid: str) -> Book:
        path = Path(sid)
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            raise RunError(f"{sid}: no such workbook") from None
        cached = self._open.get(sid)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            book = Book(path)
        except WorkbookError as e:
            raise RunError(str(e)) from None
        self._open[sid] = (mtime, book)
        return book

    def _writable(self, path: Path):
        lock = locked_file(path)
        if lock is not None:
            raise RunError(f"{path}: open in another program (lock file {lock.name}); close it there and run again")

    def create(self, title: str, tags: dict[str, str], *, locale: str, time_zone: str) -> str:
        path = workbook_path(self.folder, title)
        if path.exists():
            raise RunError(f"{path}: already exists")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise RunError(f"{self.folder}: cannot create folder: {e.strerror}") from None
        pkg = package.empty("Sheet1", 0)
        props.write(pkg, tags, {"properties": {"locale": locale, "timeZone": time_zone}, "developerMetadata": []})
        self._save(pkg, path)
        return str(path)

    def copy(self, source: str, title: str, tags: dict[str, str]) -> str:
        """A copy of a master workbook, tagged as the new project."""
        book = self._book(source)
        path = workbook_path(self.folder, title)
        if path.exists():
            raise RunError(f"{path}: already exists")
        meta = props.meta(book.props)
        props.write(book.pkg, tags, meta)
        self._open.pop(source, None)  # the Book in memory now differs from its file
        self._save(book.pkg, path)
        return str(path)

    def _save(self, pkg, path: Path):
        try:
            pkg.save(path)
        except WorkbookError as e:
            raise RunError(str(e)) from None

    def get(self, sid: str) -> dict:
        return self._book(sid).resource()

    def read(self, sid: str, ranges: list[str]) -> list[Grid]:
        try:
            return self._book(sid).read(ranges)
        except ModelError as e:
            raise RunError(f"{sid}: {e}") from None
        except WorkbookError as e:
            raise RunError(str(e)) from None

    def batch_update(self, sid: str, requests: list[dict]) -> list[dict]:
        book = self._book(sid)
        self._writable(book.path)
        self._open.pop(sid, None)  # whatever happens, the next call reads the file again
        before = _used_cells(book)
        try:
            replies = xlsx.apply(book, requests)
        except ModelError as e:
            raise RunError(f"{sid}: {e}") from None
        except WorkbookError as e:
            raise RunError(str(e)) from None
        _past_google_limit(sid, before, _used_cells(book))
        return replies

    def set_tags(self, sid: str, tags: dict[str, str]) -> None:
        """Set these tags, keep the others (as Drive's appProperties patch does)."""
        book = self._book(sid)
        tags = {**book.tags, **tags}
        if book.tags == tags:
            return
        self._writable(book.path)
        self._open.pop(sid, None)
        props.write(book.pkg, tags, props.meta(book.props))
        self._save(book.pkg, book.path)

    def check_members(self, members: list[str]) -> None:
        pass

    def share(self, sid: str, members: list[str], *, notify: bool = False) -> None:
        pass  # a local file has no sharing; admins are recorded in the workbook

    def check_folder(self) -> None:
        if not self.folder.is_dir():
            raise RunError(f"{self.folder}: no such folder")

    def skipped(self) -> list[tuple[str, str, str]]:
        """Files of the folder a person saved in another spreadsheet format, or that are no
        readable workbook: (location, name, why)."""
        out = []
        for path in sorted(p for p in self.folder.glob("*") if p.is_file() and not p.name.startswith((".~lock", "~$"))):
            kind = OTHER_FORMATS.get(path.suffix.lower())
            if kind:
                out.append((str(path), path.stem, f"saved as {kind}; open it and save it as .xlsx (Excel 2007-365)"))
            elif path.suffix.lower() == ".xlsx" and not is_workbook(path):
                out.append((str(path), path.stem, "not a readable .xlsx workbook (damaged, or another format renamed)"))
        return out

    def projects(self) -> list[ProjectRef]:
        refs = []
        for path in sorted(self.folder.glob("*.xlsx")):
            tags = read_tags(path)
            if "project" in tags:
                refs.append(ProjectRef(str(path), tags["project"], tags.get("template", ""),
                                       tags.get("version", ""), str(path)))
        return refs

    def cell_link(self, sheet_id: int, title: str, a1: str, label: str) -> str:
        target = "#" + quote_title(title) + "!" + a1
        return '=HYPERLINK("' + target.replace('"', '""') + '","' + label.replace('"', '""') + '")'


def _used_cells(book: Book) -> int:
    """The cells Google Sheets would count on importing the file: each sheet's used rows × columns
    (an xlsx file keeps no grid size of its own)."""
    return sum(rows * cols for rows, cols in (ws.extent() for ws in book.sheets.values()))


def _past_google_limit(sid: str, before: int, after: int) -> None:
    """A write that leaves the workbook past Google Sheets' cell limit, and grew it, is made (Excel
    and LibreOffice hold far more), with advice: the file would not open in Google Sheets."""
    if after > limits.CELL_LIMIT and after > before:
        def n(x: int) -> str:
            return f"{x:,}".replace(",", " ")

        warnings.warn(Advice(f"{Path(sid).name}: the workbook now holds {n(after)} cells, past Google Sheets' limit "
                             f"of {n(limits.CELL_LIMIT)}: it works here, but would not open in Google Sheets; "
                             "archive old weeks into another workbook or split the project before moving it there"),
                      stacklevel=3)
