"""Benchmark: the vectorized check against a plain per-row loop.

    python benchmarks/validate.py [--sizes 1000,10000,100000] [--runs 5]

Builds plans of each size in memory (as Grids, like a backend hands them
over), reads them with `read_table` (timed on its own, outside the check),
then times `procedure.check` and a straightforward per-row loop that
implements the same rules on the same tables, and checks both agree.
Peak memory is tracemalloc's peak during one `read_table` + `check`.

Targets at 100k rows: check ≤ 1 s, ≥ 20× faster than the loop, ≤ 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
import tracemalloc

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from sheets_plan.core import template_load as template_mod  # noqa: E402
from sheets_plan.sheets.values import Grid, serial  # noqa: E402
from sheets_plan.core.procedure import URL, check, date_column  # noqa: E402
from sheets_plan.core.table import read_table  # noqa: E402

AS_OF = dt.date(2026, 3, 18)
ADMINS = ["Анна", "Борис", "Вера", "Глеб", "Дина"]


# ------------------------------------------------------------------ data

def make_plan(template, n: int, seed: int = 1) -> tuple[Grid, Grid]:
    """A plan as admins leave it: mostly tidy, with the usual ~10% of slips."""
    rnd = random.Random(seed)
    plan = template.tab("plan")
    header = [c.label("ru") for c in plan.columns]
    days = min(max(60, n // 3), 3 * 365)  # up to three years of posts, ending a few weeks after as_of
    start = AS_OF - dt.timedelta(days=days - 21)
    statuses = ["опубликовано"] * 6 + ["готово", "в работе", "идея"]
    rows = [header]
    for i in range(n):
        if rnd.random() < 0.02:
            rows.append([])  # an empty row left between posts
            continue
        day = start + dt.timedelta(days=rnd.randrange(days))
        past = day < AS_OF
        status = rnd.choice(statuses) if past else rnd.choice(statuses[6:])
        views = rnd.randrange(500, 20000)
        stats = [rnd.randrange(0, views // 10), rnd.randrange(0, 50), rnd.randrange(0, 80),
                 rnd.randrange(0, 40), rnd.randrange(100, views), views]
        if status != "опубликовано" or (AS_OF - day).days < 7:
            stats = [None] * 6
        row = [serial(day), "12:00", rnd.choice(["Instagram", "VK", "Telegram"]), rnd.choice(["пост", "reels"]),
               "кейсы", f"тема {i}", f"текст {i}" if status in ("готово", "опубликовано") else "",
               rnd.choice(ADMINS), status, f"https://instagram.com/p/{i:07d}" if status == "опубликовано" else None,
               *stats]
        _slip(rnd, row, i)
        rows.append(row + _computed(day, stats))
    account = template.tab("account")
    acc = [[c.label("ru") for c in account.columns]]
    monday = start - dt.timedelta(days=start.weekday())
    while monday < AS_OF:
        if rnd.random() > 0.05:
            acc.append([serial(monday), rnd.randrange(1000, 5000), rnd.randrange(0, 30), rnd.randrange(0, 10),
                        rnd.randrange(0, 5)])
        monday += dt.timedelta(days=7)
    formulas = [[None] * len(header)] + [[None] * 16 + FORMULAS if r else [] for r in rows[1:]]
    return Grid("Контент-план", rows, formulas), Grid("Аккаунт", acc)


FORMULAS = ["=IF(ISNUMBER(A{r}),A{r}-WEEKDAY(A{r},3),\"\")", "=SUM(K{r}:N{r})", "=IF(O{r}>0,Q{r}/O{r}*100,\"\")"]


def _computed(day: dt.date, stats: list) -> list:
    """What the tool's formulas show: the week's Monday, interactions, ERR."""
    interactions = sum(stats[:4]) if stats[0] is not None else ""
    err = interactions / stats[4] * 100 if stats[4] else ""
    return [serial(day) - day.weekday(), interactions, err]


def _slip(rnd: random.Random, row: list, i: int):
    r = rnd.random()
    if r < 0.03:
        row[rnd.choice([2, 3, 5, 7, 8])] = None
    elif r < 0.05:
        row[10 + rnd.randrange(6)] = rnd.choice(["1 520", "3,5", "-4", "abc", "много"])
    elif r < 0.06:
        row[0] = rnd.choice(["12.03.2026", "12.03", "вчера", "2026-03-12"])
    elif r < 0.07:
        row[9] = rnd.choice(["instagram.com/p/x", f"https://instagram.com/p/{max(0, i - 1):07d}"])
    elif r < 0.08 and row[15] is not None:
        row[14] = row[15] + 5


def read(template, grids):
    plan, account = grids
    return {"plan": read_table(template.tab("plan"), plan, as_of=AS_OF, admins=ADMINS),
            "account": read_table(template.tab("account"), account, as_of=AS_OF)}


# ------------------------------------------------------------------ the loop

def loop_check(template, tables) -> set[tuple]:
    """The same rules, one row at a time, as a first version would be written."""
    flags = set()
    today = pd.Timestamp(AS_OF)
    delay = pd.Timedelta(days=template.stats_after_days)
    for rule in template.rules:
        table = tables[rule.tab]
        records = table.frame.to_dict("records")
        blanks = table.blank.to_dict("records")
        invalids = table.invalid.to_dict("records")
        seen_links: set = set()
        for row, rec, blank, invalid in zip(table.frame.index, records, blanks, invalids):
            if any(rec[c] not in keys for c, keys in rule.when.items()):
                continue
            if rule.after_stats_days:
                date = rec[date_column(table.tab)]
                if pd.isna(date) or date + delay > today:
                    continue
            for column in rule.columns:
                value = rec[column]
                hit = False
                if rule.check == "required":
                    hit = blank[column]
                elif rule.check in ("overdue", "future"):
                    hit = not pd.isna(value) and (value < today if rule.check == "overdue" else value > today)
                elif rule.check == "at_most":
                    than = rec[rule.than]
                    hit = not pd.isna(value) and not pd.isna(than) and value > than
                if hit:
                    flags.add((rule.tab, row, column, rule.id, ""))
            if rule.check == "types":
                for column in [c.key for c in table.tab.input_columns]:
                    if invalid[column]:
                        flags.add((rule.tab, row, column, rule.id, ""))
        if rule.check == "link":
            for row, rec, blank in zip(table.frame.index, records, blanks):
                for column in rule.columns:
                    value = rec[column]
                    applies = all(rec[c] in keys for c, keys in rule.when.items())
                    if blank[column]:
                        if applies:
                            flags.add((rule.tab, row, column, rule.id, ""))
                    elif not URL.match(value):
                        flags.add((rule.tab, row, column, rule.id, ""))
                    else:
                        key = value.rstrip("/")
                        if key in seen_links:
                            flags.add((rule.tab, row, column, rule.id, ""))
                        seen_links.add(key)
        if rule.check == "weekly":
            flags |= _loop_weeks(template, tables, rule)
    return flags


def _loop_weeks(template, tables, rule) -> set[tuple]:
    plan = tables["plan"]
    dates = [d for d in plan.frame[date_column(plan.tab)] if not pd.isna(d)]
    if not dates:
        return set()
    covered = set()
    for rec in tables[rule.tab].frame.to_dict("records"):
        week = rec[date_column(tables[rule.tab].tab)]
        if not pd.isna(week) and all(not pd.isna(rec[c]) for c in rule.columns):
            covered.add((week - pd.Timedelta(days=week.weekday())).date())
    monday = min(dates).date() - dt.timedelta(days=min(dates).weekday())
    out = set()
    while monday + dt.timedelta(days=6) < AS_OF:
        if monday not in covered:
            out.add((rule.tab, 0, "", rule.id, rule.message("ru").format(week=monday.strftime("%d.%m.%Y"))))
        monday += dt.timedelta(days=7)
    return out


# ------------------------------------------------------------------ timing

def median_time(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def bench(template, n: int, runs: int) -> dict:
    grids = make_plan(template, n)
    read_s, tables = median_time(lambda: read(template, grids), runs)
    check_s, report = median_time(lambda: check(template, tables, as_of=AS_OF, locale="ru"), runs)
    loop_s, loop_flags = median_time(lambda: loop_check(template, tables), max(1, runs // 2))
    # row-level flags (weekly gaps) are told apart by their message, which names the week
    got = {(f.tab, f.row, f.column, f.rule, f.message if f.row == 0 else "") for f in report.flags}
    assert got == loop_flags, f"check and loop disagree at {n} rows: {len(got ^ loop_flags)} flags"
    tracemalloc.start()
    check(template, read(template, grids), as_of=AS_OF, locale="ru")
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"rows": n, "flags": len(report.flags), "read_table s": read_s, "check s": check_s,
            "loop s": loop_s, "ratio": loop_s / check_s, "peak MB": peak}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    template = template_mod.load()
    results = [bench(template, int(n), args.runs) for n in args.sizes.split(",")]
    print(f"{'rows':>8} {'flags':>7} {'read_table s':>13} {'check s':>9} {'loop s':>8} {'ratio':>7} {'peak MB':>8}")
    for r in results:
        print(f"{r['rows']:>8} {r['flags']:>7} {r['read_table s']:>13.3f} {r['check s']:>9.3f} "
              f"{r['loop s']:>8.3f} {r['ratio']:>6.1f}× {r['peak MB']:>8.1f}")


if __name__ == "__main__":
    main()
