"""The `sheets-plan` command: a thin click layer over the library, one library call per command
(``commands``), with its shared options and parameters (``options``)."""

from . import outreach  # noqa: F401  (registers stats, remind on the group)
from .commands import cli, main

__all__ = ["cli", "main"]
