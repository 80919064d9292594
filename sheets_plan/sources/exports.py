"""Statistics exports a person downloads (CSV or XLSX), read by the template's layouts.

What people's files really are: UTF-8 with a BOM or Windows-1251 (Excel's Russian CSV), `,` `;` or
tab between columns, a title line or two above the header, `1 520` and `1,520` for a thousand and
more. A post is matched by its link (`core.post_links`), so the file's own order and extra rows
do not matter; a post the file does not have is said with the file's account and period.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from dateutil import parser as dates

from sheets_plan.core.dates import monday
from sheets_plan.core.export_layouts import STATS, ExportLayout
from sheets_plan.core.post_links import PostLink, post_link
from sheets_plan.core.stats import NOT_FOUND, Followers, PostStats, Refusal
from sheets_plan.errors import RunError

_HEADER_ROWS = 10  # a header lower than this is no header
_THOUSANDS = re.compile(r"\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+")
_DECIMAL = re.compile(r"(\d+)[.,](\d+)")


def whole_number(value) -> int | None:
    """A count as exports write it: 1520, "1 520", "1,520", "1.520", "12,0"; None when it is no count."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() and value >= 0 else None
    text = str(value).strip().replace("\u00a0", " ").replace("\u202f", " ")
    if not text or text in ("-", "—"):
        return None
    if text.isdigit():
        return int(text)
    if _THOUSANDS.fullmatch(text):
        return int(re.sub(r"\D", "", text))
    m = _DECIMAL.fullmatch(text)
    if m and set(m[2]) == {"0"}:
        return int(m[1])
    return None


@dataclass
class ExportFile:
    """One export file, read: its layout, its posts' figures by link, the accounts and dates it covers."""

    path: Path
    layout: ExportLayout
    posts: dict[PostLink, dict[str, int]] = field(default_factory=dict)
    accounts: set[str] = field(default_factory=set)
    first: dt.date | None = None
    last: dt.date | None = None
    unreadable: int = 0  # rows with a link no source knows the form of
    followers_on: dict[dt.date, int] = field(default_factory=dict)  # a per-day followers column


    @property
    def name(self) -> str:
        return f"{self.layout.name}: {self.path.name}"

    @property
    def platforms(self) -> frozenset[str]:
        own = {self.layout.platform.lower()} if self.followers_on else set()  # a link's platform: the plan's, lower
        return frozenset(link.platform for link in self.posts) | own

    def followers(self, as_of: dt.date) -> list[Followers]:
        """Each complete week's followers the file has: its last day's figure in that week. Only a
        Sunday's figure is the week's end (checked against a typed one); an earlier day's fills only."""
        last: dict[dt.date, dt.date] = {}
        for day in self.followers_on:
            week = monday(day)
            if week < monday(as_of) and day > last.get(week, dt.date.min):
                last[week] = day
        return [Followers(self.layout.platform, self.followers_on[day], day, f"{self.name} ({day:%d.%m.%Y})",
                          exact=day.weekday() == 6) for _, day in sorted(last.items())]

    def covers(self) -> str:
        parts = []
        if self.accounts:
            parts.append(", ".join(sorted(self.accounts)))
        if self.first and self.last:
            parts.append(f"{self.first:%d.%m.%Y}–{self.last:%d.%m.%Y}")
        return "; ".join(parts)

    def answer(self, links: list[PostLink]) -> dict[PostLink, PostStats | Refusal]:
        out: dict[PostLink, PostStats | Refusal] = {}
        for link in links:
            figures = self.posts.get(link)
            if figures is None:
                out[link] = Refusal(link, NOT_FOUND, self.name, self.covers())
            else:
                missing = tuple(s for s in STATS if s not in figures)
                out[link] = PostStats(link, figures, self.name, missing, "not in the file" if missing else "")
        return out


class ExportSource:
    """The export files given for a run, as one source (the first file that has a post wins)."""

    def __init__(self, files: list[ExportFile]):
        self.files = files
        self.name = ", ".join(f.name for f in files)
        self.platforms = frozenset().union(*(f.platforms for f in files)) if files else frozenset()

    def posts(self, links: list[PostLink]) -> dict[PostLink, PostStats | Refusal]:
        out: dict[PostLink, PostStats | Refusal] = {}
        for f in self.files:
            for link, answer in f.answer([k for k in links if k.platform in f.platforms]).items():
                if isinstance(answer, PostStats) or link not in out:
                    out[link] = answer
        return out

    def followers(self, links: list[PostLink], as_of: dt.date) -> list[Followers]:
        out: list[Followers] = []
        for f in self.files:  # the first file that has a platform's followers wins
            known = {x.platform for x in out}
            out += [x for x in f.followers(as_of) if x.platform not in known]
        return out


def read_export(path: str | Path, layouts: tuple[ExportLayout, ...]) -> ExportFile:
    """The file read by the layout whose headers it holds most of; RunError (one line) when none fits."""
    path = Path(path)
    rows = _rows(path)
    best = None
    for at, header in enumerate(rows[:_HEADER_ROWS]):
        for layout in layouts:
            found = layout.columns(header)
            if found and (best is None or len(found) > len(best[2])):
                best = (at, layout, found)
    if best is None:
        seen = ", ".join(str(h) for h in (rows[0] if rows else []) if str(h).strip())[:200]
        raise RunError(f"{path.name}: no export layout of the template fits its headers ({seen or 'none'}); "
                       f"known: {', '.join(layout.name for layout in layouts)}")
    at, layout, found = best
    out = ExportFile(path, layout)
    for row in rows[at + 1:]:
        _take(out, row, found)
    return out


def _take(out: ExportFile, row: list, found: dict[str, int]) -> None:
    def cell(key: str):
        return row[found[key]] if key in found and found[key] < len(row) else None

    day = _date(cell("date"))
    count = whole_number(cell("followers"))
    if day and count is not None:
        out.followers_on[day] = count
    text = cell("link")
    if not isinstance(text, str) or not text.strip():
        return
    link = post_link(text)
    if link is None:
        out.unreadable += 1
        return
    figures = {s: n for s in out.layout.stats if (n := whole_number(cell(s))) is not None}
    out.posts.setdefault(link, {}).update(figures)
    account = cell("account")
    if isinstance(account, str) and account.strip():
        out.accounts.add(account.strip())
    if day:
        out.first, out.last = min(out.first or day, day), max(out.last or day, day)


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:  # 03/09/2026 (Meta's English UI: month first); 09.03.2026 (day first)
        return dates.parse(value, dayfirst="." in value).date()
    except (ValueError, OverflowError):
        return None


def _rows(path: Path) -> list[list]:
    if not path.is_file():
        raise RunError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
        import python_calamine

        try:
            book = python_calamine.CalamineWorkbook.from_path(str(path))
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        except Exception as e:  # calamine's errors are its own; the person needs one line
            raise RunError(f"{path.name}: cannot read the workbook ({e})") from None
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RunError(f"{path.name}: neither UTF-8 nor Windows-1251 text")
    # a title line above the header has no separator and would mislead the sniffer
    sample = "\n".join([line for line in text.splitlines()[:_HEADER_ROWS * 2] if any(c in line for c in ",;\t")]
                       [:_HEADER_ROWS])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]
