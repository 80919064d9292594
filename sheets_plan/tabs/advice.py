"""What to do about a workbook the tool cannot read or repair, in the workbook's own language:
the person who reads the error is the one who fixes the sheet. Pure: words only."""

from __future__ import annotations

WORDS = {
    "ru": {
        "no_tab": "{name}: нет вкладки «{title}» (переименована или удалена?); верните ей имя или запустите "
                  "`sheets-plan provision`, чтобы создать её заново",
        "no_tab_first": "{name}: нет вкладки «{title}» (переименована или удалена?); сначала верните ей имя",
        "not_ours": "{name}: эта книга сделана не sheets-plan (в ней нет вкладки «{title}»); создайте проект "
                    "командой `sheets-plan provision \"ИМЯ\" --dir ПАПКА` (под другим именем: она пишет новую книгу) "
                    "и перенесите строки в его вкладки",
        "no_column": "вкладка «{title}»: нет столбца «{label}» (переименован или удалён?)",
        "renamed": "{name}: {problem}: похоже, он переименован в «{now}»; верните имя «{label}» или запустите "
                   "`sheets-plan provision`, которая сделает это",
        "restore": "{name}: {problem}; верните заголовок (`sheets-plan provision` добавила бы столбец заново, пустым)",
        "template_1": "{name}: сделан по шаблону 1.0 (во вкладке «{title}» нет столбца «{label}»); сначала запустите "
                      "`sheets-plan upgrade`",
        "template_1_tab": "вкладка «{title}» — по шаблону 1.0 (строка на неделю, без соцсети); запустите "
                          "`sheets-plan upgrade`, чтобы перенести её в эту версию",
        "header_twice": "вкладка «{title}»: в строке заголовков дважды столбец «{label}»; удалите один из них, "
                        "затем снова запустите provision",
        "header_below": "вкладка «{title}»: строка заголовков стоит в строке {row} (над ней вставлены строки?); "
                        "удалите строки над ней, затем снова запустите provision",
        "header_again": "вкладка «{title}»: строка заголовков ещё раз в строке {row}; удалите эту строку, затем "
                        "снова запустите provision",
    },
    "en": {
        "no_tab": "{name}: no tab “{title}” (renamed or deleted?); rename it back or run `sheets-plan provision` "
                  "to recreate it",
        "no_tab_first": "{name}: no tab “{title}” (renamed or deleted?); rename it back first",
        "not_ours": "{name}: this workbook was not made by sheets-plan (it has no tab “{title}”); make a project with "
                    "`sheets-plan provision \"NAME\" --dir FOLDER` (another name: it writes a new workbook) and copy "
                    "the rows into its tabs",
        "no_column": "tab “{title}”: no column “{label}” (renamed or deleted?)",
        "renamed": "{name}: {problem}: it looks renamed to “{now}”; rename it back to “{label}”, or run "
                   "`sheets-plan provision`, which does",
        "restore": "{name}: {problem}; restore the header (`sheets-plan provision` would add the column again, empty)",
        "template_1": "{name}: made with template 1.0 (no column “{label}” in “{title}”); run `sheets-plan upgrade` "
                      "first",
        "template_1_tab": "tab “{title}” is template 1.0's (one row per week, no platform); run `sheets-plan upgrade` "
                          "to move it to this version",
        "header_twice": "tab “{title}”: the header row has the column “{label}” twice; delete one of them, then run "
                        "provision again",
        "header_below": "tab “{title}”: the header row is on row {row} (rows inserted above it?); delete the rows "
                        "above it, then run provision again",
        "header_again": "tab “{title}”: the header row is again on row {row}; delete that row, then run provision "
                        "again",
    },
}


def advice(locale: str, key: str, **fields) -> str:
    """The message `key` in the workbook's language (English for a language without words)."""
    return WORDS.get(locale, WORDS["en"])[key].format(**fields)
