"""The project's followers are over the same accounts every week: a platform that posted nothing
(and so typed no Account row) counts at its last known figure, a new account counts from its first
row without being growth. The Weekly tab's formulas (recalculated by LibreOffice) and `report` agree."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from sheets_plan import LocalBackend, provision
from sheets_plan.cli.commands import cli
from sheets_plan.jobs import demo, project as jobs
from sheets_plan.jobs.read import load_snapshot
from sheets_plan.sheets.values import serial
from sheets_plan_emulators.office.recalc import convert

from .helpers import weekly_differences
from .test_fix import plan_row

W1, W2, W3 = dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(2026, 3, 16)
AS_OF = "2026-03-23"


def _report(path, by=None) -> list[dict]:
    out = CliRunner().invoke(cli, ["report", str(path), "--as-of", AS_OF, "--weeks", "4", "--format", "json",
                                   *(["--by", by] if by else [])]).output
    return json.loads(out)


def _typed(path) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [row[:16] for row in wb["Контент-план"].iter_rows(max_row=6, values_only=True)] + [
        row[:6] for row in wb["Аккаунт"].iter_rows(max_row=7, values_only=True)]


@pytest.mark.slow
def test_a_platform_without_a_row_counts_at_its_last_known_followers(tmp_path, template, office):
    backend = LocalBackend(tmp_path)
    path = provision(backend, "Carried", admins=["Аня"], locale="ru", template=template)
    posts = [plan_row(serial(W1), "Instagram", "Аня", "опубликовано", link="https://t.me/c/1"),
             plan_row(serial(W1 + dt.timedelta(days=1)), "VK", "Аня", "опубликовано", link="https://vk.com/wall-1_1"),
             plan_row(serial(W2), "Instagram", "Аня", "опубликовано", link="https://t.me/c/2"),
             plan_row(serial(W3), "Instagram", "Аня", "опубликовано", link="https://t.me/c/3")]
    account = [[serial(W1), "Instagram", 5000, 1, 0, 0], [serial(W1), "VK", 500, 0, 0, 0],
               [serial(W2), "Instagram", 5100, 1, 0, 0], [serial(W3), "Instagram", 5150, 0, 0, 0]]
    demo.fill_rows(backend, path, template, posts, account)
    # an admin adds the TikTok account's first row in LibreOffice: no post there yet
    office.edit(path, [["unprotect", "Аккаунт"], ["set", "Аккаунт", "A6", serial(W3)],
                       ["set", "Аккаунт", "B6", "TikTok"], ["set", "Аккаунт", "C6", 870]])
    typed = _typed(path)
    flags = jobs.validate(backend, path, template=template, as_of=dt.date.fromisoformat(AS_OF)).flags
    assert not [f for f in flags if f.tab == "account"]  # VK stopped posting: no row asked for; TikTok's is fine

    weeks = {r["week"]: r for r in _report(path)}
    assert [weeks[w.isoformat()]["followers"] for w in (W1, W2, W3)] == [5500, 5600, 6520]  # VK's 500 carried
    assert [weeks[w.isoformat()]["follower_growth"] for w in (W2, W3)] == [100, 50]  # TikTok's first row: no growth
    assert weeks[W3.isoformat()]["follower_growth_pct"] == pytest.approx(50 / 5600 * 100)
    vk = {r["week"]: r["followers"] for r in _report(path, "platform") if r["platform"] == "VK"}
    assert vk[W2.isoformat()] is None  # the platform's own row shows what was typed: nothing

    assert CliRunner().invoke(cli, ["summarize", str(path), "--as-of", AS_OF]).exit_code == 0
    assert _typed(path) == typed  # the tool wrote its tabs, no cell an admin typed
    snap = load_snapshot(backend, str(path), template, as_of=dt.date.fromisoformat(AS_OF))
    recalculated, = convert([Path(path)], "xlsx", tmp_path / "lo")
    reports = {by: _report(path, by) for by in (None, "platform", "responsible")}
    problems, compared = weekly_differences(recalculated, snap, jobs.weekly_layout(snap), reports)
    assert problems == [] and compared > 100
