"""A demo project: eight weeks of realistic rows, some left incomplete on
purpose (as real admins do), then the weekly job on it."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from sheets_plan.tabs import structure
from sheets_plan.sheets.writes import VALUES, cell, write_cells
from sheets_plan.sheets.values import serial
from sheets_plan.errors import RunError
from sheets_plan.backends.local import LocalBackend
from .demo_data import ACCOUNTS, ADMINS, FIRST, LAST, PRODUCTS
from .provision import provision
from sheets_plan.core.template import Template
from sheets_plan.core.template_load import load
from sheets_plan.backends.xlsx import read_tags

DEMO_PROJECT = {"ru": "Кофейня «Зерно»", "en": "Grain Coffee House"}
TOPICS = {
    "ru": ["Новый сезонный латте", "Как мы обжариваем зерно", "Бариста дня", "Завтраки до 12:00",
           "Розыгрыш абонемента", "Отзывы гостей", "Закулисье кухни", "Кофе с собой: скидка 10%"],
    "en": ["New seasonal latte", "How we roast our beans", "Barista of the day", "Breakfast until noon",
           "Win a coffee pass", "What guests say", "Behind the kitchen door", "Coffee to go: 10% off"],
}
RUBRICS = {"ru": ["Продукт", "Команда", "Акции", "Отзывы"], "en": ["Product", "Team", "Offers", "Reviews"]}


@dataclass
class DemoResult:
    path: str
    text: str
    report: str | None = None  # the client's weekly report, when asked for


def sample_rows(template: Template, locale: str, as_of: dt.date, seed: int = 7) -> tuple[list[list], list[list]]:
    """Plan rows and Account rows as an admin would have typed them."""
    rnd = random.Random(seed)
    plan = template.tab_of_kind("plan")
    label = {c.key: {ch.key: ch.label(locale) for ch in c.choices} for c in plan.columns if isinstance(c.choices, tuple)}
    admins = ADMINS[locale]
    start = as_of - dt.timedelta(days=as_of.weekday() + 7 * 8)
    rows = []
    for day in range(0, 8 * 7 + 9):
        date = start + dt.timedelta(days=day)
        for _ in range(rnd.choice([0, 0, 1, 1, 1, 2])):
            rows.append(_post(rnd, date, as_of, label, admins, locale, len(rows)))
    _spoil(rows, rnd, locale)
    account = []
    for platform, (followers, low, high, dialogs) in ACCOUNTS.items():
        for w in range(8):
            monday = start + dt.timedelta(weeks=w)
            followers += rnd.randint(low, high)
            talks = rnd.randint(dialogs // 2, dialogs)
            leads = rnd.randint(1, max(talks // 2, 1))
            if (platform, w) == ("VK", 5):
                continue  # an admin forgot this week, on this account
            account.append([serial(monday), platform, followers, talks, leads, rnd.randint(0, leads)])
    return [r[: len(plan.input_columns)] for r in rows], account


STAGES = ("dialog", "dialog", "warm_lead", "warm_lead", "application", "refusal")


def sample_leads(template: Template, locale: str, as_of: dt.date, seed: int = 11) -> list[list]:
    """Leads rows as admins type them (made-up people), with a few mistakes of each kind."""
    rnd = random.Random(seed)
    tab = template.tab("leads")
    stage = {c.key: c.label(locale) for c in tab.column("stage").choices}
    start = as_of - dt.timedelta(days=as_of.weekday() + 7 * 8)
    rows = []
    for n in range(24):
        first = start + dt.timedelta(days=rnd.randrange(0, 8 * 7))
        key = rnd.choice(STAGES)
        name = f"{rnd.choice(LAST[locale])} {rnd.choice(FIRST[locale])}"
        phone = f"+7 9{rnd.randrange(10, 99)} {rnd.randrange(100, 999)}-{rnd.randrange(10, 99)}-{rnd.randrange(10, 99)}"
        platform = rnd.choice(list(ACCOUNTS))
        handle = f"user{seed}{n}"
        profile = {"Instagram": f"https://instagram.com/{handle}", "VK": f"https://vk.com/{handle}",
                   "Telegram": f"https://t.me/{handle}"}[platform]
        rows.append({"first_contact": serial(first), "platform": platform, "responsible": rnd.choice(ADMINS[locale]),
                     "name": name, "phone": phone if key != "dialog" or rnd.random() < 0.3 else None,
                     "profile": profile, "email": f"{handle}@example.com" if key == "application" else None,
                     "product": rnd.choice(PRODUCTS[locale]), "stage": stage[key],
                     "stage_date": serial(min(first + dt.timedelta(days=rnd.randrange(0, 6)), as_of)),
                     "comment": None})
    _spoil_leads(rows, stage, rnd)
    return [[r.get(c.key) for c in tab.input_columns] for r in rows]


def _spoil_leads(rows: list[dict], stage: dict, rnd):
    """What a busy admin leaves in the register: one mistake of each kind the check knows."""
    rows[1]["name"] = None                                                     # no name
    rows[2].update(stage=stage["warm_lead"], phone=None, email=None, profile=None)  # no way to reach them
    rows[3].update(stage=stage["application"], phone=None, email=None)          # an application with no phone
    rows[4]["phone"] = "8 (916) 55-12"                                           # too short a number
    rows[5]["phone"] = "8 (916) 555-12-34"                                       # a good number, spelled otherwise
    rows[6]["email"] = "olga@mail"                                               # no domain zone
    rows[7]["profile"] = "https://example.com/olga"                              # not a social network
    rows[8]["phone"], rows[9]["phone"] = "+7 916 555-12-35", "89165551235"       # the same person twice
    rows[10]["stage_date"] = rows[10]["first_contact"] - 3                       # a stage before the first contact


def _post(rnd, date, as_of, label, admins, locale, n) -> list:
    status = "published" if date < as_of else rnd.choice(["idea", "in_progress", "ready"])
    platform = rnd.choice(["Instagram", "Instagram", "VK", "Telegram"])
    fmt = rnd.choice(["post", "carousel", "reels", "stories"])
    views = rnd.randint(900, 6000)
    reach = int(views * rnd.uniform(0.6, 0.9))
    likes = int(reach * rnd.uniform(0.03, 0.09))
    stats = [likes, rnd.randint(0, likes // 5), rnd.randint(0, likes // 3), rnd.randint(0, likes // 6), reach, views]
    published = status == "published"
    stats_due = published and (as_of - date).days >= 7
    return [serial(date), rnd.randint(9, 20) / 24, platform, label["format"][fmt],
            rnd.choice(RUBRICS[locale]), rnd.choice(TOPICS[locale]),
            ("Текст поста №" if locale == "ru" else "Caption #") + str(n + 1) if status in ("ready", "published") else None,
            rnd.choice(admins), label["status"][status],
            f"https://instagram.com/p/demo{n + 1}" if published else None,
            *(stats if stats_due else [None] * 6)]


def _spoil(rows: list[list], rnd, locale: str):
    """What real admins leave behind: blanks, typos, copy-pasted links."""
    published = [r for r in rows if r[9]]
    if len(published) > 10:
        published[2][6] = None          # no caption on a published post
        published[4][14] = None         # reach not filled in
        published[5][9] = published[3][9]  # the same link pasted twice
        published[1][10] = "1 520"      # typed with a space: text, which the sheet's sums skip
        published[8][8] += " "          # a trailing space after the status: no longer "published" for a formula
        published[9][0] = _typed_date(published[9][0])  # a date typed as text: in no week of the sheet
        published[6][11] = {"ru": "много", "en": "lots"}[locale]  # text in a number column
        published[7][15] = published[7][10] // 2 if published[7][10] else 10  # views below likes: a typo
        published[-1][8] = _ready(published[-1])  # never published
    if len(rows) > 10:
        rows[-3][3] = None              # format not chosen


def _typed_date(day_serial: float) -> str:
    return (dt.date(1899, 12, 30) + dt.timedelta(days=int(day_serial))).strftime("%d.%m.%Y")


def _ready(row: list) -> str:
    """The 'ready' label in the row's locale (a post the admin forgot to publish)."""
    return "готово" if row[8] == "опубликовано" else "ready"


