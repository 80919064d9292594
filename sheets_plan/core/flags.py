"""Flags (what the check found) and the report built from them.

A flag points at one cell (or one row-level gap, such as a missing Account
week) and says, in the template locale, what is wrong and who answers for
it. The report renders as a text table grouped by admin, as JSON and as CSV.
"""

from __future__ import annotations

from sheets_plan.words import Words
import csv
import datetime as dt
import io
import json
from typing import Iterator, NamedTuple
from dataclasses import dataclass, field

SEVERITY_RANK = {"warning": 1, "error": 2}


class Flag(NamedTuple):
    """One finding. A named tuple: a check at scale makes 300 000 of them, each made in a fraction
    of a frozen dataclass's time and held in less memory."""
    tab: str
    row: int
    column: str
    cell: str
    rule: str
    severity: str
    message: str
    admin: str

    def as_dict(self) -> dict:
        return dict(zip(self._fields, self))


@dataclass
class CheckResult:
    project: str
    as_of: dt.date
    flags: list[Flag]
    rows_checked: int
    by_admin: dict[str, dict] = field(default_factory=dict)
    tab_titles: dict[str, str] = field(default_factory=dict)  # tab key -> sheet title, for people
    locale: str = "en"                                         # of the project: words of the text output
    # The message with the contact's data, of flags whose message masks it: only for a terminal
    # that asks (--show-personal-data); never in JSON, CSV, the Check tab or a log.
    unmasked: dict[Flag, str] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.flags)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for f in self.flags)

    def to_json(self) -> dict:
        return {"project": self.project, "as_of": self.as_of.isoformat(),
                "flags": [f.as_dict() for f in self.flags],  # not asdict: 300 000 flags in 0.2 s, not 13
                "summary": self._summary()}

    def _summary(self) -> dict:
        return {"rows_checked": self.rows_checked, "errors": self.errors, "warnings": self.warnings,
                "by_admin": self.by_admin}

    def json_text(self, block: int = 2000) -> Iterator[str]:
        """`to_json()` as text in pieces, a flag a line: 300 000 flags are written as they are
        encoded, never held as dicts or one string (the C encoder per flag; json.dumps with an
        indent would run the pure-Python one over all of them)."""
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        head = {"project": self.project, "as_of": self.as_of.isoformat()}
        yield "{\n" + "".join(f"  {dumps(k)}: {dumps(v)},\n" for k, v in head.items()) + '  "flags": ['
        for i in range(0, len(self.flags), block):
            # a block in one call of the C encoder, then a line a flag: '}, {"tab": ' is found only
            # between two flags (inside a string its quotes are escaped; a flag holds no object)
            flags = dumps([f.as_dict() for f in self.flags[i:i + block]])[1:-1]
            yield ("," if i else "") + "\n    " + flags.replace('}, {"tab": ', '},\n    {"tab": ')
        summary = json.dumps(self._summary(), ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("\n  ]" if self.flags else "]") + f',\n  "summary": {summary}\n}}\n'

    def exit_code(self, fail_on: str = "error") -> int:
        """0 when no flag is at or above `fail_on` (error | warning), else 1."""
        if fail_on not in SEVERITY_RANK:
            raise ValueError(f"fail_on must be one of {', '.join(SEVERITY_RANK)}, not {fail_on!r}")
        worst = max((SEVERITY_RANK[f.severity] for f in self.flags), default=0)
        return int(worst >= SEVERITY_RANK[fail_on])


_WORDS = Words(lambda _: {
    "head": _("{project}as of {as_of}: {rows}, {errors}, {warnings}"),
    "admin": _("{admin}: {rows}, {errors}, {warnings}, {completeness}% complete"),
    "nobody": _("(no admin)"),
    "error": _("error"),
    "warning": _("warning", "flags"),
    "clean": _("No flags."),
    "empty": _("The plan has no rows yet: nothing to check.")})


def counted(n: int, word: str, locale: str) -> str:
    """A count for a sentence: "1 row", "3 rows" in English; the number alone in Russian
    (its labels read "строк 3": a form that fits every number)."""
    if locale == "ru":
        return str(n)
    return f"{n} {word}" + ("" if n == 1 else "s")


def _counts(locale: str, rows: int, errors: int, warnings: int) -> dict:
    return {"rows": counted(rows, "row", locale), "errors": counted(errors, "error", locale),
            "warnings": counted(warnings, "warning", locale)}


def render_text(report: CheckResult, locale: str, personal: bool = False) -> str:
    """Flags grouped by admin, one aligned line per flag, for a terminal or a log. `personal`:
    a contact's data as the sheet holds it, not masked (a terminal only)."""
    locale = locale if locale in _WORDS else "en"
    words = _WORDS[locale]
    lines = [words["head"].format(project=f"{report.project} — " if report.project else "",
                                  as_of=report.as_of.strftime("%d.%m.%Y"),
                                  **_counts(locale, report.rows_checked, report.errors, report.warnings))]
    groups: dict[str, list[Flag]] = {admin: [] for admin in report.by_admin}
    for f in report.flags:
        groups.setdefault(f.admin, []).append(f)
    # Named admins alphabetically, the unowned ones (account gaps, rows nobody took) last.
    for admin in sorted(groups, key=lambda a: (a == "", a.casefold())):
        lines += ["", _admin_line(words, locale, admin, groups[admin], report.by_admin.get(admin))]
        lines += _flag_lines(words, groups[admin], report.tab_titles, report.unmasked if personal else {})
    if not report.rows_checked:
        lines += ["", words["empty"]]
    elif not report.flags:
        lines += ["", words["clean"]]
    return "\n".join(lines) + "\n"


def _admin_line(words: dict, locale: str, admin: str, flags: list[Flag], stats: dict | None) -> str:
    stats = stats or {"rows": 0, "completeness": 100.0}
    return words["admin"].format(
        admin=admin or words["nobody"], completeness=stats["completeness"],
        **_counts(locale, stats["rows"], sum(f.severity == "error" for f in flags),
                  sum(f.severity == "warning" for f in flags)))


CRM_TAB = "crm"  # the tab of a flag on an AmoCRM lead: its row is the lead's id, it has no cell


def place(f: Flag, titles: dict[str, str]) -> str:
    """Where a flag points, as a person reads it: "Контент-план!K5", a tab, or "AmoCRM #123"."""
    if f.tab == CRM_TAB:
        return f"AmoCRM #{f.row}"
    return f"{titles.get(f.tab, f.tab)}!{f.cell}" if f.cell else titles.get(f.tab, f.tab)


def _flag_lines(words: dict, flags: list[Flag], titles: dict[str, str], unmasked: dict[Flag, str]) -> list[str]:
    cells = [place(f, titles) for f in flags]
    severities = [words[f.severity] for f in flags]
    w_cell = max(map(len, cells), default=0)
    w_sev = max(map(len, severities), default=0)
    w_rule = max((len(f.rule) for f in flags), default=0)
    return [f"  {c:<{w_cell}}  {s:<{w_sev}}  {f.rule:<{w_rule}}  {unmasked.get(f, f.message)}"
            for c, s, f in zip(cells, severities, flags)]


CSV_FIELDS = list(Flag._fields)


def render_csv(report: CheckResult) -> str:
    return "".join(csv_text(report))


def csv_text(report: CheckResult, block: int = 2000) -> Iterator[str]:
    """The flags as CSV, in pieces of `block` rows (written as they are made)."""
    yield ",".join(CSV_FIELDS) + "\n"
    for i in range(0, len(report.flags), block):
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(
            [_cell_safe(getattr(f, name)) for name in CSV_FIELDS] for f in report.flags[i:i + block])
        yield out.getvalue()


def _cell_safe(value):
    """A CSV opened in a spreadsheet program must not run text typed by admins
    as a formula: such text gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
