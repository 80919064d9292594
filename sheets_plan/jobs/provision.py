"""Provision a project from the template, or repair an existing one."""

from __future__ import annotations

import unicodedata

from sheets_plan.tabs import headers, lists_tab, structure
from sheets_plan.tabs.advice import advice
from sheets_plan.backends.base import Backend, ProjectRef
from sheets_plan.errors import RunError
from sheets_plan.sheets.a1 import quote_title
from sheets_plan.core.template import ADMINS, LOCALES, Template
from sheets_plan.core.template_load import load

TAG_PROJECT, TAG_TEMPLATE, TAG_VERSION = "project", "template", "version"


MAX_NAME = 100  # characters: a file name and a Drive title people can read (and every file system takes)


def project_name(project: str) -> str:
    """The name as given, without surrounding spaces; a name no file or sheet should carry is refused."""
    name = project.strip()
    if not name:
        raise RunError("the project name is empty")
    if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
        raise RunError("the project name has a line break or a control character; give it on one line")
    if not any(ch.isalnum() for ch in name):
        raise RunError(f"the project name “{name}” has no letter or digit")
    if len(name) > MAX_NAME:
        raise RunError(f"the project name is too long ({len(name)} characters; at most {MAX_NAME})")
    return name


def admin_names(admins) -> tuple[str, ...]:
    """The admins as given, one per --admin; "Аня, Боря" is two. An empty name, or two that
    differ only in letter case (the dropdown would offer both), is refused."""
    return list_names(admins, "admin")


def rubric_names(rubrics) -> tuple[str, ...]:
    """The rubrics as given, one per --rubric, read as the admins are."""
    return list_names(rubrics, "rubric")


def list_names(given_names, what: str) -> tuple[str, ...]:
    names: list[str] = []
    for given in given_names:
        for name in (part.strip() for part in given.replace(";", ",").split(",")):
            if not name:
                raise RunError(f"{'an' if what[0] in 'aeiou' else 'a'} {what} name is empty (--{what} “{given}”)")
            if any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in name):
                raise RunError(f"the {what} name “{name}” has a line break or a control character")
            same = next((n for n in names if n.casefold() == name.casefold()), None)
            if same == name:
                continue  # the same one given twice
            if same is not None:
                raise RunError(f"the {what}s “{same}” and “{name}” differ only in letter case; give one spelling")
            names.append(name)
    return tuple(names)


def find_project(backend: Backend, project: str) -> ProjectRef | None:
    for ref in backend.projects():
        if ref.project == project:
            return ref
    return None


