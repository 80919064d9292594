"""Local .xlsx workbooks, read as they are and changed in place (see book.py)."""

from .book import Book, locked_file
from .package import WorkbookError
from .props import read_tags

__all__ = ["Book", "WorkbookError", "locked_file", "read_tags"]
