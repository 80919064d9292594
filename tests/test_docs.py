"""The documentation is true: every command is documented with a CLI and a Python example, every
library name the docs give exists, and the examples run."""

from __future__ import annotations

import doctest
import importlib
import re
import shlex
from pathlib import Path

import pytest

import sheets_plan
from sheets_plan.cli.commands import cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
COMMANDS = ROOT / "docs" / "commands.md"


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def sections(text: str) -> dict[str, str]:
    parts = re.split(r"(?m)^## (\S+)\s*$", text)
    return dict(zip(parts[1::2], parts[2::2]))


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_is_documented_with_a_cli_and_a_python_example(command):
    section = sections(COMMANDS.read_text()).get(command)
    assert section is not None, f"docs/commands.md has no section for `{command}`"
    assert any(line.startswith(f"sheets-plan {command}") for b in blocks(section, "bash") for line in b.splitlines())
    assert blocks(section, "python"), f"no Python example for `{command}`"


def test_every_library_name_in_the_docs_exists():
    named = set()
    for doc in DOCS:
        named |= set(re.findall(r"\bsheets_plan((?:\.[A-Za-z_]\w*)+)", doc.read_text()))
    missing = []
    for dotted in sorted(named):
        parts = dotted.strip(".").split(".")
        obj, path = sheets_plan, "sheets_plan"
        for part in parts:
            path += "." + part
            try:
                obj = getattr(obj, part) if hasattr(obj, part) else importlib.import_module(path)
            except ImportError:
                missing.append(path)
                break
    assert missing == []
    assert len(named) > 5  # the check could fail: the docs do name the library


@pytest.mark.parametrize("name", sorted(sheets_plan.__all__))
def test_the_library_surface_is_importable_from_the_top(name):
    assert getattr(sheets_plan, name) is not None


EXAMPLED = ["validate", "summarize", "report", "fix", "brief", "stats", "remind", "run_project", "weekly", "upgrade",
            "upgrade_folder", "provision", "demo", "move_register"]


@pytest.mark.slow
@pytest.mark.parametrize("name", EXAMPLED)
def test_each_library_function_has_a_runnable_example(name, tmp_path, monkeypatch):
    function = getattr(sheets_plan, name)
    examples = doctest.DocTestParser().get_examples(function.__doc__ or "")
    assert examples, f"sheets_plan.{name} has no example in its docstring"
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(function.__doc__, {}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.failures == 0, f"the example of sheets_plan.{name} fails (see the output above)"


@pytest.mark.slow
def test_the_python_examples_of_the_commands_run_in_order(tmp_path, monkeypatch):
    """docs/commands.md's Python blocks are one session: provision first, the others on its workbook."""
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    for code in blocks(COMMANDS.read_text(), "python"):
        exec(compile(code, str(COMMANDS), "exec"), scope)
    assert (tmp_path / "plans" / "Coffee House.xlsx").exists()


def test_readme_gives_the_two_commands_and_ci_runs_its_test_command():
    readme = (ROOT / "README.md").read_text()
    try_it, tests = (blocks(sections(re.sub(r"(?m)^## (.*)$", lambda m: "## " + m[1].replace(" ", "_"), readme))[k],
                            "bash")[0].strip() for k in ("Try_it_(fresh_machine)", "Run_the_tests"))
    assert try_it.endswith("sheets-plan demo")
    ci = (ROOT / ".ci" / "run").read_text()
    apt, command = tests.split(" && python3 -m venv", 1)  # the apt-get part .ci/run does as root
    assert "python3 -m venv" + command in ci and "apt-get update" in apt  # a fresh machine has no package lists
    wanted = set(re.search(r"apt-get install -y ([^&]+)", apt)[1].split())
    assert wanted == set(re.search(r"apt-get install -y -qq ([^>\n]+)", ci)[1].split())  # the same packages


@pytest.mark.slow
def test_readme_s_sample_output_is_what_its_commands_print(tmp_path, monkeypatch):
    """The commands README gives before its sample, run as given, print the sample's lines."""
    from click.testing import CliRunner

    from sheets_plan.cli.commands import cli

    readme = (ROOT / "README.md").read_text()
    intro = re.search(r"On a demo dated[^`]*`sheets-plan (demo [^`]+)`, then\n`sheets-plan (validate [^`]+)`",
                      readme).group(1, 2)
    sample = re.search(r"On a demo dated.*?```\n(.*?)\n```", readme, re.S)[1]
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(cli, shlex.split(intro[0])).exit_code == 0
    out = runner.invoke(cli, shlex.split(intro[1]))
    assert out.exit_code == 1
    shown = [line for line in sample.splitlines() if line.strip() != "…"]
    assert out.output.splitlines()[:len(shown)] == shown


@pytest.mark.slow
def test_the_amocrm_guide_s_example_runs(tmp_path, monkeypatch, capsys):
    """docs/amocrm.md's Python example: the demo's recorded AmoCRM, validated, flags on its leads."""
    monkeypatch.chdir(tmp_path)
    for code in blocks((ROOT / "docs" / "amocrm.md").read_text(), "python"):
        exec(compile(code, "docs/amocrm.md", "exec"), {})
    assert "AmoCRM #" in capsys.readouterr().out
