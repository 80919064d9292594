"""The procedure check: the template's rules applied to read tables (``check``), the register's rules
(``leads``)."""

from .check import PROBLEMS, URL, admin_column, check, date_column

__all__ = ["check", "admin_column", "date_column", "PROBLEMS", "URL"]