def provision(backend: Backend, project: str, *, admins: list[str] | tuple[str, ...] = (),
              locale: str | None = None, template: Template | None = None, source: str | None = None,
              rename: dict[str, str] | None = None, rubrics: list[str] | tuple[str, ...] = ()) -> str:
    """Build the project's spreadsheet from the spec (or copy `source`, a master
    spreadsheet, then re-apply the spec); on an existing one, repair what the
    spec says without touching any cell an admin filled. Returns its id.
    `rename`: old admin name -> new one; the dropdown gets the new name, the rows that hold the
    old one stay that admin's, and `fix` lists and (with apply) writes the new name there.
    `rubrics`: the Rubric dropdown's list (the Lists tab's, as it is, when none are given; no
    rubrics at all leave the rubric free text).

    >>> import sheets_plan
    >>> sheets_plan.provision(sheets_plan.LocalBackend("plans"), "Coffee House", admins=["Anna", "Boris"],
    ...                       locale="en")
    'plans/Coffee House.xlsx'
    """
    template = template or load()
    project, admins = project_name(project), admin_names(admins)
    if locale is not None and locale not in LOCALES:
        raise RunError(f"unknown locale {locale!r}; one of {', '.join(LOCALES)}")
    members = [a for a in admins if "@" in a]
    backend.check_members(members)
    tags = {TAG_PROJECT: project, TAG_TEMPLATE: template.name, TAG_VERSION: template.version}
    ref = find_project(backend, project)
    fresh = ref is None and not source
    if ref is None:
        locale = locale or template.locale
        if source:
            sid = backend.copy(source, project, tags)
        else:
            sid = backend.create(project, tags, locale=structure.GOOGLE_LOCALES[locale], time_zone=template.time_zone)
    else:
        sid = ref.id
    meta = backend.get(sid)
    current = structure.metadata(meta, structure.META_LOCALE) if ref is not None else None
    if locale and current and locale != current:
        raise RunError(f"{project}: the project is in “{current}”; provision does not relabel an existing project "
                       f"(its headers, dropdown items in filled cells and summary formulas): run it without --locale")
    locale = locale or current or template.locale
    rows, positions, lists = current_layout(backend, sid, template, meta, locale)
    listed = lists_tab.listed(lists)
    laid_out = lists_tab.laid_out(lists, ADMINS)
    admins = tuple(admins) or (listed.admins if laid_out else structure.project_admins(meta)) or ()
    admins, former = renamed(project, admins, structure.former_admins(meta), rename or {})
    rubrics = rubric_names(rubrics) or listed.rubrics or ()
    spec = structure.Project(project, locale, admins, tuple(former.items()), rubrics=rubrics)
    requests = structure.provision_requests(template, spec, meta, rows, positions, fresh=fresh, lists=lists)
    backend.batch_update(sid, requests)
    if ref is not None and (ref.template, ref.version) != (template.name, template.version):
        backend.set_tags(sid, tags)
    backend.share(sid, members)  # only the admins named in this call: a repair shares nothing
    return sid


def renamed(project: str, admins: tuple[str, ...], former: dict[str, str],
            rename: dict[str, str]) -> tuple[tuple[str, ...], dict[str, str]]:
    """The admins after the renames, and every old name -> the name it now stands for. A name
    already renamed by hand in the Lists tab (the old one gone, the new one there) is only
    recorded: its rows become the admin's again."""
    for old, new in rename.items():
        if old not in admins and new not in admins:
            raise RunError(f"{project}: no admin “{old}” to rename (the admins: {', '.join(admins) or 'none'})")
        admins = tuple(dict.fromkeys(new if a == old else a for a in admins))
        former = {k: (new if v == old else v) for k, v in former.items()} | {old: new}
    return admins, {k: v for k, v in former.items() if k not in admins}


def current_layout(backend: Backend, sid: str, template: Template, meta: dict, locale: str = "en"):
    """Rows in use and column positions of each existing table tab (one read),
    so a repair covers all the data and writes where the columns really are, and the Lists tab's
    cells (none without that tab)."""
    tabs = [(t, structure.find_tab(meta, t, template)) for t in template.tabs if t.columns]
    tabs = [(t, s) for t, s in tabs if s is not None]
    lists = lists_tab.lists_sheet(meta)
    ranges = [quote_title(s["properties"]["title"]) for _, s in tabs] + (
        [quote_title(lists["properties"]["title"])] if lists else [])
    if not ranges:
        return {}, {}, []
    grids = backend.read(sid, ranges)
    names = grids.pop().values if lists else []
    rows, positions = {}, {}
    for (tab, _), grid in zip(tabs, grids):
        headers.header_problem(tab, grid, locale)
        header = grid.values[0] if grid.values else []
        if tab.kind == "account" and headers.has_column(tab, "followers", header) and not headers.has_column(
                tab, "platform", header):
            raise RunError(advice(locale, "template_1_tab", title=grid.title))
        positions[tab.key] = headers.header_positions(tab, grid.values[0] if grid.values else [])
        rows[tab.key] = last_input_row(tab, grid, positions[tab.key])
    return rows, positions, names


def last_input_row(tab, grid, where: dict[str, int]) -> int:
    """Rows up to the last one with an admin's input (the tool's formulas don't count)."""
    inputs = [where[c.key] for c in tab.columns if not c.computed]
    for n in range(len(grid.values), 0, -1):
        row = grid.values[n - 1]
        if any(i < len(row) and row[i] not in (None, "") for i in inputs):
            return n
    return 0