def fill_rows(backend: LocalBackend, sid: str, template: Template, plan: list[list], account: list[list],
              leads: list[list] | None = None):
    """Type the sample rows into the input cells (what admins do by hand)."""
    meta = backend.get(sid)
    reqs = []
    for key, rows in (("plan", plan), ("account", account), ("leads", leads)):
        if rows is None:
            continue
        sheet = structure.find_tab(meta, template.tab(key), template)
        grid = sheet["properties"]["gridProperties"]
        if grid["rowCount"] < len(rows) + 1:
            reqs.append({"appendDimension": {"sheetId": sheet["properties"]["sheetId"], "dimension": "ROWS",
                                             "length": len(rows) + 1 - grid["rowCount"]}})
        reqs.append(write_cells(sheet["properties"]["sheetId"], 1, 0, [[cell(v) for v in row] for row in rows], VALUES))
    backend.batch_update(sid, reqs)


DEMO_DATE = "demo_as_of"  # tag: the day the demo's sample rows are dated around


def run_demo(folder: Path, *, locale: str = "ru", as_of: dt.date | None = None, report: bool = False,
             crm: bool = False) -> DemoResult:
    """The demo project in `folder`: made once with sample rows dated around `as_of` (default
    today), then checked and summarized. A re-run keeps its rows and its date; asking for
    another date is refused (its rows would all be in the future or long overdue). `report`: also
    write the client's report of the last complete week (`brief`, PDF) into `folder`/reports. `crm`: the
    contacts are in (the demo's, recorded) AmoCRM, not in the Leads tab (`demo_crm`).

    >>> import datetime, sheets_plan
    >>> result = sheets_plan.demo("demo", locale="en", as_of=datetime.date(2026, 11, 26))
    >>> str(result.path)
    'demo/Grain Coffee House.xlsx'
    """
    from .project import run_project, today  # the weekly job: check + summary

    template = load()
    backend = LocalBackend(folder)
    project = DEMO_PROJECT[locale]
    ref = next((r for r in backend.projects() if r.project == project), None)
    made = read_tags(ref.id).get(DEMO_DATE) if ref else None
    if made and as_of and as_of.isoformat() != made:
        raise RunError(f"{ref.location}: this demo's rows are dated around {made}; run it with --as-of {made}, "
                       f"or give another --dir for a demo as of {as_of.isoformat()}")
    as_of = as_of or (dt.date.fromisoformat(made) if made else today(template))
    sid = provision(backend, project, admins=ADMINS[locale], locale=locale, template=template, rubrics=RUBRICS[locale])
    if ref is None:
        plan, account = sample_rows(template, locale, as_of)
        fill_rows(backend, sid, template, plan, account, None if crm else sample_leads(template, locale, as_of))
        if crm:
            from .demo_crm import write_demo_crm

            write_demo_crm(Path(folder), project, locale, as_of, template.time_zone)
        sid = provision(backend, project, template=template)  # extend formulas to the new rows
        backend.batch_update(sid, comment_requests(locale, as_of))
        backend.set_tags(sid, {**read_tags(sid), DEMO_DATE: as_of.isoformat()})
    link = _crm_link(Path(folder))
    run = run_project(backend, sid, template=template, as_of=as_of, crm=link)
    written = None
    if report:
        from .brief import brief

        written = str(brief(backend, sid, template=template, as_of=as_of, out=Path(folder) / "reports", crm=link).path)
    return DemoResult(sid, run.text, written)


