"""Where spreadsheets live: the one Sheets-API-shaped interface (``base``), a folder of local .xlsx
workbooks read as they are and patched in place (``local``, ``xlsx/``), Google Sheets and Drive through
gspread (``google``) with bounded retries and pacing (``retry``)."""

from .base import Backend, ProjectRef
from .local import LocalBackend

__all__ = ["Backend", "ProjectRef", "LocalBackend"]
