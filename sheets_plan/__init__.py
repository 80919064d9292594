"""sheets-plan: a social-media team's content plan procedure, checked and summarized on spreadsheets.

Library first: every CLI command is one of these functions, with the same name and the same
defaults. A backend says where the spreadsheets live (a folder of .xlsx workbooks, or Google), a
spreadsheet id which one (a workbook's path locally):

    import sheets_plan

    backend = sheets_plan.LocalBackend("plans")
    path = sheets_plan.provision(backend, "Coffee House", admins=["Anna", "Boris"], locale="en")
    report = sheets_plan.validate(backend, path)          # the flags, the Check and Log tabs
    figures = sheets_plan.summarize(backend, path)        # the Weekly and KPI tabs

`open_target("plans/Coffee House.xlsx")` or `open_target(ID_OR_URL, GoogleOptions(credentials=...))`
gives the (backend, id) of a target as the CLI names it.
"""

from sheets_plan.backends.base import Backend, ProjectRef
from sheets_plan.backends.local import LocalBackend
from sheets_plan.core.team import Team, load_team
from sheets_plan.core.template import Template, TemplateError, load as load_template
from sheets_plan.errors import RunError
from sheets_plan.jobs.brief import brief
from sheets_plan.jobs.crm import CrmLink
from sheets_plan.jobs.crm_import import move_register
from sheets_plan.jobs.demo import run_demo as demo
from sheets_plan.jobs.folder import weekly
from sheets_plan.jobs.project import fix, report, run_project, summarize, validate
from sheets_plan.jobs.provision import provision
from sheets_plan.jobs.remind import remind
from sheets_plan.jobs.stats import stat_sources, stats
from sheets_plan.jobs.targets import GoogleOptions, folder_backend, open_target
from sheets_plan.jobs.upgrade import upgrade, upgrade_folder

__all__ = [
    "validate", "summarize", "report", "fix", "brief", "stats", "stat_sources", "remind", "load_team", "Team", "run_project",
    "weekly", "upgrade",
    "upgrade_folder", "provision",
    "demo", "open_target", "folder_backend", "GoogleOptions", "Backend", "LocalBackend", "GoogleBackend",
    "ProjectRef", "RunError", "Template", "TemplateError", "load_template", "CrmLink", "move_register",
]


def __getattr__(name: str):
    # gspread and google-auth load only when Google is asked for
    if name == "GoogleBackend":
        from sheets_plan.backends.google import GoogleBackend

        return GoogleBackend
    raise AttributeError(f"module 'sheets_plan' has no attribute {name!r}")
