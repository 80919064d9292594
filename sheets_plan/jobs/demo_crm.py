"""The demo's AmoCRM: about 60 made-up leads over the demo's weeks, three admins, some sloppy cards,
as AmoCRM's API answers them (users, the pipeline, custom fields, leads with their contacts, open
tasks, stage changes). `sheets-plan demo --crm` writes them beside the workbook and a team file that
reads the project's AmoCRM from them: the same reading, checking and counting as a real account's
answers go through, offline. The tests load the same answers into the AmoCRM emulator."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from zoneinfo import ZoneInfo

from .demo_data import ACCOUNTS, ADMINS, FIRST, LAST, PRODUCTS

USERS = {"ru": ("Анна Смирнова", "Борис Кузнецов", "Вера Попова"), "en": ("Anna Smith", "Boris Jones", "Vera Brown")}
PIPELINE = {"ru": "Заявки из соцсетей", "en": "Social media leads"}
STATUSES = {"ru": ("Первичный контакт", "Тёплый лид", "Переговоры", "Заявка"),
            "en": ("First contact", "Warm lead", "Talks", "Application")}
STAGE_OF = ("dialog", "warm_lead", None, "application")   # Talks is named by no stage: it counts as a warm lead
FIELDS = {"ru": ("Профиль", "Продукт"), "en": ("Profile", "Product")}
WON, LOST = 142, 143
LEADS = 60


def demo_answers(locale: str, as_of: dt.date, zone: str = "Europe/Moscow", seed: int = 23) -> dict:
    """The account's answers: {"users": [...], "pipelines": [...], "lead_fields": [...], "contact_fields":
    [...], "leads": [...], "contacts": [...], "tasks": [...], "events": [...]}, AmoCRM's shapes."""
    rnd, tz = random.Random(seed), ZoneInfo(zone)
    users = [{"id": 7001 + i, "name": n, "email": f"admin{i + 1}@agency.example"} for i, n in enumerate(USERS[locale])]
    statuses = [{"id": 5001 + i, "name": n, "sort": 10 * (i + 1), "pipeline_id": 4001, "type": 0}
                for i, n in enumerate(STATUSES[locale])]
    statuses += [{"id": WON, "name": "Успешно реализовано" if locale == "ru" else "Closed - won", "sort": 10000,
                  "pipeline_id": 4001, "type": 0},
                 {"id": LOST, "name": "Закрыто и не реализовано" if locale == "ru" else "Closed - lost", "sort": 11000,
                  "pipeline_id": 4001, "type": 0}]
    pipelines = [{"id": 4001, "name": PIPELINE[locale], "sort": 1, "is_main": True, "_embedded": {"statuses": statuses}}]
    profile, product = FIELDS[locale]
    out = {"users": users, "pipelines": pipelines,
           "lead_fields": [{"id": 3002, "name": product, "type": "text"}],
           "contact_fields": [{"id": 900001, "name": "Телефон", "type": "multitext", "code": "PHONE"},
                              {"id": 900002, "name": "Email", "type": "multitext", "code": "EMAIL"},
                              {"id": 3001, "name": profile, "type": "url"}],
           "leads": [], "contacts": [], "tasks": [], "events": []}
    start = dt.datetime.combine(as_of - dt.timedelta(days=as_of.weekday() + 7 * 8), dt.time(9), tz)
    now = dt.datetime.combine(as_of, dt.time(9), tz)
    for n in range(LEADS):
        came = start + dt.timedelta(hours=rnd.randrange(0, int((now - start).total_seconds() // 3600)))
        _lead(out, rnd, n, came, now, locale, statuses)
    _spoil(out)
    return out


def _lead(out: dict, rnd, n: int, came: dt.datetime, now: dt.datetime, locale: str, statuses: list[dict]) -> None:
    lead_id, contact_id, user = 60001 + n, 80001 + n, out["users"][n % 3]["id"]
    platform = rnd.choice(list(ACCOUNTS))
    handle = f"guest{n + 1}"
    phone = f"+7 9{rnd.randrange(10, 99)} {rnd.randrange(100, 999)}-{rnd.randrange(10, 99)}-{rnd.randrange(10, 99)}"
    values = [{"field_code": "PHONE", "field_id": 900001, "values": [{"value": phone, "enum_code": "MOB"}]},
              {"field_id": 3001, "values": [{"value": {"Instagram": f"https://instagram.com/{handle}",
                                                      "VK": f"https://vk.com/{handle}",
                                                      "Telegram": f"https://t.me/{handle}"}[platform]}]}]
    if rnd.random() < 0.5:
        values.append({"field_code": "EMAIL", "field_id": 900002, "values": [{"value": f"{handle}@example.com",
                                                                                "enum_code": "WORK"}]})
    stamp = int(came.timestamp())
    out["contacts"].append({"id": contact_id, "name": f"{rnd.choice(LAST[locale])} {rnd.choice(FIRST[locale])}",
                            "created_at": stamp, "updated_at": stamp, "custom_fields_values": values})
    path = [statuses[0]["id"]]
    for step in (1, 2, 3):  # how far this one got, then maybe refused
        if rnd.random() < 0.55:
            path.append(statuses[step]["id"])
        else:
            break
    if rnd.random() < 0.2 or (len(path) == 1 and (now - came).days > 10 and rnd.random() < 0.7):
        path.append(LOST)  # refused, and most of those who never got past a first word
    at, lead_values = stamp, [{"field_id": 3002, "values": [{"value": rnd.choice(PRODUCTS[locale])}]}]
    for before, after in zip(path, path[1:]):
        at = min(at + rnd.randrange(3600, 4 * 86400), int(now.timestamp()))
        out["events"].append({"id": len(out["events"]) + 1, "type": "lead_status_changed", "entity_id": lead_id,
                              "entity_type": "lead", "created_at": at,
                              "value_before": [{"lead_status": {"id": before, "pipeline_id": 4001}}],
                              "value_after": [{"lead_status": {"id": after, "pipeline_id": 4001}}]})
    out["leads"].append({"id": lead_id, "name": f"#{n + 1}", "status_id": path[-1], "pipeline_id": 4001,
                         "responsible_user_id": user, "created_at": stamp, "updated_at": at,
                         "custom_fields_values": lead_values,
                         "_embedded": {"tags": [{"id": 1 + list(ACCOUNTS).index(platform), "name": platform}],
                                       "contacts": [{"id": contact_id, "is_main": True}]}})
    if path[-1] not in (WON, LOST) and rnd.random() < 0.85:
        text = "Связаться" if locale == "ru" else "Follow up"
        out["tasks"].append({"id": 90001 + n, "entity_id": lead_id, "entity_type": "leads", "responsible_user_id": user,
                             "is_completed": False, "task_type_id": 1, "text": text,
                             "complete_till": int(now.timestamp()) + 86400, "created_at": at, "updated_at": at})


def _spoil(out: dict) -> None:
    """What busy admins leave on the cards: one mistake of each kind the check knows."""
    contacts = out["contacts"]

    def phones(i: int, *values: str):
        contacts[i]["custom_fields_values"][0]["values"] = [{"value": v, "enum_code": "MOB"} for v in values]

    contacts[1]["name"] = ""                                   # no name
    phones(4, "8 (916) 55-12")                                 # too short a number
    phones(5, "8 (916) 555-12-34")                             # a good number in another spelling: no flag
    phones(6, "+7 916 555-12-40", "12-34")                     # two phones, the second no number
    contacts[7]["custom_fields_values"][1]["values"] = [{"value": "instagram: olga_k"}]  # not a link
    contacts[8]["custom_fields_values"].append({"field_code": "EMAIL", "field_id": 900002,
                                                "values": [{"value": "olga@mail", "enum_code": "WORK"}]})
    for i in (9, 10):                                           # the same person twice
        phones(i, "+7 916 555-12-35" if i == 9 else "89165551235")


def admins_map(locale: str) -> dict[str, str]:
    return dict(zip(ADMINS[locale], USERS[locale]))


ANSWERS = "amocrm-demo.json"


def write_demo_crm(folder: Path, project: str, locale: str, as_of: dt.date, zone: str) -> None:
    """The demo account's answers and the team file that maps the project onto them."""
    (folder / ANSWERS).write_text(json.dumps(demo_answers(locale, as_of, zone), ensure_ascii=False), encoding="utf-8")
    s = STATUSES[locale]
    lost = "Закрыто и не реализовано" if locale == "ru" else "Closed - lost"
    stages = {"dialog": [s[0]], "warm_lead": [s[1]], "application": [s[3]], "refusal": [lost]}

    def q(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a TOML basic string is JSON's

    lines = ["# The demo's AmoCRM: its answers recorded in a file. A live account gives subdomain and a token",
             "# (token_env or token_file) instead of `recorded`: see docs/amocrm.md.",
             f"[projects.{q(project)}.amocrm]", 'subdomain = "demo"', f"recorded = {q(ANSWERS)}",
             f"pipeline = {q(PIPELINE[locale])}",
             "stages = { " + ", ".join(f"{k} = [{', '.join(q(n) for n in v)}]" for k, v in stages.items()) + " }",
             "admins = { " + ", ".join(f"{q(a)} = {q(u)}" for a, u in admins_map(locale).items()) + " }",
             f"profile_field = {q(FIELDS[locale][0])}", f"product_field = {q(FIELDS[locale][1])}", 'platform = "tag"',
             '# recorded answers take no writes: the admins\' tasks need a live account', 'tasks = "none"']
    (folder / "team.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
