"""What to do about a workbook the tool cannot read or repair, in the workbook's own language:
the person who reads the error is the one who fixes the sheet. Pure: words only."""

from __future__ import annotations

from sheets_plan.words import Words

WORDS = Words(lambda _: {
    "no_tab": _("{name}: no tab “{title}” (renamed or deleted?); rename it back or run `sheets-plan provision` to "
                "recreate it"),
    "no_tab_first": _("{name}: no tab “{title}” (renamed or deleted?); rename it back first"),
    "not_ours": _("{name}: this workbook was not made by sheets-plan (it has no tab “{title}”); make a project "
                  "with `sheets-plan provision \"NAME\" --dir FOLDER` (another name: it writes a new workbook) and "
                  "copy the rows into its tabs"),
    "no_column": _("tab “{title}”: no column “{label}” (renamed or deleted?)"),
    "renamed": _("{name}: {problem}: it looks renamed to “{now}”; rename it back to “{label}”, or run `sheets-plan "
                 "provision`, which does"),
    "restore": _("{name}: {problem}; restore the header (`sheets-plan provision` would add the column again, empty)"),
    "template_1": _("{name}: made with template 1.0 (no column “{label}” in “{title}”); run `sheets-plan upgrade` first"),
    "template_1_tab": _("tab “{title}” is template 1.0's (one row per week, no platform); run `sheets-plan "
                        "upgrade` to move it to this version"),
    "header_twice": _("tab “{title}”: the header row has the column “{label}” twice; delete one of them, then run "
                      "provision again"),
    "header_below": _("tab “{title}”: the header row is on row {row} (rows inserted above it?); delete the rows "
                      "above it, then run provision again"),
    "header_again": _("tab “{title}”: the header row is again on row {row}; delete that row, then run provision again")})


def advice(locale: str, key: str, **fields) -> str:
    """The message `key` in the workbook's language (English for a language without words)."""
    return WORDS.get(locale, WORDS["en"])[key].format(**fields)
