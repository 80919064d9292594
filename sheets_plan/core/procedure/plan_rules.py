"""The plan's and the account's checks (the Plan and Account tabs), each registered by name
(registry.py). Each yields (column, mask, fields): a boolean mask over a whole column and the
values of the message's placeholders, as scalars or Series over the rows. The `weekly` check is
row-level: one flag per run of missing weeks (`week_fields`), on no cell.
"""

from __future__ import annotations

import pandas as pd

from sheets_plan.words import Words
from sheets_plan.core import plan_span, sheet_view
from sheets_plan.core.dates import monday, mondays
from sheets_plan.core.cells import NOT_IN_LIST, TEXT, problems, show
from sheets_plan.core.table import Table
from sheets_plan.core.template import ADMINS, RUBRICS, Rule, Tab
from sheets_plan.sheets.a1 import neighbour_runs
from .registry import Run, handles

NOBODY = "_nobody"  # a check's field: the rows where it holds are charged to no admin

# a name the Lists tab (the dropdowns' list) does not hold: a Responsible admin, a rubric
NOT_ADMIN, NOT_RUBRIC = "not_admin", "not_rubric"
NOT_LISTED = {ADMINS: NOT_ADMIN, RUBRICS: NOT_RUBRIC}


@handles("required")
def required(run: Run, rule: Rule, table: Table):
    when = run.condition(rule, table)
    for column in rule.columns:
        # Only blank cells: a filled but unreadable cell gets its own `types` flag.
        yield column, when & table.blank[column], {}


@handles("link")
def link(run: Run, rule: Rule, table: Table):
    when = run.condition(rule, table)
    for column in rule.columns:
        text = table.frame[column]
        filled = ~table.blank[column]
        is_url = run.is_url(table, column)
        yield column, when & ~filled, {"problem": run.words["missing"]}
        yield column, filled & ~is_url, {"problem": run.words["not_url"]}
        # The same post linked twice: the first row keeps it, later ones are flagged.
        # A trailing slash does not make another post; case does (Instagram codes).
        key = text.where(is_url).str.rstrip("/")
        first = pd.Series(key.index, index=key.to_numpy()).loc[lambda s: ~s.index.duplicated()]
        repeat = key.notna() & key.duplicated(keep="first")
        yield column, repeat, {"problem": run.words["duplicate"] + key.map(first).astype("Int64").astype(str)}


@handles("types")
def types(run: Run, rule: Rule, table: Table):
    # Computed columns are the tool's: a hand edit there is the `computed`
    # rule's business, and a bad input would otherwise be flagged twice.
    for column in rule.columns or [c.key for c in table.tab.input_columns]:
        mask = table.invalid[column]
        raw = table.raw[column][mask]
        codes = problems(table.tab.column(column), raw)
        listed = table.tab.column(column).project_list
        if listed:  # the list a manager edits: say where it is
            codes = codes.replace(NOT_IN_LIST, NOT_LISTED[listed])
        yield column, mask, {"problem": codes.map(run.words).reindex(mask.index),
                             "value": raw.map(show).reindex(mask.index)}


@handles("counted")
def counted(run: Run, rule: Rule, table: Table):
    """Cells the check reads but the sheet's formulas do not count (see `counted`)."""
    fixes = cleanups(run, table)
    fixes = fixes[~fixes["counted"].astype(bool)]
    for column in rule.columns or [c.key for c in table.tab.input_columns]:
        part = fixes[fixes["column"] == column].set_index("row")
        if part.empty:
            continue
        at = lambda values: values.reindex(table.frame.index)  # noqa: E731
        # who corrects it: `fix`, unless the year is unclear (then the admin, who knows it)
        fixed = [sheet_view.named(p, v, run.locale) + ("" if p == sheet_view.YEAR_UNSURE else FIX_SAYS[run.locale])
                 for p, v in zip(part["problem"], part["new_shown"])]
        yield column, at(part["old"]).notna(), {
            "value": at(part["old"]), "fixed": at(pd.Series(fixed, index=part.index, dtype=object)),
            "problem": at(part["problem"].map(run.words)),
            NOBODY: at(part["problem"] == sheet_view.RENAMED).fillna(False).astype(bool)}


