"""sheets-plan: a social-media team's content plan procedure, checked and summarized on spreadsheets.

Library first: every CLI command is one of these functions.
"""

from sheets_plan.backends.base import Backend, ProjectRef
from sheets_plan.errors import RunError
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision
from sheets_plan.core.template import Template, TemplateError, load as load_template

__all__ = ["Backend", "LocalBackend", "ProjectRef", "RunError", "Template", "TemplateError",
           "load_template", "provision"]
