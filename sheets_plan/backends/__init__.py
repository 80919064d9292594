"""Where spreadsheets live: the one Sheets-API-shaped interface (``base``), a folder of local .xlsx
workbooks read as they are and patched in place (``local``, ``xlsx/``), Google Sheets and Drive through
gspread (``google``) with bounded retries and pacing (``retry``)."""

from .base import Backend, ProjectRef

__all__ = ["Backend", "ProjectRef", "LocalBackend"]


def __getattr__(name: str):
    if name == "LocalBackend":  # the xlsx reader and writer load when a local workbook is opened
        from .local import LocalBackend

        return LocalBackend
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
