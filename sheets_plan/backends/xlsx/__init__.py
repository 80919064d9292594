"""Local .xlsx workbooks, read as they are (book.py) and changed in place (write.py)."""

from .book import Book, locked_file
from .package import WorkbookError
from .props import read_tags
from .write import apply

__all__ = ["apply", "Book", "WorkbookError", "locked_file", "read_tags"]
