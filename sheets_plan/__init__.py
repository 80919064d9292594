"""sheets-plan: a social-media team's content plan procedure, checked and summarized on spreadsheets.

Library first: every CLI command is one of these functions.
"""

from .backend import Backend, ProjectRef, RunError
from .local import LocalBackend
from .provision import provision
from .template import Template, TemplateError, load as load_template

__all__ = ["Backend", "LocalBackend", "ProjectRef", "RunError", "Template", "TemplateError",
           "load_template", "provision"]