def _crm_link(folder: Path):
    """The demo's AmoCRM, when it was made with one (its team file maps the project)."""
    if not (folder / "team.toml").is_file():
        return None
    from sheets_plan.core.team import load_team

    from .crm import crm_of

    return crm_of(load_team(folder / "team.toml"))


COMMENT = {"ru": "Охват вырос за счёт каруселей о сезонном латте. На следующей неделе — акция «Кофе с собой»: "
                 "ждём больше обращений в директ.",
           "en": "Reach grew with the carousels about the seasonal latte. Next week: the take-away offer; we expect "
                 "more direct messages."}


def comment_requests(locale: str, as_of: dt.date) -> list[dict]:
    """The manager's tab of comments for the client's report (the tool only reads it), with one for
    the last complete week."""
    from .brief import COMMENTS

    week = as_of - dt.timedelta(days=as_of.weekday() + 7)
    header = {"ru": ["Неделя", "Комментарий"], "en": ["Week", "Comment"]}[locale]
    return [{"addSheet": {"properties": {"sheetId": 1950, "title": COMMENTS[locale]}}},
            {"updateCells": {"start": {"sheetId": 1950, "rowIndex": 0, "columnIndex": 0},
                             "fields": "userEnteredValue,userEnteredFormat",
                             "rows": [{"values": [{"userEnteredValue": {"stringValue": h}} for h in header]},
                                      {"values": [{"userEnteredValue": {"numberValue": serial(week)},  # a date, shown as one
                                                   "userEnteredFormat": {"numberFormat": {"type": "DATE",
                                                                                          "pattern": "dd.mm.yyyy"}}},
                                                  {"userEnteredValue": {"stringValue": COMMENT[locale]}}]}]}}]