@handles("date_typo")
def date_typo(run: Run, rule: Rule, table: Table):
    for column in rule.columns:
        dates = table.frame[column]
        typo = plan_span.typos(dates)
        found = plan_span.span(dates)
        if typo.any() and found is not None:  # a typo is far from the plausible dates, so there are some
            first, last = found
            yield column, typo, {"span": f"{first:%d.%m.%Y} – {last:%d.%m.%Y}",
                                 "value": dates.dt.strftime("%d.%m.%Y")}


@handles("one_per_week")
def one_per_week(run: Run, rule: Rule, table: Table):
    """A second row for a week: the formulas take the lowest row only, so say which."""
    for column in rule.columns:
        seen = sheet_view.seen(table, column)
        week = mondays(seen)
        rows = pd.Series(table.frame.index, index=table.frame.index).where(week.notna())
        # one row per week and account: the platform as the formulas compare it (case ignored)
        platform = _lower(sheet_view.seen(table, "platform")) if "platform" in table.frame else ""
        keys = [week, platform] if "platform" in table.frame else [week]
        first = rows.groupby(keys, dropna=False).transform("min")
        used = rows.groupby(keys, dropna=False).transform("max")
        yield column, week.notna() & (rows > first), {
            "week": week.dt.strftime("%d.%m.%Y"), "first": first.astype("Int64").astype(str),
            "used": used.astype("Int64").astype(str),
            "platform": table.frame["platform"].fillna("") if "platform" in table.frame else ""}


@handles("overdue")
def overdue(run: Run, rule: Rule, table: Table):
    when = run.condition(rule, table)
    for column in rule.columns:
        yield column, when & (table.frame[column] < run.today), {}


@handles("future")
def future(run: Run, rule: Rule, table: Table):
    when = run.condition(rule, table)
    for column in rule.columns:
        yield column, when & (table.frame[column] > run.today), {}


@handles("at_most")
def at_most(run: Run, rule: Rule, table: Table):
    when = run.condition(rule, table)
    than = table.frame[rule.than]
    for column in rule.columns:
        yield column, when & (table.frame[column] > than), {}  # NaN compares False: both filled


@handles("computed")
def computed(run: Run, rule: Rule, table: Table):
    if table.formulas is None:  # the backend did not read formulas: nothing to compare
        return
    for column in rule.columns or [c.key for c in table.tab.columns if c.computed]:
        if column in run.expected:
            expected = run.expected[column].reindex(table.frame.index)
            actual = table.formulas[column]
            # an empty cell never had the formula (a row typed below the provisioned ones): the job
            # writes it, nobody changed anything; a value or another formula there was typed over it
            typed_over = actual.notna() | ~table.blank[column]
            yield column, expected.notna() & typed_over & ~same_formula(actual, expected), {}


def cleanups(run: Run, table: Table) -> pd.DataFrame:
    """The cells `fix` would write (sheet_view.cleanups), made once per run."""
    return run.cached(("cleanups", table.tab.key), lambda: sheet_view.cleanups(table, run.locale))


@handles("weekly", per_row=True)
def weekly(run: Run, rule: Rule, table: Table):
    """An Account row per platform and completed week: one flag per platform and run of
    consecutive missing weeks, naming both, on no cell."""
    fields = week_fields(run, rule, table)
    yield "", pd.Series(True, index=pd.Index([0] * len(fields["week"]), dtype="int64")), fields


