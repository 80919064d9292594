"""Where a project lives: a workbook path, a Google spreadsheet ID or URL, or a folder of either.

The CLI and the library name targets the same way, so `sheets_plan.open_target("plans/Coffee.xlsx")`
is what `sheets-plan validate plans/Coffee.xlsx` opens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sheets_plan.backends.base import Backend
from sheets_plan.errors import RunError


@dataclass(frozen=True)
class GoogleOptions:
    """How to reach Google: credentials (a service-account key file) or OAuth user credentials,
    client-side pacing, and for sharing: the one e-mail domain allowed, Google's notification e-mails."""

    credentials: str | None = None
    oauth: bool = False
    per_minute: int = 60
    allow_domain: str | None = None
    notify: bool = False


def google_backend(google: GoogleOptions, folder: str | None = None) -> Backend:
    """A GoogleBackend signed in as `google` says, on a Drive folder (None: a single spreadsheet)."""
    from sheets_plan.backends.google import GoogleBackend, connect  # gspread only when Google is used

    client, account = connect(google.credentials, oauth=google.oauth, per_minute=google.per_minute or 60)
    return GoogleBackend(client, folder=folder, account=account, allow_domain=google.allow_domain,
                         notify=google.notify)


def open_target(target: str, google: GoogleOptions | None = None) -> tuple[Backend, str]:
    """TARGET -> (backend, spreadsheet id): a workbook path, or a Google spreadsheet ID or URL.

    >>> backend, sid = open_target("demo/Кофейня «Зерно».xlsx")  # doctest: +SKIP
    """
    from sheets_plan.backends.local import OTHER_FORMATS, LocalBackend  # the xlsx reader when a command runs

    path = Path(target)
    if path.is_dir():
        raise RunError(f"{target}: a folder, not a workbook; give a workbook's path "
                       f"(or run every project in it: sheets-plan weekly --dir {target})")
    kind = OTHER_FORMATS.get(path.suffix.lower())
    if kind:
        raise RunError(f"{target}: saved as {kind}; open it and save it as .xlsx (Excel 2007-365)")
    if path.suffix.lower() in (".xlsx", ".xlsm") or path.exists() or os.sep in target and "://" not in target:
        if not path.is_file():
            raise RunError(f"{target}: no such workbook")
        return LocalBackend(path.parent), str(path)
    from sheets_plan.backends.google import spreadsheet_id

    return google_backend(google or GoogleOptions()), spreadsheet_id(target)


def folder_backend(folder_id: str | None = None, directory: str | Path | None = None,
                   google: GoogleOptions | None = None) -> Backend:
    """The backend of a folder of projects: a Google Drive folder (`folder_id`) or a local directory."""
    if folder_id:
        return google_backend(google or GoogleOptions(), folder_id)
    from sheets_plan.backends.local import LocalBackend

    return LocalBackend(directory or ".")
