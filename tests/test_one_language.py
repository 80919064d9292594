"""One run speaks one language: the project's (or --locale's). `weekly` on an English project prints an
English table and English progress without --locale; a Russian run's reminder lines are Russian."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from sheets_plan.cli.commands import cli
from sheets_plan.jobs.demo import run_demo

DAY = dt.date(2026, 11, 26)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
pytestmark = pytest.mark.slow


@pytest.mark.parametrize("locale", ["en", "ru"])
def test_weekly_speaks_the_project_s_language(tmp_path, locale):
    run_demo(tmp_path / "plans", locale=locale, as_of=DAY)
    result = CliRunner().invoke(cli, ["weekly", "--dir", str(tmp_path / "plans"), "--as-of", DAY.isoformat()])
    assert result.exit_code == 1, result.output
    words = result.output.replace("Кофейня «Зерно»", "")  # the project's name is what it is
    if locale == "en":
        assert "\nProject " in words and ": ok\n" in words and not CYRILLIC.search(words), words
    else:
        assert "\nПроект " in words and ": готово\n" in words  # the progress line too


def test_a_russian_run_s_reminder_lines_are_russian(tmp_path):
    folder = tmp_path / "demo"
    run_demo(folder, locale="ru", as_of=DAY)
    (folder / "team.toml").write_text('[reminders]\nquiet = "00:00-00:00"\nfrom = "plan@agency.test"\n'
                                      '[smtp]\nhost = "127.0.0.1"\nport = 9\n[admins."Анна"]\nemail = "a@agency.test"\n'
                                      '[admins."Борис"]\n', encoding="utf-8")
    path = next(folder.glob("*.xlsx"))
    result = CliRunner().invoke(cli, ["remind", str(path), "--dry-run", "--as-of", DAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "→ в файле команды нет ни e-mail, ни Telegram" in result.output
    assert "no e-mail" not in result.output and "dry run" not in result.output


def test_one_mistake_one_flag_for_a_check_date_years_away_and_summaries_refuse_it(tmp_path):
    """--as-of 2031: validate says as_of_far once (no "published, but in the future", no missing weeks);
    summarize and report refuse it with one line and exit 2 instead of 26 empty weeks."""
    path = run_demo(tmp_path / "plans", locale="en", as_of=DAY).path
    runner = CliRunner()
    out = runner.invoke(cli, ["validate", path, "--as-of", "2031-06-01", "--format", "json", "--no-write"])
    import json

    rules = [f["rule"] for f in json.loads(out.output)["flags"]]
    assert "as_of_far" in rules and not {"future", "overdue", "weekly", "stats"} & set(rules), rules
    for command in (["summarize", path], ["report", path]):
        refused = runner.invoke(cli, [*command, "--as-of", "2031-06-01"])
        assert refused.exit_code == 2 and "2031" in refused.output and "a typo in --as-of?" in refused.output
        assert len(refused.output.strip().splitlines()) == 1
