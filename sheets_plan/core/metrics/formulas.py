"""The formula of a Weekly-tab cell, written from a metric's tree (see :mod:`sheets_plan.core.metrics`).

Pure: template positions in, formula text (internal form) out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from sheets_plan.sheets.a1 import col_letter, quote_title
from .catalog import (
    ACCOUNT_ROW, AccountFigure, Add, AccountRow, AccountValue, Contacts, Diff, Either, Expr, LatestValue, Platforms,
    Posts, Prev, Ratio, Ref, Total, Where, expression_of, blankable, split_key,
)

# ------------------------------------------------------------------ formulas

ACCOUNT_ROWS = 5000


def _stage_labels(template, locale: str) -> dict[str, str]:
    return {c.key: c.label(locale) for c in template.tab_of_kind("leads").column("stage").choices}


@dataclass(frozen=True)
class RegisterTab:
    """A tab the funnel counts other than the template's Leads tab (the tool's tab of a project's
    AmoCRM leads): its title, its columns' positions, and the stages kept in a column of their own."""
    title: str
    positions: Mapping[str, int]
    stage_columns: Mapping[str, str] = field(default_factory=dict)   # stage key -> column key ("stage" else)


@dataclass(frozen=True)
class Sources:
    """Where the data lives: quoted tab titles and column letters (where the
    columns are in the sheet: template order unless people moved them)."""
    plan: str
    account: str
    plan_columns: Mapping[str, str]
    account_columns: Mapping[str, str]
    published: str  # the status label that means published, in the sheet's language
    leads: str | None = None  # the Leads tab, when the funnel counts the register
    leads_columns: Mapping[str, str] | None = None
    stages: Mapping[str, str] | None = None  # stage key -> its label in the sheet's language
    stage_columns: Mapping[str, str] | None = None  # a stage counted in a column of its own (a CRM's refusals)

    @property
    def register(self) -> bool:
        return self.leads is not None

    @classmethod
    def from_template(cls, template, locale: str, plan_title: str, account_title: str,
                      positions: Mapping[str, Mapping[str, int]] | None = None,
                      leads_title: str | None = None, register: RegisterTab | None = None) -> "Sources":
        plan = template.tab_of_kind("plan")
        account = template.tab_of_kind("account")
        published = template.published(locale)
        where = positions or {}

        def letters(tab):
            at = where.get(tab.key) or {c.key: i for i, c in enumerate(tab.columns)}
            return {c.key: col_letter(at[c.key]) for c in tab.columns}

        counted: dict = {}
        if template.register and register is not None:  # a project's AmoCRM leads, in the tool's tab
            counted = {"leads": quote_title(register.title),
                       "leads_columns": {k: col_letter(i) for k, i in register.positions.items()},
                       "stages": _stage_labels(template, locale), "stage_columns": dict(register.stage_columns)}
        elif template.register and leads_title is not None:  # a workbook without the Leads tab: Account's counts
            leads = template.tab_of_kind("leads")
            counted = {"leads": quote_title(leads_title), "leads_columns": letters(leads),
                       "stages": _stage_labels(template, locale)}
        return cls(quote_title(plan_title), quote_title(account_title), letters(plan), letters(account), published,
                   **counted)

    def stage_column(self, stage: str) -> str:
        return (self.stage_columns or {}).get(stage, "stage")

    def plan_range(self, key: str) -> str:
        letter = self.plan_columns[key]
        return f"{self.plan}!${letter}:${letter}"

    def leads_range(self, key: str) -> str:
        letter = (self.leads_columns or {})[key]  # only asked where the funnel counts the register
        return f"{self.leads}!${letter}:${letter}"

    def account_range(self, key: str) -> str:
        letter = self.account_columns[key]
        return f"{self.account}!${letter}:${letter}"

    def account_span(self, key: str) -> str:
        """A bounded Account range for array formulas: an array over a whole
        column makes every recalculation scan a million rows (≈0.3 s per cell
        in LibreOffice); ACCOUNT_ROWS weekly rows are about a century."""
        letter = self.account_columns[key]
        return f"{self.account}!${letter}$1:${letter}${ACCOUNT_ROWS}"


@dataclass(frozen=True)
class RowContext:
    """One Weekly-tab row: its Monday cell, its group criterion, its laid-out cells.

    A platform row names its platform's cell (``name``): its Account rows are
    that platform's. A row of all posts lists the platform rows of the same
    week (``platforms``): its account figures are their sum."""
    src: Sources
    week: str  # the cell holding the week's Monday, e.g. "$A5"
    group: tuple[str, str] | None = None  # (plan column key, criterion expression)
    cells: Mapping[tuple[str, int], str] | None = None  # (metric key, weeks back) -> "$D5"
    name: str | None = None  # the cell holding the platform's name, e.g. "$C40"
    platforms: tuple["RowContext", ...] = ()

    def cell(self, key: str, back: int) -> str | None:
        return (self.cells or {}).get((key, back))


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _shifted(ref: str, days: int) -> str:
    if days == 0:
        return ref
    return f"({ref}{'+' if days > 0 else '-'}{abs(days)})"


