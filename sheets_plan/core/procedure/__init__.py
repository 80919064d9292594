"""The procedure check: the template's rules applied to read tables (``check``); each rule's check a
function registered by name (``registry``: the plan's, the register's and the row checks)."""

from .check import PROBLEMS, URL, admin_column, check, date_column
from .registry import CHECKS, handles

__all__ = ["check", "admin_column", "date_column", "PROBLEMS", "URL", "CHECKS", "handles"]
