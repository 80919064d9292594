"""Property: whatever the rows and whatever the commands, admin cells never
change, and any command run twice leaves the workbook as once."""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest

from hypothesis import HealthCheck, given, settings, strategies as st

from sheets_plan.jobs import folder as weekly, project as jobs
from sheets_plan.jobs.demo import fill_rows
from sheets_plan.sheets.values import serial
from sheets_plan.backends.local import LocalBackend
from sheets_plan.jobs.provision import provision

from .helpers import workbook_snapshot
from .constants import AS_OF, RUN_AT, TEMPLATE


# What a person can type into a cell (no control characters: xlsx cannot hold them).
typed_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12)
junk = st.one_of(st.none(), typed_text, st.integers(-5, 10_000), st.floats(-1, 1e6, allow_nan=False),
                 st.sampled_from(["=1+1", "=IMPORTXML(\"http://x\",\"//a\")", "12.03", "1 520", " ", "😀", "опубликовано"]))
day = st.integers(-60, 20).map(lambda d: serial(AS_OF + dt.timedelta(days=d)))
plan_row = st.tuples(
    st.one_of(day, junk), junk, st.sampled_from(["Instagram", "VK", "MySpace", None]),
    st.sampled_from(["пост", "reels", None]), junk, junk, junk, st.sampled_from(["Анна", "Борис", "X", None]),
    st.sampled_from(["идея", "готово", "опубликовано", None]), st.sampled_from(["https://vk.com/1", "x", None]),
    *[st.one_of(st.integers(0, 5000), junk) for _ in range(6)]).map(list)
account_row = st.tuples(day, st.integers(0, 9000), junk, junk, junk).map(list)
command = st.sampled_from(["provision", "validate", "summarize", "weekly"])


def run(name, folder, path):
    backend = LocalBackend(folder)
    if name == "provision":
        provision(backend, "P", template=TEMPLATE)
    elif name == "validate":
        jobs.validate(backend, path, template=TEMPLATE, as_of=AS_OF, run_at=RUN_AT)
    elif name == "summarize":
        jobs.summarize(backend, path, template=TEMPLATE, as_of=AS_OF)
    else:
        weekly.weekly(backend, template=TEMPLATE, as_of=AS_OF, run_at=RUN_AT)


def admin_cells(folder, path):
    plan, account = LocalBackend(folder).read(path, ["'Контент-план'!A1:P200", "'Аккаунт'!A1:E200"])
    return plan.values, account.values


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=st.lists(plan_row, min_size=0, max_size=15), account=st.lists(account_row, max_size=6),
       commands=st.lists(command, min_size=1, max_size=3))
@pytest.mark.slow
def test_admin_cells_stay_and_commands_are_idempotent(plan, account, commands):
    folder = Path(tempfile.mkdtemp())
    try:
        backend = LocalBackend(folder)
        path = provision(backend, "P", admins=["Анна", "Борис"], locale="ru", template=TEMPLATE)
        fill_rows(backend, path, TEMPLATE, plan, account)
        typed = admin_cells(folder, path)
        for name in commands:
            run(name, folder, path)
            once = workbook_snapshot(path)
            assert admin_cells(folder, path) == typed, name
            run(name, folder, path)
            assert workbook_snapshot(path) == once, name
    finally:
        shutil.rmtree(folder)
