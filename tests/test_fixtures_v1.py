"""The template-1.0 workbooks people have (tests/fixtures/make_v1.py): the demo in ru and en with
a few admin edits made in LibreOffice. Every command works on them and keeps what the admins
made: the baseline for moving them to a newer template version (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sheets_plan.cli import cli
from sheets_plan.xlsx import read_tags

from .person import person_parts

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = "2026-03-16"


@pytest.mark.parametrize("locale, own, typed", [("ru", "Хештеги", "#кофе"), ("en", "Hashtags", "#coffee")])
def test_version_1_workbooks_are_read_and_kept(tmp_path, locale, own, typed):
    path = tmp_path / f"v1-demo-{locale}.xlsx"
    shutil.copy(FIXTURES / path.name, path)
    assert read_tags(path)["version"] == "1.0"
    before = person_parts(path)
    plan = before[next(t for t in before["tabs"] if t in ("Контент-план", "Plan"))]
    assert {own, typed} <= {v[0] for v in plan["cells"].values()}
    for command in (["validate", path, "--as-of", AS_OF], ["summarize", path, "--as-of", AS_OF],
                    ["report", path, "--as-of", AS_OF]):
        result = CliRunner().invoke(cli, [str(a) for a in command])
        assert result.exit_code in (0, 1), result.output
    assert person_parts(path) == before
