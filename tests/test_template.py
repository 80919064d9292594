"""Loading the template: the default works; each mistake is one clear line."""

import pytest

from sheets_plan.core.template_load import TemplateError, default_path, load, parse

GOOD = default_path().read_text(encoding="utf-8")


def test_default_template_loads(template):
    assert [t.kind for t in template.tabs] == ["plan", "account", "weekly", "check", "log", "leads", "kpi",
                                                  "works"]
    assert template.time_zone == "Europe/Moscow" and template.stats_after_days == 7
    plan = template.tab("plan")
    assert plan.column("date").label("ru") == "Дата" and plan.column("date").label("en") == "Date"
    assert [c.key for c in plan.columns if c.computed] == ["week", "interactions", "err"]
    assert {r.id for r in template.rules} >= {"required", "caption", "link", "stats", "types", "overdue",
                                              "future", "plausible", "weekly", "computed"}


def broken(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize("text, key, reason", [
    (broken('type = "date"', 'type = "datum"'), "tabs.plan.columns.date.type", "unknown type 'datum'"),
    (broken('key = "time"', 'key = "date"'), "tabs.plan.columns.date", "duplicate column key"),
    (broken('columns = ["caption"]', 'columns = ["captoin"]'), "rules.caption.columns", "no column 'captoin'"),
    (broken('[template]', '[template'), "-", "not valid TOML"),
    (broken('severity = "warning"', 'severity = "info"'), "rules.overdue.severity", "must be one of"),
    (broken('check = "future"', 'check = "later"'), "rules.future.check", "unknown check 'later'"),
    (broken('tab = "account"', 'tab = "acount"'), "rules.account_types.tab", "no tab 'acount'"),
    (broken('when = { status = ["ready", "published"] }', 'when = { status = ["done"] }'),
     "rules.caption.when.status", "unknown choice 'done'"),
    (broken('time_zone = "Europe/Moscow"', 'time_zone = "Mars/Olympus"'), "template.time_zone", "unknown time zone"),
    (broken('id = "plausible"', 'id = "required"'), "rules.required", "duplicate rule id"),
    (broken('INT({date})-WEEKDAY', 'INT({datum})-WEEKDAY'), "tabs.plan.columns.week.formula", "unknown column 'datum'"),
    (broken('label = { ru = "Тема", en = "Topic" }', 'label = { ru = "Тема" }'), "tabs.plan.columns.topic.label.en",
     "missing label"),
    (broken('stats_after_days = 7', 'stats_after_days = -1'), "template.stats_after_days", "whole number"),
    (broken('width = 95\n', 'widht = 95\n'), "tabs.plan.columns[0].widht", "unknown key"),
    (broken('key = "platform"', 'key = "network"'), "tabs.plan.columns", "no column 'platform'"),
    (broken('{ key = "published", ru', '{ key = "posted", ru'), "tabs.plan.columns.status.choices",
     "needs a choice with key 'published'"),
    (broken('when = { status = ["published"] }', 'when = "published"'), "rules.link.when", "must be a table"),
    (broken('columns = ["caption"]', 'columns = "caption"'), "rules.caption.columns", "list of column keys"),
    (broken('SUM({likes},{comments},{saves},{shares})/{reach}*100', 'SUM({likes})/{reach}*100.5'),
     "tabs.plan.columns.err.formula", "decimal"),
    (broken('INT({date})-WEEKDAY', 'XLOOKUP({date})-WEEKDAY'), "tabs.plan.columns.week.formula", "XLOOKUP"),
], ids=lambda v: v if isinstance(v, str) and len(v) < 60 else "")
def test_each_mistake_names_file_key_and_reason(tmp_path, text, key, reason):
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as err:
        load(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {key}: "), message
    assert reason in message
    assert "\n" not in message


def test_missing_file_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match="cannot read"):
        load(tmp_path / "nope.toml")


def test_missing_tab_kind():
    text = GOOD.replace('kind = "log"', 'kind = "check"')
    with pytest.raises(TemplateError, match="a second tab of kind 'check'"):
        parse(text, "t.toml")