def week_fields(run: Run, rule: Rule, account: Table) -> dict[str, pd.Series]:
    """The placeholders of one flag per platform and run of consecutive missing weeks, naming both."""
    runs: list[tuple[str, list[pd.Timestamp]]] = []
    for platform, missing in missing_weeks(run, rule, account).items():
        numbers = ((missing - missing[0]).days // 7).tolist() if len(missing) else []
        runs += [(platform, [missing[0] + pd.Timedelta(weeks=n) for n in stretch])
                 for stretch in neighbour_runs(numbers)]
    day = "%d.%m.%Y"
    weeks = [run.words["week"].format(r[0].strftime(day)) if len(r) == 1 else
             run.words["weeks"].format(r[0].strftime(day), r[-1].strftime(day), len(r)) for _, r in runs]
    return {"weeks": pd.Series(weeks, dtype=object),
            "week": pd.Series([r[0].strftime(day) for _, r in runs], dtype=object),
            "platform": pd.Series([p for p, _ in runs], dtype=object)}


def missing_weeks(run: Run, rule: Rule, account: Table) -> dict[str, pd.DatetimeIndex]:
    """Per active platform, the Mondays of its completed weeks with no Account row of that
    platform holding the rule's columns.

    A platform is active from the first week it has a plan row or an Account row to the last
    such week: a platform with no posts yet needs no rows, and one that stopped needs none
    after. Weeks before the plan began are never asked for (a year typo far back must not
    ask for years of rows); a week is complete once its Sunday is before the as-of day."""
    plan = run.tables.get(run.template.tab_of_kind("plan").key)
    dates = plan_span.span(plan.frame[date_column(plan.tab)]) if plan is not None else None
    last = pd.Timestamp(monday(run.today)) - pd.Timedelta(days=7)
    if plan is None or not dates or pd.Timestamp(monday(dates[0])) > last:
        return {}
    start = pd.Timestamp(monday(dates[0]))
    plan_dates = _dated(plan).where(~plan_span.typos(plan.frame[date_column(plan.tab)]))
    frame = account.frame
    week = frame[date_column(account.tab)]
    activity = pd.concat([_weeks_by_platform(plan_dates, plan.frame["platform"]),
                          _weeks_by_platform(week, frame["platform"])])
    filled = week.notna() & frame[list(rule.columns)].notna().all(axis=1)
    covered = _weeks_by_platform(week[filled], frame["platform"][filled])
    out = {}
    for key, weeks in activity.groupby(level=0):
        first, end = max(weeks.min(), start), min(weeks.max(), last)
        if first > end:
            continue
        wanted = pd.date_range(first, end, freq="7D")
        have = covered[covered.index == key] if len(covered) else covered
        missing = wanted[~wanted.isin(have)]
        if len(missing):
            out[_platform_label(key, plan.frame["platform"], frame["platform"])] = missing
    return out


def _dated(plan: Table) -> pd.Series:
    """The plan's dates that are dates in the sheet: one typed as text ("31/12") is in no week there and
    is flagged on its cell, once; it asks for no Account row (nine weeks of them, for a slip)."""
    column = date_column(plan.tab)
    cells = plan.cells.get(column)
    return plan.frame[column] if cells is None else plan.frame[column].where(cells.kind != TEXT)


FIX_SAYS = Words(lambda _: _(" (sheets-plan fix corrects it)"))


def date_column(tab: Tab) -> str:
    """The tab's own date (the first admin-filled date column): post date, account week."""
    return next(c.key for c in tab.input_columns if c.type == "date")


def same_formula(actual: pd.Series, expected: pd.Series) -> pd.Series:
    """Where a cell holds the formula expected (spaces and letter case aside; two empty cells are
    the same). Most cells hold it as written: only the others are compared as normalized text."""
    actual = actual if actual.index.equals(expected.index) else actual.reindex(expected.index)
    a, e = actual.to_numpy(dtype=object), expected.to_numpy(dtype=object)
    blank_a, blank_e = pd.isna(a), pd.isna(e)
    same = (a == e) | (blank_a & blank_e)
    rest = ~same & ~blank_a & ~blank_e  # a formula and an empty cell differ
    if rest.any():
        same[rest] = (_formula(actual[rest]) == _formula(expected[rest])).to_numpy()
    return pd.Series(same, index=actual.index)


def _formula(s: pd.Series) -> pd.Series:
    """Formula text compared without spaces and case."""
    return s.astype(object).fillna("").str.replace(r"\s+", "", regex=True).str.casefold()


def _lower(values: pd.Series) -> pd.Series:
    return values.map(lambda v: v.lower() if isinstance(v, str) else v)


def _weeks_by_platform(dates: pd.Series, platforms: pd.Series) -> pd.Series:
    """The Monday of each dated row with a platform, indexed by the platform (letter case ignored)."""
    keep = dates.notna() & platforms.map(lambda v: isinstance(v, str) and bool(v.strip()))
    return pd.Series(mondays(dates[keep]).to_numpy(), index=_lower(platforms[keep]).to_numpy(), dtype="datetime64[ns]")


def _platform_label(key: str, *columns: pd.Series) -> str:
    """The platform as the sheet spells it (the first spelling found)."""
    for column in columns:
        hit = column[_lower(column) == key]
        if len(hit):
            return str(hit.iloc[0])
    return key