def _week_criteria(column_range, date: str, week: str, back: int) -> list[str]:
    """COUNTIFS/SUMIFS criteria of the rows dated in the week `back` weeks before `week`'s. By the
    date itself, not the computed Week column: a row typed below the rows the tool prepared has no
    computed cells until the next run, and counts all the same."""
    return [column_range(date), '">="&' + _shifted(week, -7 * back),
            column_range(date), '"<"&' + _shifted(week, 7 - 7 * back)]


def _compound(text: str) -> bool:
    """True unless the text is one call or one reference (safe next to an operator)."""
    depth = 0
    in_string = False
    for ch in text:
        if ch == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch in "+-*/&=<>^ ":
            return True
    return False


def _wrap(text: str) -> str:
    return f"({text})" if _compound(text) else text


class _FormulaWriter:
    def __init__(self, ctx: RowContext):
        self.ctx, self.src = ctx, ctx.src

    def plan_criteria(self, back: int, planned: bool = False) -> list[str]:
        src, week = self.src, self.ctx.week
        crit = [] if planned else [src.plan_range("status"), _string(src.published)]
        crit += _week_criteria(src.plan_range, "date", week, back)
        if self.ctx.group is not None:
            column, criterion = self.ctx.group
            crit += [src.plan_range(column), criterion]
        return crit

    def definition(self, key: str):
        group = self.ctx.group
        return expression_of(key, group is None, self.src.register, group is not None and group[0] != "platform")

    def leads_criteria(self, back: int, stage: str | None) -> list[str]:
        """The week's cohort of contacts (first contact in the week), at a stage, of the row's group."""
        src, week = self.src, self.ctx.week
        crit = _week_criteria(src.leads_range, "first_contact", week, back)
        if stage is not None:
            crit += [src.leads_range(src.stage_column(stage)), _string((src.stages or {})[stage])]
        if self.ctx.group is not None:
            column, criterion = self.ctx.group
            crit += [src.leads_range(column), criterion]
        return crit

    def account_row(self, back: int) -> str:
        cell = self.ctx.cell(ACCOUNT_ROW, back)
        if cell:
            return cell
        if self.ctx.name is None:
            raise ValueError("an Account row belongs to a platform: a row of all posts adds its platform rows")
        week, platform = self.src.account_span("week"), self.src.account_span("platform")
        lo, hi = _shifted(self.ctx.week, -7 * back), _shifted(self.ctx.week, 7 - 7 * back)
        return f"SUMPRODUCT(MAX(({week}>={lo})*({week}<{hi})*({platform}={self.ctx.name})*ROW({week})))"

    def latest(self, expr: LatestValue, back: int) -> str:
        """The week's own figure where it is a number, else the platform's latest earlier Account
        row with a number in the column: its latest date before the week (MAXIFS, which passes over
        text and blanks), then the lowest row of that date with a number. A criterion ">-1E+300"
        matches every number and no text."""
        if self.ctx.name is None:
            raise ValueError("a last known figure belongs to a platform: a row of all posts adds its platform rows")
        src, name, column = self.src, self.ctx.name, expr.column
        matching = self.ctx.group[1] if self.ctx.group else name  # wildcards in a name escaped
        value, week, platform = (src.account_range(k) for k in (column, "week", "platform"))
        criteria = f'{platform},{matching},{week},"<"&{_shifted(self.ctx.week, -7 * back)},{value},">-1E+300"'
        spans = {k: src.account_span(k) for k in (column, "week", "platform")}
        # a number in the column: below 1E+300 (text compares above every number) and not blank
        number = f'({spans[column]}<1E+300)*({spans[column]}<>"")'
        row = (f"SUMPRODUCT(MAX(({spans['week']}=MAXIFS({week},{criteria}))*({spans['week']}>0)"
               f"*({spans['platform']}={name})*{number}*ROW({spans['week']})))")
        own = self.write(expr.own, back)
        return f'IF(ISNUMBER({own}),{own},IF(COUNTIFS({criteria})=0,"",INDEX({value},{row})))'

    def platforms(self, expr: Expr, back: int) -> str:
        """`expr` on each platform row of the week, added: blank when all are blank. N() reads an
        inline blank ("") as 0, where SUM of a text argument would be an error."""
        parts = [_FormulaWriter(p).write(expr, back) for p in self.ctx.platforms]
        if not parts:
            return '""'
        return f'IF(COUNT({",".join(parts)})=0,"",{"+".join(f"N({p})" for p in parts)})'

    def posts(self, expr: Posts, back: int) -> str:
        crit = self.plan_criteria(back, expr.planned)
        for column in expr.filled:
            crit += [self.src.plan_range(column), '">=0"']
        if expr.platform is not None:
            crit += [self.src.plan_range("platform"), _string(expr.platform)]
        crit += [x for other in expr.others for x in (self.src.plan_range("platform"), _string("<>" + other))]
        return f"COUNTIFS({','.join(crit)})"

    def write(self, expr: Expr, back: int) -> str:
        if isinstance(expr, Posts):
            return self.posts(expr, back)
        if isinstance(expr, Contacts):
            return "+".join(f"COUNTIFS({','.join(self.leads_criteria(back, stage))})"
                            for stage in expr.stages or (None,))
        if isinstance(expr, Total):
            crit = self.plan_criteria(back)
            if expr.filled:
                crit += [self.src.plan_range(expr.filled), '">=0"']
            return "+".join(f"SUMIFS({','.join([self.src.plan_range(c)] + crit)})" for c in expr.columns)
        if isinstance(expr, AccountRow):
            return self.account_row(back)
        if isinstance(expr, LatestValue):
            return self.latest(expr, back)
        if isinstance(expr, Platforms):
            return self.platforms(expr.expr, back)
        if isinstance(expr, Either):
            test, a, b = (self.write(e, back) for e in (expr.test, expr.a, expr.b))
            return f"IF({_wrap(test)}>0,{a},{b})"
        if isinstance(expr, AccountFigure):  # the Account's figure in this block
            return self.write(expression_of(expr.key, self.ctx.group is None), back)
        if isinstance(expr, Where):
            test, value = self.write(expr.test, back), self.write(expr.value, back)
            return f'IF(ISNUMBER({test}),{value},"")'
        if isinstance(expr, AccountValue):
            row = _wrap(self.account_row(back))
            value = f"INDEX({self.src.account_range(expr.column)},{row})"
            return f'IF({row}=0,"",IF(ISNUMBER({value}),{value},""))'
        if isinstance(expr, Ref):
            cell = self.ctx.cell(expr.key, back)
            return cell if cell else self.write(self.definition(expr.key), back)
        if isinstance(expr, Prev):
            return self.write(expr.expr, back + 1)
        if isinstance(expr, Add):
            if blankable(expr):
                raise ValueError(f"Add takes never-blank terms: {expr!r}")
            return "+".join(self.write(t, back) for t in expr.terms)
        if isinstance(expr, Diff):
            a, b = self.write(expr.a, back), self.write(expr.b, back)
            value = f"{a}-{_wrap(b)}"
            checks = [f"ISNUMBER({x})" for x, e in ((a, expr.a), (b, expr.b)) if blankable(e)]
            if not checks:
                return value
            test = checks[0] if len(checks) == 1 else f"AND({','.join(checks)})"
            return f'IF({test},{value},"")'
        if isinstance(expr, Ratio):
            num, den = self.write(expr.num, back), self.write(expr.den, back)
            value = f"{_wrap(num)}/{_wrap(den)}" + (f"*{int(expr.scale)}" if expr.scale != 1 else "")
            # N(): a blank denominator reads 0, so one test covers blank and zero (the denominator
            # written twice, not three times)
            den_test = f"N({den})" if blankable(expr.den) else _wrap(den)
            checks = [f"ISNUMBER({num})"] if blankable(expr.num) else []
            if not checks:
                return f'IF({den_test}=0,"",{value})'
            return f'IF(AND({",".join(checks + [f"{den_test}<>0"])}),{value},"")'
        raise TypeError(f"not a metric expression: {expr!r}")


