"""A rule's check is one registered function: the template names it, the loader refuses a name no
function has, and adding a check is one function and one TOML entry (docs/template.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from sheets_plan.core import procedure
from sheets_plan.core.procedure import CHECKS, handles
from sheets_plan.core.table import read_table
from sheets_plan.core.template_load import TemplateError, default_path, parse
from sheets_plan.sheets.values import Grid

NEW_RULE = '''
[[rules]]
id = "no_emoji"
name = { ru = "Эмодзи", en = "Emoji" }
check = "no_emoji"
tab = "plan"
columns = ["caption"]
severity = "warning"
message = { ru = "В тексте эмодзи", en = "An emoji in the caption" }
'''


# Checks the default template leaves to a team's own: a phone in another spelling is `fix`'s there,
# and a team may want the warning too (docs/architecture.md)
OFFERED = {"phone_format"}


def test_every_rule_of_the_template_has_its_check_and_every_check_a_rule(template):
    assert {rule.check for rule in template.rules} == set(CHECKS) - OFFERED


def test_a_rule_naming_no_registered_check_is_refused():
    with pytest.raises(TemplateError, match=r"rules\.no_emoji\.check: unknown check 'no_emoji'; one of any_of, "):
        parse(default_path().read_text(encoding="utf-8").split("[[rules]]")[0] + NEW_RULE)


def test_a_new_check_is_one_function_and_one_toml_entry(template):
    @handles("no_emoji")
    def no_emoji(run, rule, table):
        for column in rule.columns:
            text = table.frame[column].fillna("")
            yield column, text.str.contains("[\U0001F300-\U0001FAFF]", regex=True), {}

    try:
        mine = parse(default_path().read_text(encoding="utf-8") + NEW_RULE)
        plan = mine.tab_of_kind("plan")
        header = [c.label("en") for c in plan.columns]
        rows = [[46100, None, "VK", "post", None, "topic", caption, "Anna", "idea"] for caption in
                ("Plain", "Sunny \U0001F31E day")]
        table = read_table(plan, Grid("Plan", [header, *rows]), as_of=dt.date(2026, 3, 1), admins=["Anna"])
        flags = procedure.check(mine, {plan.key: table}, as_of=dt.date(2026, 3, 1), locale="en").flags
        assert [(f.cell, f.severity, f.message) for f in flags if f.rule == "no_emoji"] == [
            ("G3", "warning", "An emoji in the caption")]
        with pytest.raises(ValueError, match="registered twice"):
            handles("no_emoji")(no_emoji)
    finally:
        CHECKS.pop("no_emoji")
