"""The live form of the procedure: conditional-format formulas that mark, in
the sheet itself, the cells the check flags (required, link, overdue, future).

Pure: the template and column positions in, formula texts out.
"""

from __future__ import annotations

from sheets_plan.sheets.a1 import col_letter, neighbour_runs
from sheets_plan.core.procedure import date_column
from sheets_plan.core.cells import MAX_SERIAL, MIN_SERIAL, choice_lookup, norm
from sheets_plan.core.template import Rule, Tab, Template

LIVE_CHECKS = ("required", "link", "overdue", "future")


def live_rules(template: Template, locale: str, positions: dict[str, int], first_row: int = 2,
               *, tab: str | None = None) -> list[dict]:
    """Conditional-format formulas that mark, live, the cells `check` flags for these rules.

    One formula per (rule, column), relative to the column's first data cell
    (row `first_row`): the own cell relative, other columns `$`-anchored.
    Internal form: English names, `,` separators, no decimal literals.

    Identical to `check` for cells holding numbers and plain strings. Where
    the sheet cannot see what the reader sees, they differ, knowingly:
    a date typed as *text* ("12.03.2026") is a date for `check` but not for
    ISNUMBER; TRIM removes only spaces, so a cell holding just a
    non-breaking space or a tab is blank for `check` but filled here.
    """
    tab_ = template.tab(tab) if tab else _tab_of(template, positions)
    live = _Live(template, tab_, locale, positions, first_row)
    out = []
    for rule in template.rules:
        if rule.tab != tab_.key or rule.check not in LIVE_CHECKS:
            continue
        needed = (*rule.columns, *rule.when, *rule.unless,
                  *([date_column(tab_)] if rule.after_stats_days else []))
        if not all(c in positions for c in needed):
            continue
        for column in rule.columns:
            out.append({"rule": rule.id, "column": column, "formula": "=" + live.formula(rule, column)})
    return out


def _tab_of(template: Template, positions: dict[str, int]) -> Tab:
    """The tab whose columns `positions` describes (the plan when in doubt)."""
    tabs = sorted((t for t in template.tabs if t.columns), key=lambda t: t.kind != "plan")
    return max(tabs, key=lambda t: sum(c.key in positions for c in t.columns))


class _Live:
    def __init__(self, template: Template, tab: Tab, locale: str, positions: dict[str, int], first_row: int):
        self.template, self.tab, self.locale = template, tab, locale
        self.positions, self.row = positions, first_row

    def ref(self, key: str, own: bool = False) -> str:
        return ("" if own else "$") + col_letter(self.positions[key]) + str(self.row)

    def formula(self, rule: Rule, column: str) -> str:
        own = self.ref(column, own=True)
        if rule.check in ("required", "link"):  # link: only "must be filled" has a live form
            parts = [self.row_filled(), f"LEN(TRIM({own}))=0"]
        else:
            compare = "<" if rule.check == "overdue" else ">"
            parts = [self.is_date(own), f"INT(N({own})){compare}TODAY()"]
        parts += [self.when(key, keys) for key, keys in rule.when.items()]
        parts += [f"NOT({self.when(key, keys)})" for key, keys in rule.unless.items()]
        if rule.after_stats_days:
            date = self.ref(date_column(self.tab))
            parts += [self.is_date(date), f"INT(N({date}))+{self.template.stats_after_days}<=TODAY()"]
        return f"AND({','.join(parts)})"

    def row_filled(self) -> str:
        """Any input cell non-blank: the rows `read_table` keeps."""
        runs = neighbour_runs(sorted(self.positions[c.key] for c in self.tab.input_columns
                                     if c.key in self.positions))
        return "+".join(f"SUMPRODUCT(LEN(TRIM({self.span(r[0], r[-1])})))" for r in runs) + ">0"

    def span(self, first: int, last: int) -> str:
        start = f"${col_letter(first)}{self.row}"
        return start if first == last else f"{start}:${col_letter(last)}{self.row}"

    def is_date(self, ref: str) -> str:
        # The serial range `read_table` accepts as a date; N() keeps a text cell from
        # turning the whole AND into an error value (AND does not short-circuit).
        return f"ISNUMBER({ref}),{ref}>={MIN_SERIAL},{ref}<{MAX_SERIAL}"

    def when(self, key: str, keys: tuple[str, ...]) -> str:
        """The choice cell holds one of `keys`, typed in any locale or as the key itself (as `read_table` reads it)."""
        column = self.tab.column(key)
        names: list[str] = []
        for choice in column.choices:
            if choice.key in keys:
                # The sheet's own label first: it is what admins pick from the dropdown.
                for name in (choice.label(self.locale), *choice.labels.values(), choice.key):
                    if norm(name) not in names and choice_lookup(column).get(norm(name)) == choice.key:
                        names.append(norm(name))
        cell = f"LOWER(TRIM({self.ref(key)}))"
        tests = [f'{cell}="{_quote(n)}"' for n in names]
        return tests[0] if len(tests) == 1 else f"OR({','.join(tests)})"


def _quote(text: str) -> str:
    return text.replace('"', '""')
