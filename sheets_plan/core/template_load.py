"""Reading a template file: TOML in, a checked `Template` out, failing on the first mistake with
the file, the key and the reason."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from sheets_plan.core.export_layouts import load_layouts
from sheets_plan.core.procedure import CHECKS  # every check, registered by its function
from sheets_plan.core.template import (ADMINS, COLUMN_TYPES, FUNNELS, LOCALES, OPTIONAL_KINDS, PROJECT_LISTS,
                                       REQUIRED_COLUMNS, RUBRICS, SEVERITIES, STAGES, TAB_KINDS, Choice, Column,
                                       Rule, Tab, Template, WorksSpec)

_REF = re.compile(r"\{(\w+)\}")


class TemplateError(ValueError):
    """A mistake in a template file: names the file, the key and the reason."""

    def __init__(self, path: str, key: str, reason: str):
        super().__init__(f"{path}: {key}: {reason}")
        self.path, self.key, self.reason = path, key, reason


def default_path() -> Path:
    """The embedded default template (shipped inside the package)."""
    package = Path(__file__).parents[1]  # sheets_plan/
    packaged = package / "templates" / "content_plan.toml"
    if packaged.exists():
        return packaged
    return package.parent / "templates" / "content_plan.toml"  # source checkout


def load(path: str | Path | None = None) -> Template:
    path = Path(path) if path else default_path()
    try:
        text = path.read_text(encoding="utf-8-sig")  # Notepad and Excel save UTF-8 with a BOM
    except OSError as e:
        raise TemplateError(str(path), "-", f"cannot read: {e.strerror or e}") from None
    return parse(text, str(path))


def parse(text: str, path: str = "<template>") -> Template:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TemplateError(path, "-", f"not valid TOML: {e}") from None
    return _Loader(path).template(data)


class _Checks:
    """What every part of the loader shares: where the template came from, and the checks of keys,
    labels and numbers, each failing with the key at fault."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, reason: str):
        raise TemplateError(self.path, key, reason)

    def keys(self, data: dict, where: str, allowed: set[str], required: set[str] = frozenset()):
        if not isinstance(data, dict):
            self.fail(where, "must be a table")
        for k in data:
            if k not in allowed:
                self.fail(f"{where}.{k}" if where else k, "unknown key")
        for k in sorted(required - data.keys()):
            self.fail(f"{where}.{k}" if where else k, "missing")

    def labels(self, value, where: str) -> dict[str, str]:
        if isinstance(value, str):
            return {loc: value for loc in LOCALES}
        if not isinstance(value, dict):
            self.fail(where, "must be a string or a table of locales (ru, en)")
        for loc in LOCALES:
            if not isinstance(value.get(loc), str) or not value[loc].strip():
                self.fail(f"{where}.{loc}", "missing label")
        self.keys(value, where, set(LOCALES))
        return dict(value)

    def whole(self, value, where: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(where, "must be a whole number ≥ 0")
        return value


class _TabLoader(_Checks):
    """The tabs and their columns (types, owners, choices, formulas)."""

    def tabs(self, raw) -> tuple[Tab, ...]:
        if not isinstance(raw, list) or not raw:
            self.fail("tabs", "must be a non-empty array of tables ([[tabs]])")
        tabs: list[Tab] = []
        for i, t in enumerate(raw):
            where = f"tabs[{i}]"
            self.keys(t, where, {"key", "kind", "title", "columns"}, {"key", "kind", "title"})
            where = f"tabs.{t['key']}"
            if t["key"] in [x.key for x in tabs]:
                self.fail(where, "duplicate tab key")
            if t["kind"] not in TAB_KINDS:
                self.fail(f"{where}.kind", f"unknown kind {t['kind']!r}; one of {', '.join(TAB_KINDS)}")
            if t["kind"] in [x.kind for x in tabs]:
                self.fail(f"{where}.kind", f"a second tab of kind {t['kind']!r}")
            columns = self.columns(t.get("columns", []), where)
            tabs.append(Tab(t["key"], t["kind"], self.labels(t["title"], f"{where}.title"), columns))
        for kind in TAB_KINDS:
            if kind not in [x.kind for x in tabs] and kind not in OPTIONAL_KINDS:
                self.fail("tabs", f"no tab of kind {kind!r}")
        for tab in tabs:
            for key in REQUIRED_COLUMNS.get(tab.kind, ()):
                if key not in [c.key for c in tab.columns]:
                    self.fail(f"tabs.{tab.key}.columns", f"no column {key!r} (the summary needs it)")
        status = next(t for t in tabs if t.kind == "plan").column("status")
        if not isinstance(status.choices, tuple) or "published" not in [c.key for c in status.choices]:
            self.fail(f"tabs.{next(t for t in tabs if t.kind == 'plan').key}.columns.status.choices",
                      "needs a choice with key 'published'")
        return tuple(tabs)

    def columns(self, raw, tab_where: str) -> tuple[Column, ...]:
        cols: list[Column] = []
        for i, c in enumerate(raw):
            where = f"{tab_where}.columns[{i}]"
            self.keys(c, where, {"key", "label", "type", "owner", "choices", "formula", "width", "personal"},
                      {"key", "label", "type"})
            where = f"{tab_where}.columns.{c['key']}"
            if c["key"] in [x.key for x in cols]:
                self.fail(where, "duplicate column key")
            if c["type"] not in COLUMN_TYPES:
                self.fail(f"{where}.type", f"unknown type {c['type']!r}; one of {', '.join(COLUMN_TYPES)}")
            owner = c.get("owner", "admin")
            if owner not in ("admin", "tool"):
                self.fail(f"{where}.owner", "must be 'admin' or 'tool'")
            if (owner == "tool") != ("formula" in c):
                self.fail(f"{where}.formula", "a tool-owned column needs a formula, an admin column has none")
            cols.append(Column(c["key"], self.labels(c["label"], f"{where}.label"), c["type"], owner,
                               self.choices(c, where), c.get("formula"), c.get("width"),
                               bool(c.get("personal", False))))
        keys = {c.key for c in cols}
        for c in cols:
            for ref in _REF.findall(c.formula or ""):
                if ref not in keys:
                    self.fail(f"{tab_where}.columns.{c.key}.formula", f"refers to unknown column {ref!r}")
            if c.formula:
                self.formula(c.formula, f"{tab_where}.columns.{c.key}.formula")
        return tuple(cols)

    def formula(self, text: str, where: str):
        """A computed formula must work in Google Sheets, Excel and LibreOffice, in any locale."""
        from sheets_plan.sheets import formula

        if not text.startswith("="):
            self.fail(where, "must start with '='")
        unknown = sorted(formula.functions(text) - formula.SHARED_FUNCTIONS)
        if unknown:
            self.fail(where, f"uses {', '.join(unknown)}: not in the functions Sheets, Excel and LibreOffice share")
        try:
            formula.render(text, "ru_RU")
        except ValueError as e:
            self.fail(where, str(e))

    def choices(self, c: dict, where: str):
        raw = c.get("choices")
        if (c["type"] == "choice") != (raw is not None):
            self.fail(f"{where}.choices", "a choice column needs choices, other types have none")
        if raw is None or raw in PROJECT_LISTS:
            return raw
        if not isinstance(raw, list) or not raw:
            self.fail(f"{where}.choices", f"must be a non-empty list, {ADMINS!r} or {RUBRICS!r}")
        out: list[Choice] = []
        for j, ch in enumerate(raw):
            if isinstance(ch, str):
                ch = {"key": ch, **{loc: ch for loc in LOCALES}}
            self.keys(ch, f"{where}.choices[{j}]", {"key", *LOCALES}, {"key"})
            labels = self.labels({k: v for k, v in ch.items() if k != "key"}, f"{where}.choices.{ch['key']}")
            if ch["key"] in [x.key for x in out]:
                self.fail(f"{where}.choices.{ch['key']}", "duplicate choice key")
            out.append(Choice(ch["key"], labels))
        return tuple(out)


class _RuleLoader(_Checks):
    """The procedure's rules, checked against the tabs they apply to."""

    def rules(self, raw, tabs: dict[str, Tab]) -> tuple[Rule, ...]:
        rules: list[Rule] = []
        for i, r in enumerate(raw):
            where = f"rules[{i}]"
            self.keys(r, where, {"id", "name", "check", "tab", "columns", "when", "unless", "after_stats_days", "than",
                                 "severity", "message", "days"}, {"id", "check", "tab", "severity", "message"})
            where = f"rules.{r['id']}"
            if r["id"] in [x.id for x in rules]:
                self.fail(where, "duplicate rule id")
            if r["check"] not in CHECKS:
                self.fail(f"{where}.check", f"unknown check {r['check']!r}; one of {', '.join(sorted(CHECKS))}")
            if r["severity"] not in SEVERITIES:
                self.fail(f"{where}.severity", f"must be one of {', '.join(SEVERITIES)}")
            tab = tabs.get(r["tab"])
            if tab is None:
                self.fail(f"{where}.tab", f"no tab {r['tab']!r}")
            if not isinstance(r.get("columns", []), list) or not all(isinstance(c, str) for c in r.get("columns", [])):
                self.fail(f"{where}.columns", "must be a list of column keys")
            for key in ("when", "unless"):
                if not isinstance(r.get(key, {}), dict) or not all(isinstance(v, list) for v in r.get(key, {}).values()):
                    self.fail(f"{where}.{key}", "must be a table: column = [choice keys]")
            columns = tuple(r.get("columns", []))
            for col in columns + ((r["than"],) if "than" in r else ()):
                self.column_of(tab, col, f"{where}.columns")
            when, unless = {}, {}
            for key, into in (("when", when), ("unless", unless)):
                for col, keys in r.get(key, {}).items():
                    into[col] = tuple(keys)
                    self.when(tab, col, into[col], f"{where}.{key}.{col}")
            if r["check"] in ("at_most", "not_before") and "than" not in r:
                self.fail(f"{where}.than", f"an {r['check']} rule needs the column to compare with")
            days = r.get("days", {})
            if r["check"] == "stale" and not (isinstance(days, dict) and days and all(
                    k in STAGES and isinstance(v, int) and not isinstance(v, bool) and v > 0 for k, v in days.items())):
                self.fail(f"{where}.days", f"a stale rule needs days: a table of {', '.join(STAGES)} = whole days")
            rules.append(Rule(r["id"], r["check"], r["tab"], r["severity"],
                              self.labels(r["message"], f"{where}.message"), columns, when,
                              bool(r.get("after_stats_days", False)), r.get("than"),
                              self.labels(r["name"], f"{where}.name") if "name" in r else {}, dict(days), unless))
        return tuple(rules)

    def column_of(self, tab: Tab, key: str, where: str) -> Column:
        if key not in [c.key for c in tab.columns]:
            self.fail(where, f"no column {key!r} in tab {tab.key!r}")
        return tab.column(key)

    def when(self, tab: Tab, col: str, keys: tuple[str, ...], where: str):
        column = self.column_of(tab, col, where)
        if not isinstance(column.choices, tuple):
            self.fail(where, f"column {col!r} has no fixed choices to match")
        known = {c.key for c in column.choices}
        for k in keys:
            if k not in known:
                self.fail(where, f"unknown choice {k!r}; one of {', '.join(sorted(known))}")


class _Loader(_TabLoader, _RuleLoader):
    """Turns parsed TOML into a Template, failing on the first mistake."""

    def template(self, data: dict) -> Template:
        self.keys(data, "", {"template", "tabs", "rules", "exports", "works"}, {"template", "tabs"})
        head = data["template"]
        self.keys(head, "template",
                  {"name", "version", "title", "time_zone", "locale", "stats_after_days", "buffer_rows", "funnel",
                   "stats_grace_days", "task_days"},
                  {"name", "version", "title"})
        tz = head.get("time_zone", "Europe/Moscow")
        self.time_zone(tz)
        locale = head.get("locale", "ru")
        if locale not in LOCALES:
            self.fail("template.locale", f"unknown locale {locale!r}; one of {', '.join(LOCALES)}")
        days = self.whole(head.get("stats_after_days", 7), "template.stats_after_days")
        buffer = self.whole(head.get("buffer_rows", 500), "template.buffer_rows")
        tabs = self.tabs(data["tabs"])
        rules = self.rules(data.get("rules", []), {t.key: t for t in tabs})
        funnel = head.get("funnel", "account")
        if funnel not in FUNNELS:
            self.fail("template.funnel", f"must be one of {', '.join(FUNNELS)}")
        if funnel in ("register", "crm"):  # the CRM's cards are read as the Leads tab's rows
            leads = next((t for t in tabs if t.kind == "leads"), None)
            if leads is None:
                self.fail("template.funnel", "'register' counts the Leads tab: add a tab of kind 'leads'")
            stage = leads.column("stage")
            if not isinstance(stage.choices, tuple) or not set(STAGES) <= {c.key for c in stage.choices}:
                self.fail(f"tabs.{leads.key}.columns.stage.choices", f"needs the choices {', '.join(STAGES)}")
        plan = next((t for t in tabs if t.kind == "plan"), None)
        platforms = tuple(c.key for c in plan.column("platform").choices) if plan and any(
            c.key == "platform" and isinstance(c.choices, tuple) for c in plan.columns) else ()
        exports = load_layouts(data.get("exports", []), self.fail, platforms)
        return Template(str(head["name"]), str(head["version"]), self.labels(head["title"], "template.title"),
                        tz, locale, days, buffer, tabs, rules, self.path, funnel,
                        self.whole(head.get("stats_grace_days", 2), "template.stats_grace_days"), exports,
                        self.whole(head.get("task_days", 1), "template.task_days"),
                        self.works(data.get("works", {}), platforms))

    def works(self, raw, platforms: tuple[str, ...]) -> WorksSpec:
        self.keys(raw, "works", {"weeks", "min_posts", "hours", "by_views"}, set())
        hours = raw.get("hours", list(WorksSpec.hours))
        if (not isinstance(hours, list) or not hours or hours[0] != 0 or hours != sorted(set(hours))
                or not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h < 24 for h in hours)):
            self.fail("works.hours", "must be the slots' first hours, rising from 0, e.g. [0, 9, 12, 15, 18, 21]")
        views = raw.get("by_views", list(WorksSpec.by_views))
        if not isinstance(views, list) or any(v not in platforms for v in views):
            self.fail("works.by_views", f"must be a list of the plan's platforms ({', '.join(platforms)})")
        weeks = self.whole(raw.get("weeks", WorksSpec.weeks), "works.weeks")
        if weeks < 1:
            self.fail("works.weeks", "must be at least 1")
        return WorksSpec(weeks, self.whole(raw.get("min_posts", WorksSpec.min_posts), "works.min_posts"),
                         tuple(hours), tuple(views))

    def time_zone(self, tz):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(str(tz))
        except (ZoneInfoNotFoundError, ValueError):
            self.fail("template.time_zone", f"unknown time zone {tz!r}")
