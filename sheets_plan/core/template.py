"""The template: tabs, columns and procedure rules (read from TOML by core/template_load.py).

Pure data. Everything else (layout, check, summary) reads a `Template`;
a team changes its procedure by editing the TOML, not the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheets_plan.core.export_layouts import ExportLayout

LOCALES = ("ru", "en")
COLUMN_TYPES = ("date", "time", "choice", "text", "url", "int", "percent", "phone", "email")
SEVERITIES = ("error", "warning")
TAB_KINDS = ("plan", "account", "weekly", "check", "log", "leads", "kpi", "works")
OPTIONAL_KINDS = ("leads", "kpi", "works")  # a team's template may leave the register, KPIs, What works out
TABLE_KINDS = ("plan", "account", "leads")  # tabs admins fill, read as tables
# A project's own list in the Lists tab, which a manager edits: `choices = "admins"` (the admins, given
# at provisioning) or `"rubrics"` (the rubrics; an empty list leaves the column free text)
ADMINS, RUBRICS = "admins", "rubrics"
PROJECT_LISTS = (ADMINS, RUBRICS)

# The columns the weekly summary and the reports are built on: a team's own
# template may rename labels, add columns and change rules, but keeps these keys.
REQUIRED_COLUMNS = {
    "plan": ("date", "platform", "responsible", "status", "likes", "comments", "saves", "shares", "reach", "views"),
    "account": ("week", "platform", "followers", "dialogs", "warm_leads", "applications"),
    "leads": ("first_contact", "platform", "responsible", "stage"),
}
# where the weekly funnel comes from: Account's counts; the register (the Leads tab, or AmoCRM for a project
# the team file maps to it); or AmoCRM only (a project the team file does not map is an error)
FUNNELS = ("account", "register", "crm")
STAGES = ("dialog", "warm_lead", "application", "refusal")  # the Leads stage choices the funnel counts


@dataclass(frozen=True)
class Choice:
    key: str
    labels: dict[str, str]

    def label(self, locale: str) -> str:
        return self.labels[locale]


@dataclass(frozen=True)
class Column:
    key: str
    labels: dict[str, str]
    type: str
    owner: str = "admin"
    choices: tuple[Choice, ...] | str | None = None
    formula: str | None = None
    width: int | None = None
    personal: bool = False  # a person's data (name, phone, e-mail, profile): never printed unmasked

    def label(self, locale: str) -> str:
        return self.labels[locale]

    @property
    def fixed_choices(self) -> tuple[Choice, ...]:
        """The template's own choices (none for a project's list, or a column without choices)."""
        return self.choices if isinstance(self.choices, tuple) else ()

    @property
    def project_list(self) -> str | None:
        """The project's list the dropdown offers (ADMINS, RUBRICS), or None."""
        return self.choices if isinstance(self.choices, str) else None

    @property
    def computed(self) -> bool:
        return self.owner == "tool"


@dataclass(frozen=True)
class Tab:
    key: str
    kind: str
    titles: dict[str, str]
    columns: tuple[Column, ...] = ()

    def title(self, locale: str) -> str:
        return self.titles[locale]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def index(self, key: str) -> int:
        return [c.key for c in self.columns].index(key)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)


@dataclass(frozen=True)
class Rule:
    id: str
    check: str
    tab: str
    severity: str
    messages: dict[str, str]
    columns: tuple[str, ...] = ()
    when: dict[str, tuple[str, ...]] = field(default_factory=dict)
    after_stats_days: bool = False
    than: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # what people read in the Check tab
    days: dict[str, int] = field(default_factory=dict)   # stale: a stage key -> the days a lead may wait in it
    unless: dict[str, tuple[str, ...]] = field(default_factory=dict)  # not rows holding one of these choices

    def message(self, locale: str) -> str:
        return self.messages[locale]

    def name(self, locale: str) -> str:
        return self.names.get(locale, self.id)


@dataclass(frozen=True)
class WorksSpec:
    """The What works tab: its recent period, the posts a ratio needs, the hour slots (each slot from
    one hour to the next, the last to midnight), the platforms judged by views (they give no reach)."""
    weeks: int = 8
    min_posts: int = 3
    hours: tuple[int, ...] = (0, 9, 12, 15, 18, 21)
    by_views: tuple[str, ...] = ("Telegram",)


@dataclass(frozen=True)
class Template:
    name: str
    version: str
    titles: dict[str, str]
    time_zone: str
    locale: str
    stats_after_days: int
    buffer_rows: int
    tabs: tuple[Tab, ...]
    rules: tuple[Rule, ...]
    path: str
    funnel: str = "account"
    stats_grace_days: int = 2  # stats later than stats_after_days + this are late (the KPI tab)
    exports: tuple[ExportLayout, ...] = ()  # the statistics exports `sheets-plan stats` reads
    task_days: int = 1         # an admin's AmoCRM task is due this many days after `remind` sets it
    works: WorksSpec = WorksSpec()

    @property
    def register(self) -> bool:
        """Whether the weekly funnel counts the contacts register (the Leads tab, or AmoCRM's leads)."""
        return self.funnel in ("register", "crm")

    def tab(self, key: str) -> Tab:
        return next(t for t in self.tabs if t.key == key)

    def tab_of_kind(self, kind: str) -> Tab:
        return next(t for t in self.tabs if t.kind == kind)

    def published(self, locale: str) -> str:
        """The plan's status that means published, as the sheet spells it in this language."""
        status = self.tab_of_kind("plan").column("status")
        return next(c for c in status.fixed_choices if c.key == "published").label(locale)

    def optional_tab(self, kind: str) -> Tab | None:
        """The tab of an optional kind (leads, kpi), or None when the template leaves it out."""
        return next((t for t in self.tabs if t.kind == kind), None)
