"""The `sheets-plan` command: a thin click layer over the library, one library call per command
(``commands``), with its shared options and parameters (``options``)."""

from . import crm, outreach  # noqa: F401  (register stats, remind, brief, crm-import on the group)
from .commands import cli, main

__all__ = ["cli", "main"]
