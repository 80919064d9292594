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

import importlib

# The library surface, each name imported when first used: `sheets-plan --help` (and any command)
# loads only what it runs, not pandas, openpyxl and the xlsx writer for every name here.
_SURFACE = {
    "Backend": "sheets_plan.backends.base", "ProjectRef": "sheets_plan.backends.base",
    "LocalBackend": "sheets_plan.backends.local", "GoogleBackend": "sheets_plan.backends.google",
    "Team": "sheets_plan.core.team", "load_team": "sheets_plan.core.team",
    "Template": "sheets_plan.core.template", "TemplateError": "sheets_plan.core.template_load",
    "load_template": ("sheets_plan.core.template_load", "load"), "RunError": "sheets_plan.errors",
    "brief": "sheets_plan.jobs.brief", "CrmLink": "sheets_plan.jobs.crm", "move_register": "sheets_plan.jobs.crm_import",
    "demo": ("sheets_plan.jobs.demo", "run_demo"), "weekly": "sheets_plan.jobs.folder",
    "fix": "sheets_plan.jobs.project", "report": "sheets_plan.jobs.project", "run_project": "sheets_plan.jobs.project",
    "summarize": "sheets_plan.jobs.project", "validate": "sheets_plan.jobs.project",
    "provision": "sheets_plan.jobs.provision", "remind": "sheets_plan.jobs.remind",
    "stat_sources": "sheets_plan.jobs.stats", "stats": "sheets_plan.jobs.stats",
    "GoogleOptions": "sheets_plan.jobs.targets", "folder_backend": "sheets_plan.jobs.targets",
    "open_target": "sheets_plan.jobs.targets", "upgrade": "sheets_plan.jobs.upgrade",
    "upgrade_folder": "sheets_plan.jobs.upgrade",
}

__all__ = [
    "validate", "summarize", "report", "fix", "brief", "stats", "stat_sources", "remind", "load_team", "Team", "run_project",
    "weekly", "upgrade",
    "upgrade_folder", "provision",
    "demo", "open_target", "folder_backend", "GoogleOptions", "Backend", "LocalBackend", "GoogleBackend",
    "ProjectRef", "RunError", "Template", "TemplateError", "load_template", "CrmLink", "move_register",
]


def __getattr__(name: str):
    where = _SURFACE.get(name)
    if where is None:
        try:  # a layer asked for by attribute (sheets_plan.core.team.Admin)
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError:
            raise AttributeError(f"module 'sheets_plan' has no attribute {name!r}") from None
    module, attr = (where, name) if isinstance(where, str) else where
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
