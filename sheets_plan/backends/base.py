"""The one small, Sheets-API-shaped interface that every backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sheets_plan.errors import RunError  # noqa: F401  (re-exported: a backend raises it)
from sheets_plan.sheets.values import Grid


@dataclass(frozen=True)
class ProjectRef:
    id: str                 # spreadsheet id, or the workbook path for the local backend
    project: str
    template: str
    version: str
    location: str           # a path or a URL a person can open


class Backend(Protocol):
    kind: str  # "local" | "google"

    def create(self, title: str, tags: dict[str, str], *, locale: str, time_zone: str) -> str:
        """A new empty spreadsheet, tagged; returns its id."""

    def get(self, sid: str) -> dict:
        """The Spreadsheet resource without grid data (spreadsheets.get)."""

    def read(self, sid: str, ranges: list[str]) -> list[Grid]:
        """Values (unformatted, dates as serials) and formulas of A1 ranges: one read."""

    def batch_update(self, sid: str, requests: list[dict]) -> list[dict]:
        """Apply all requests atomically; returns the replies."""

    def set_tags(self, sid: str, tags: dict[str, str]) -> None:
        """Replace the registry tags."""

    def check_members(self, members: list[str]) -> None:
        """Refuse members this backend must not share with (before anything is made)."""

    def share(self, sid: str, members: list[str], *, notify: bool = False) -> None:
        """Give members write access (a no-op where there is no sharing)."""

    def projects(self) -> list[ProjectRef]:
        """Every tagged spreadsheet in this backend's folder."""

    def check_folder(self) -> None:
        """RunError when the folder is not there (or not visible): not the same as empty."""

    def skipped(self) -> list[tuple[str, str, str]]:
        """Files of the folder that look like projects but cannot be run: (location, name, why)."""

    def cell_link(self, sheet_id: int, title: str, a1: str, label: str) -> str:
        """A formula that shows `label` and jumps to cell `a1` of the tab when clicked."""
