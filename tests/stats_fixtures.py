"""Plans whose stats are due, and the export files people download for them, built from each
tool's documented column layout (Meta Business Suite's content export in its English and Russian
UI; TGStat's post statistics)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sheets_plan import LocalBackend, provision
from sheets_plan.jobs.demo import fill_rows
from sheets_plan.sheets.values import serial

from .constants import TEMPLATE

AS_OF = dt.date(2026, 3, 18)  # a Wednesday: posts of 02.03–10.03 have their stats due (7 days)
STATS = ("likes", "comments", "saves", "shares", "reach", "views")
STATUS = {"ru": "опубликовано", "en": "published"}
FORMAT = {"ru": "пост", "en": "post"}


@dataclass
class Post:
    day: dt.date
    platform: str
    link: str
    admin: str
    typed: dict[str, int] = field(default_factory=dict)   # what an admin already typed
    true: dict[str, int] = field(default_factory=dict)    # what the platform has


def plan_row(post: Post, locale: str) -> list:
    row = [serial(post.day), None, post.platform, FORMAT[locale], None, f"topic {post.link[-4:]}", "caption",
           post.admin, STATUS[locale], post.link]
    return row + [post.typed.get(s) for s in STATS]


def make_project(folder: Path, posts: list[Post], locale: str = "en", account: list[list] | None = None,
                 name: str = "Coffee") -> str:
    backend = LocalBackend(folder)
    path = provision(backend, name, admins=sorted({p.admin for p in posts}), locale=locale, template=TEMPLATE)
    fill_rows(backend, path, TEMPLATE, [plan_row(p, locale) for p in posts], account or [])
    return path


IG_HEADER = {
    "en": ["Post ID", "Account ID", "Account username", "Account name", "Description", "Duration (sec)",
           "Publish time", "Permalink", "Post type", "Data comment", "Date", "Views", "Reach", "Likes", "Shares",
           "Follows", "Comments", "Saves"],
    "ru": ["Идентификатор публикации", "Идентификатор аккаунта", "Имя пользователя аккаунта", "Название аккаунта",
           "Описание", "Длительность (сек.)", "Время публикации", "Постоянная ссылка", "Тип публикации",
           "Комментарий к данным", "Дата", "Просмотры", "Охват", "Отметки «Нравится»", "Поделились", "Подписки",
           "Комментарии", "Сохранения"],
}


def instagram_export(path: Path, posts: list[Post], locale: str = "en", *, sep: str = ",", bom: bool = True,
                     account: str = "coffee.grain", spaced: bool = False) -> Path:
    """Meta Business Suite > Insights > Content > Export (CSV), one row per post."""
    def number(n):
        return f"{n:,}".replace(",", " ") if spaced and n >= 1000 else str(n)

    rows = [IG_HEADER[locale]]
    for i, p in enumerate(posts):
        when = p.day.strftime("%m/%d/%Y 10:00") if locale == "en" else p.day.strftime("%d.%m.%Y 10:00")
        t = p.true
        rows.append([f"1790{i:06d}", "17841400000000000", account, "Grain Coffee", "caption", "0", when, p.link,
                     "IG image", "", "Lifetime" if locale == "en" else "За все время", number(t["views"]),
                     number(t["reach"]), number(t["likes"]), number(t["shares"]), "0", number(t["comments"]),
                     number(t["saves"])])
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        csv.writer(f, delimiter=sep).writerows(rows)
    return path


TG_HEADER = {"ru": ["Дата публикации", "Ссылка на пост", "Просмотры", "Репосты", "Комментарии", "Реакции"],
             "en": ["Publication date", "Post link", "Views", "Forwards", "Comments", "Reactions"]}


def tgstat_export(path: Path, posts: list[Post], locale: str = "ru") -> Path:
    """TGStat's post statistics of a channel, saved as XLSX (openpyxl, as a person's Excel would)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Статистика канала @grain_coffee" if locale == "ru" else "Channel statistics @grain_coffee"])
    ws.append(TG_HEADER[locale])
    for p in posts:
        t = p.true
        ws.append([dt.datetime.combine(p.day, dt.time(10)), p.link, t["views"], t["shares"], t["comments"], t["likes"]])
    wb.save(path)
    return path
