"""xl/styles.xml: the cell formats the tool needs, appended; nothing removed.

A cell's style index (`s`) points at an `xf`, which points at a number
format, a font, a fill and carries alignment and protection. The tool
never edits an existing `xf` (other cells share it): it makes a new one
from a cell's current style with the tool's parts laid over it, so a
person's font colour or strike-through under a restored formula stays.
"""

from __future__ import annotations

import re

from . import xml

# Number formats Excel knows without declaring them (ECMA-376 §18.8.30).
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
                   "mm-dd-yy": 14, "h:mm": 20, "h:mm:ss": 21}
_SECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs")
MINIMAL_STYLES = ('<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            '</styleSheet>')


class Styles:
    def __init__(self, text: str | None):
        self.text = text or MINIMAL_STYLES
        self.lists = {name: self._children(name) for name in _SECTIONS}
        self.changed = False
        self._memo: dict = {}

    def _children(self, name: str) -> list[str]:
        el = xml.first(self.text, name)
        return xml.children(el) if el else []

    # ------------------------------------------------------------ cell formats
    def xf(self, base: int, fmt: dict | None = None, locked: bool | None = None) -> int:
        """The index of `base` with the Sheets userEnteredFormat `fmt` and the lock laid over it."""
        key = (base, repr(fmt), locked)
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = self._make_xf(base, fmt or {}, locked)
        return got

    def _make_xf(self, base: int, fmt: dict, locked: bool | None) -> int:
        xfs = self.lists["cellXfs"]
        if not xfs:
            xfs.append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')
        old = xfs[base] if 0 <= base < len(xfs) else xfs[0]
        a = xml.attrs(old)
        kids = {re.match(r"<([\w:]+)", k).group(1): k for k in xml.children(old)} if not old.endswith("/>") else {}
        pattern = (fmt.get("numberFormat") or {}).get("pattern")
        if pattern:
            a["numFmtId"], a["applyNumberFormat"] = str(self._num_fmt(pattern)), "1"
        if "textFormat" in fmt:
            a["fontId"], a["applyFont"] = str(self._font(int(a.get("fontId", 0)), fmt["textFormat"])), "1"
        if "backgroundColor" in fmt:
            a["fillId"], a["applyFill"] = str(self._fill(fmt["backgroundColor"])), "1"
        align = {k: v for k, v in (("wrapText", "1" if fmt.get("wrapStrategy") == "WRAP" else None),
                                   ("horizontal", (fmt.get("horizontalAlignment") or "").lower() or None),
                                   ("vertical", _VERTICAL.get(fmt.get("verticalAlignment")))) if v}
        if align:
            kids["alignment"] = xml.set_attrs(kids.get("alignment", "<alignment/>"), **align)
            a["applyAlignment"] = "1"
        if locked is not None:
            kids["protection"] = xml.set_attrs(kids.get("protection", "<protection/>"), locked="1" if locked else "0")
            a["applyProtection"] = "1"
        body = "".join(kids[k] for k in ("alignment", "protection", "extLst") if k in kids)
        head = "<xf " + " ".join(f'{k}="{xml.esc(v)}"' for k, v in a.items())
        new = head + (f">{body}</xf>" if body else "/>")
        return self._add("cellXfs", new)

    def _add(self, section: str, element: str) -> int:
        items = self.lists[section]
        if element in items:
            return items.index(element)
        items.append(element)
        self.changed = True
        return len(items) - 1

    def _num_fmt(self, pattern: str) -> int:
        if pattern in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[pattern]
        used = []
        for el in self.lists["numFmts"]:
            a = xml.attrs(el)
            if a.get("formatCode") == pattern:
                return int(a["numFmtId"])
            used.append(int(a.get("numFmtId", 0)))
        new = max([163, *used]) + 1
        self.lists["numFmts"].append(f'<numFmt numFmtId="{new}" formatCode="{xml.esc(pattern)}"/>')
        self.changed = True
        return new

    def _font(self, base: int, text: dict) -> int:
        fonts = self.lists["fonts"] or ['<font><sz val="11"/><name val="Calibri"/></font>']
        self.lists["fonts"] = fonts
        font = fonts[base] if 0 <= base < len(fonts) else fonts[0]
        kids = xml.children(font) if not font.endswith("/>") else []
        named = "|".join(tag for key, tag in (("bold", "b"), ("italic", "i"), ("fontSize", "sz"),
                                              ("foregroundColor", "color")) if key in text)
        if named:  # only what the format names changes: bold keeps the size, a size keeps bold
            kids = [k for k in kids if not re.match(r"<(" + named + r")\b", k)]
        if text.get("italic"):
            kids.insert(0, "<i/>")
        if text.get("bold"):
            kids.insert(0, "<b/>")

        def before(tags: str) -> int:  # the schema's order: b i strike ... sz color name family
            return next((i for i, k in enumerate(kids) if re.match(rf"<({tags})\b", k)), len(kids))

        size = text.get("fontSize")
        if size:
            kids.insert(before("color|name|family|charset|scheme"), f'<sz val="{size}"/>')
        if text.get("foregroundColor"):
            kids.insert(before("name|family|charset|scheme"), f'<color rgb="{argb(text["foregroundColor"])}"/>')
        return self._add("fonts", "<font>" + "".join(kids) + "</font>")

    def _fill(self, color: dict) -> int:
        rgb = argb(color)
        return self._add("fills", f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
                                  f'<bgColor indexed="64"/></patternFill></fill>')

    # ------------------------------------------------------------ conditional formats
    def dxf_fill(self, color: dict) -> int:
        """A differential format that fills the cell (what a live-highlight rule applies)."""
        rgb = argb(color)
        return self._add("dxfs", f'<dxf><fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/>'
                                 f'<bgColor rgb="{rgb}"/></patternFill></fill></dxf>')

    def dxf_color(self, index: int) -> dict | None:
        """The fill colour of a differential format, as the Sheets API's Color."""
        dxfs = self.lists["dxfs"]
        if not 0 <= index < len(dxfs):
            return None
        fill = xml.first(dxfs[index], "patternFill")
        if not fill:
            return None
        for name in ("bgColor", "fgColor"):
            el = xml.first(fill, name)
            rgb = el and xml.attr(el, "rgb")
            if rgb and len(rgb) >= 6:
                return color_of(rgb)
        return None

    # ------------------------------------------------------------ writing
    def xml(self) -> str:
        text = self.text
        for name in _SECTIONS:
            items = self.lists[name]
            el = xml.first(text, name)
            if el is not None:
                text = text.replace(el, xml.with_children(el, items), 1)
            elif items:
                text = _insert_section(text, name, f'<{name} count="{len(items)}">' + "".join(items) + f"</{name}>")
        return text


_VERTICAL = {"TOP": "top", "MIDDLE": "center", "BOTTOM": "bottom"}


def _insert_section(text: str, name: str, element: str) -> str:
    """Put a missing section where the schema orders it."""
    after = _SECTIONS[_SECTIONS.index(name) + 1:]
    for later in (*after, "tableStyles", "colors", "extLst"):
        m = re.search(r"<" + later + r"(?=[\s/>])", text)
        if m:
            return text[:m.start()] + element + text[m.start():]
    return text.replace("</styleSheet>", element + "</styleSheet>")


def argb(color: dict) -> str:
    return "FF" + "".join(f"{round(color.get(k, 0) * 255):02X}" for k in ("red", "green", "blue"))


def color_of(rgb: str) -> dict:
    rgb = rgb[-6:]
    return {k: round(int(rgb[i:i + 2], 16) / 255, 4) for k, i in (("red", 0), ("green", 2), ("blue", 4))}
