"""The procedure check: the template's rules applied to read tables.

Every rule is a boolean mask over whole columns (no Python loop per row);
flags are built at the end from the True positions, with messages rendered
by concatenating string columns. `live_rules` turns the same rules into the
conditional-format formulas the sheet shows live, so the weekly check and
the sheet never disagree. Here: the run (its hits, messages and completeness);
the rules themselves are mixed in (``plan_rules``, ``leads``).
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Callable, Hashable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from sheets_plan.words import Words
from sheets_plan.core import personal, sheet_view
from sheets_plan.core.flags import Flag, CheckResult
from . import leads, row_rules  # noqa: F401  (imported for their checks, registered by name)
from .plan_rules import NOBODY, NOT_ADMIN, NOT_RUBRIC, date_column
from .registry import CHECKS
from sheets_plan.sheets.a1 import col_letter
from sheets_plan.core.cells import NEGATIVE, NOT_DATE, NOT_IN_LIST, NOT_NUMBER, NOT_TIME, NOT_WHOLE, show
from sheets_plan.core.table import Table
from sheets_plan.core.template import ADMINS, Rule, Tab, Template

PROBLEMS = Words(lambda _: {
    NOT_NUMBER: _("not a number"),
    NOT_WHOLE: _("not a whole number"),
    NEGATIVE: _("negative"),
    NOT_DATE: _("not a date"),
    NOT_IN_LIST: _("not in the list"),
    NOT_ADMIN: _("not among the admins (the Lists tab)"),
    NOT_RUBRIC: _("not among the rubrics (the Lists tab)"),
    NOT_TIME: _("not a time (HH:MM, e.g. 18:30)"),
    "missing": _("missing"),
    "not_url": _("not a link (expected https://…)"),
    "duplicate": _("same as row "),
    sheet_view.TEXT_NUMBER: _("a number stored as text"),
    sheet_view.TEXT_DATE: _("a date stored as text"),
    sheet_view.SPELLING: _("not spelled as in the dropdown list"),
    sheet_view.YEAR_UNSURE: _("a date stored as text, without a year"),
    sheet_view.RENAMED: _("an admin's former name"),
    sheet_view.TEXT_TIME: _("a time stored as text"),
    "week": _("the week of {}"),
    "weeks": _("the weeks {} – {} ({} weeks)")})

# http(s), optional user@, a host with at least one dot (every label non-empty), optional port and path.
URL = re.compile(r"^https?://(?:[^\s/?#@]+@)?[^\s/?#@:.]+(?:\.[^\s/?#@:.]+)+(?::\d+)?(?:[/?#]\S*)?$",
                 re.IGNORECASE)


def check(template: Template, tables: dict[str, Table], *, as_of: dt.date, locale: str,
          project: str = "", expected_formulas: dict[str, pd.Series] | None = None) -> CheckResult:
    run = _Run(template, tables, as_of, locale, expected_formulas or {})
    chunks = [chunk for order, rule in enumerate(template.rules) if rule.tab in tables
              for chunk in run.hits(order, rule)]
    chunks = _one_flag_a_mistake(chunks)
    rows = sum(len(t.frame) for t in tables.values())
    flags, unmasked = _flags(chunks)
    return CheckResult(project, as_of, flags, rows, run.by_admin(), unmasked=unmasked)


# One mistake, one flag: a check as of a day years away flags that day, not every date it makes look
# early or late; a date flagged as a year typo is not also "in the future".
AS_OF_RELATIVE = ("future", "overdue", "weekly")


def _one_flag_a_mistake(chunks: list[_Hits]) -> list[_Hits]:
    if any(c.rule.check == "as_of_far" for c in chunks):
        chunks = [c for c in chunks if c.rule.check not in AS_OF_RELATIVE and not c.rule.after_stats_days]
    typos = {(c.rule.tab, c.column, int(r)) for c in chunks if c.rule.check == "date_typo" for r in c.rows}
    if not typos:
        return chunks
    out = []
    for c in chunks:
        if c.rule.check == "future":
            keep = np.array([(c.rule.tab, c.column, int(r)) not in typos for r in c.rows], dtype=bool)
            if not keep.any():
                continue
            c.keep(keep)
        out.append(c)
    return out


# ------------------------------------------------------------------ one run

class _Hits:
    """Flags of one rule on one column, as parallel arrays (sorted and turned into Flags at the end)."""

    def __init__(self, run: _Run, order: int, rule: Rule, column: str, rows: np.ndarray,
                 messages: np.ndarray, admins: np.ndarray, unmasked: np.ndarray | None = None):
        tab = run.template.tab(rule.tab)
        self.rule, self.column, self.rows = rule, column, rows
        self.messages, self.admins = messages, admins
        self.unmasked = messages if unmasked is None else unmasked  # with a contact's data, for the terminal
        self.tab_order = [t.key for t in run.template.tabs].index(rule.tab)
        self.column_order = tab.index(column) if column else -1
        self.rule_order = order
        if column:
            self.cells = col_letter(run.tables[rule.tab].positions[column]) + rows.astype(str).astype(object)
        else:
            self.cells = np.full(len(rows), "", dtype=object)

    def keep(self, mask: np.ndarray) -> None:
        """Only the hits where `mask` holds."""
        self.rows, self.messages, self.admins = self.rows[mask], self.messages[mask], self.admins[mask]
        self.unmasked, self.cells = self.unmasked[mask], self.cells[mask]


class _Run:
    """One check of the tables: each rule's hits, their messages, and each admin's completeness.
    The checks (registered by name, registry.py) ask it for what `registry.Run` lists."""

    def __init__(self, template: Template, tables: dict[str, Table], as_of: dt.date, locale: str,
                 expected: dict[str, pd.Series]):
        self.template, self.tables, self.locale, self.expected = template, tables, locale, expected
        self.as_of, self.today = as_of, pd.Timestamp(as_of)
        self.words = PROBLEMS[locale]
        self._cache: dict[Hashable, Any] = {}  # per-column results several rules reuse

    def cached(self, key: Hashable, make: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    # -- the hits ----------------------------------------------------------

    def hits(self, order: int, rule: Rule) -> Iterator[_Hits]:
        table = self.tables[rule.tab]
        spec = CHECKS[rule.check]
        for column, where, fields in spec.function(self, rule, table):
            mask = where.to_numpy(dtype=bool)
            if not mask.any():
                continue
            given = {k: v[mask] if isinstance(v, pd.Series) else v for k, v in fields.items()}
            if spec.per_row:  # one flag per row (or for the project): its own words, nobody's
                rows = where.index.to_numpy(dtype=np.int64)[mask]
                yield _Hits(self, order, rule, column, rows, self.render(rule, given, len(rows)),
                            np.full(len(rows), "", dtype=object))
                continue
            rows = table.frame.index.to_numpy()[mask]
            # rows no admin is answerable for (a former name the manager's `fix` rewrites)
            nobody = given.pop(NOBODY, np.zeros(len(rows), dtype=bool))
            nobody = np.asarray(nobody, dtype=bool)
            shown = self.fields(rule, table, column, given, mask)
            unmasked = None
            if _holds_people(table) and column:  # the message with the data, kept apart
                unmasked = self.render(rule, self.fields(rule, table, column, given, mask, masked=False), len(rows))
            charged = np.where(nobody, "", self.admin(table).to_numpy()[mask]).astype(object)
            yield _Hits(self, order, rule, column, rows, self.render(rule, shown, len(rows)), charged, unmasked)

    # -- conditions and helpers --------------------------------------------

    def condition(self, rule: Rule, table: Table) -> pd.Series:
        """Rows the rule applies to: `when` choices held, and the stats delay passed."""
        mask = _chosen(rule, table.frame)
        if rule.after_stats_days:
            date = table.frame[date_column(table.tab)]
            mask &= date <= self.today - pd.Timedelta(days=self.template.stats_after_days)
        return mask

    def fields(self, rule: Rule, table: Table, column: str, given: dict, mask, masked: bool = True) -> dict:
        """Placeholder values of the hits (`mask`): scalars, or Series over them. A personal
        column's value (and its clean form) is masked unless `masked=False`."""
        names = _placeholders(rule.message(self.locale))
        out = dict(given)
        if "column" in names:
            out["column"] = table.tab.column(column).label(self.locale)
        if "than" in names and rule.than:
            out["than"] = table.tab.column(rule.than).label(self.locale)
        for key in ({"status", *rule.when} & names) - set(given):  # a choice the rule depends on, as labelled
            out[key] = self.choice_labels(table, key)[mask]
        if "days" in names:
            date = table.frame[date_column(table.tab)][mask]
            days = (self.today - date).dt.days
            out["days"] = days.astype("Int64").astype(str).where(days.notna(), "")
        if "value" in names and "value" not in out:
            out["value"] = table.raw[column][mask].map(show)
        col = table.tab.column(column) if column else None
        if masked and col is not None and col.personal:
            for key in ("value", "fixed"):
                if isinstance(out.get(key), pd.Series):
                    out[key] = out[key].map(lambda v, kind=col.type: personal.mask(v, kind))
        elif masked and col is not None and _holds_people(table) and isinstance(out.get("value"), pd.Series):
            # a person's data typed in another column of a register (a name in Responsible, a phone in
            # Stage): quoted only when it reads as the column's own value (a choice, a date, a number)
            own = ~table.invalid[column][mask].to_numpy() & (col.type != "text")
            out["value"] = out["value"].where(own, out["value"].map(personal.mask_guessed))
        return out

    def choice_labels(self, table: Table, key: str) -> pd.Series:
        """Locale label of each row's value in a choice column ("" where it has none)."""
        if key not in table.frame:
            return pd.Series("", index=table.frame.index)
        labels = {c.key: c.label(self.locale) for c in table.tab.column(key).fixed_choices}
        return table.frame[key].map(labels).fillna("")

    def render(self, rule: Rule, fields: dict, n: int) -> np.ndarray:
        """The rule's message for n hits, concatenating whole columns, not formatting row by row."""
        out = np.full(n, "", dtype=object)
        for literal, name, _spec, _conv in string.Formatter().parse(rule.message(self.locale)):
            out = out + literal
            if name is not None:
                value = fields.get(name, "{" + name + "}")
                out = out + (value.to_numpy(dtype=object) if isinstance(value, pd.Series) else str(value))
        return out

    def admin(self, table: Table) -> pd.Series:
        """The responsible admin of each row ("" when the tab has none or the cell is empty)."""
        column = admin_column(table.tab)
        return self.cached(("admin", table.tab.key), lambda: pd.Series("", index=table.frame.index, dtype=object)
                           if column is None else table.frame[column].fillna(""))

    def is_url(self, table: Table, column: str) -> pd.Series:
        def read() -> pd.Series:
            texts = table.frame[column]
            return texts.isin([n for n in texts.dropna().unique() if URL.match(n)])
        return self.cached(("url", table.tab.key, column), read)

    # -- completeness ------------------------------------------------------

    def by_admin(self) -> dict[str, dict]:
        """Per admin: rows, required cells not filled validly, and completeness percent."""
        parts = []
        for table in self.tables.values():
            if admin_column(table.tab) is not None:
                required, missing = self.required_cells(table)
                parts.append(pd.DataFrame({"admin": self.admin(table), "required": required.sum(axis=1),
                                           "missing": missing.sum(axis=1)}))
        if not parts:
            return {}
        totals = pd.concat(parts).groupby("admin").agg(
            rows=("required", "size"), required=("required", "sum"), missing=("missing", "sum"))
        return {admin: {"rows": int(t.rows), "missing_cells": int(t.missing),
                        "completeness": _percent(int(t.required), int(t.missing))}
                for admin, t in totals.iterrows()}  # one line per admin, not per row

    def required_cells(self, table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Cells the procedure requires (required/link rules, their conditions), and those not filled validly."""
        required = pd.DataFrame(False, index=table.frame.index, columns=list(table.frame.columns))
        unusable = table.blank | table.invalid
        for rule in self.template.rules:
            if rule.tab != table.tab.key or rule.check not in ("required", "link"):
                continue
            when = self.condition(rule, table)
            for column in rule.columns:
                required[column] |= when
                if rule.check == "link":
                    unusable[column] |= ~self.is_url(table, column)
        return required, required & unusable


def _chosen(rule: Rule, frame: pd.DataFrame) -> pd.Series:
    """Rows holding one of each `when` column's choices and none of an `unless` column's (a
    platform that does not give a figure is not asked for it)."""
    mask = pd.Series(True, index=frame.index)
    for column, keys in rule.when.items():
        mask &= frame[column].isin(keys)
    for column, keys in rule.unless.items():
        mask &= ~frame[column].isin(keys)
    return mask


def _holds_people(table) -> bool:
    """Whether a tab is a register of people (it has a personal column): every value it quotes is
    masked unless it is plainly the column's own."""
    return any(c.personal for c in table.tab.columns)


def _flags(chunks: list[_Hits]) -> tuple[list[Flag], dict[Flag, str]]:
    """The flags in tab, row, column and rule order, and the unmasked message of those whose
    message masks a contact's data."""
    if not chunks:
        return [], {}
    cat = lambda f: np.concatenate([f(c) for c in chunks])  # noqa: E731
    rows = cat(lambda c: c.rows.astype(np.int64))
    order = np.lexsort((cat(lambda c: np.full(len(c.rows), c.rule_order)),
                        cat(lambda c: np.full(len(c.rows), c.column_order)),
                        rows,
                        cat(lambda c: np.full(len(c.rows), c.tab_order))))
    columns = [
        cat(lambda c: np.full(len(c.rows), c.rule.tab, dtype=object)),
        rows.tolist(),
        cat(lambda c: np.full(len(c.rows), c.column, dtype=object)),
        cat(lambda c: c.cells),
        cat(lambda c: np.full(len(c.rows), c.rule.id, dtype=object)),
        cat(lambda c: np.full(len(c.rows), c.rule.severity, dtype=object)),
        cat(lambda c: c.messages),
        cat(lambda c: c.admins),
    ]
    columns = [np.asarray(col, dtype=object)[order].tolist() for col in columns]
    columns = [col if i in (1, 3) else _one_object_each(col) for i, col in enumerate(columns)]  # not rows, cells
    unmasked = np.asarray(cat(lambda c: c.unmasked), dtype=object)[order].tolist()
    flags = [Flag(*values) for values in zip(*columns)]
    return flags, {f: text for f, text in zip(flags, unmasked) if text != f.message}


def _one_object_each(values: list) -> list:
    """Equal values as one object: numpy's object arrays hold a copy per row (226 000 flags held
    226 000 copies of ten rule names and 195 000 of 3 700 messages: ~90 MB)."""
    seen: dict = {}
    return [seen.setdefault(v, v) for v in values]


def _percent(required: int, missing: int) -> float:
    return round(100 * (required - missing) / required, 1) if required else 100.0


def _placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def admin_column(tab: Tab) -> str | None:
    return next((c.key for c in tab.columns if c.choices == ADMINS), None)