def formula(key: str, ctx: RowContext) -> str:
    """The cell formula (internal form) of a figure key in one Weekly-tab row.

    ``key`` is a metric key, ``"account_row"`` or ``"account_row_prev"``.
    Figures that ``ctx.cells`` lays out (this row's, and the previous week's
    when its row is known) are referenced; the rest is written inline.
    """
    base, back = split_key(key)
    cells = dict(ctx.cells or {})
    cells.pop((base, back), None)  # never refer to the cell being written
    writer = _FormulaWriter(RowContext(ctx.src, ctx.week, ctx.group, cells, ctx.name, ctx.platforms))
    return "=" + writer.write(writer.definition(base), back)


# What a spreadsheet criterion treats specially: wildcards, and a leading comparison operator.
_WILDCARDS = ("~", "*", "?")
_OPERATOR_START = ("=", "<", ">")


def name_criterion(cell: str, name: str) -> str:
    """A COUNTIFS/SUMIFS criterion matching exactly the text in `cell` (which holds `name`).

    The name stays in its cell (a stringValue); the formula only refers to it.
    Wildcards (* ? ~) and a leading operator (= < >) are escaped in the
    formula when the name has them.
    """
    if not any(ch in name for ch in _WILDCARDS) and not name.startswith(_OPERATOR_START):
        return cell
    escaped = cell
    for ch in _WILDCARDS:  # "~" first, so the escapes are not escaped again
        escaped = f'SUBSTITUTE({escaped},"{ch}","~{ch}")'
    return f'"="&{escaped}'
