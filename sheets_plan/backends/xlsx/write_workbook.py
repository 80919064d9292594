"""workbook.xml after a batch: tabs added (a part and a <sheet> entry each), deleted (with their
drawings and comments), renamed, hidden or moved; sheet-scoped defined names following their
sheet; the styles part when styles were added; formulas computed on open.

A mixin of ``write.Writer``.
"""

from __future__ import annotations

import re

from sheets_plan.model import Sheet
from . import xml
from .book import Entry

_HIDDEN = ("hidden", "veryHidden")
_AFTER_CALC = ("oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
               "fileRecoveryPr", "webPublishObjects", "extLst")


class WorkbookWriting:
    """The workbook part and the tabs' entries in it (mixed into ``write.Writer``)."""

    def _part(self, sheet: Sheet, new: bool) -> str:
        book = self.book
        if not new:
            return book.entries[sheet.id].part
        part = book.pkg.free_name("xl/worksheets/sheet{}.xml")
        rid = book.pkg.add_rel(book.wb_part, "worksheet", part)
        book.entries[sheet.id] = Entry(f'<sheet name="" sheetId="{sheet.id}" r:id="{rid}"/>', part, rid)
        return part

    def _sheet_order(self) -> list:
        """Every <sheet> of workbook.xml in order: a tab's sheetId, or ("other", element) for one not modelled."""
        by_rid = {e.rid: sid for sid, e in self.book.entries.items()}
        out = []
        for element in xml.elements(xml.first(self.book.wb_xml, "sheets") or "", "sheet"):
            rid = xml.local_attr(element, "id")
            out.append(by_rid[rid] if rid in by_rid else ("other", element))
        return out

    def _write_workbook(self, order_before: list[int]):
        book = self.book
        pkg = book.pkg
        ids = [s.id for s in self.model.sheets]
        before_all = self._sheet_order()
        removed = []
        for sid in [s for s in order_before if s not in ids]:  # deleted tabs
            entry = book.entries.pop(sid)
            removed.append(entry)
            for rel in pkg.rels(entry.part):
                if not rel.external and rel.type.endswith(("/drawing", "/comments", "/vmlDrawing")):
                    pkg.remove(rel.target)
            pkg.remove(entry.part)
            pkg.drop_rel(book.wb_part, entry.rid)
            book.sheets.pop(sid, None)
        for sheet in self.model.sheets:
            entry = book.entries[sheet.id]
            state = xml.attr(entry.element, "state")
            hidden = state if state in _HIDDEN else "hidden"
            entry.element = xml.set_attrs(entry.element, name=sheet.title,
                                          state=hidden if sheet.properties.get("hidden") else None)
        text = book.wb_xml
        sheets_el = xml.first(text, "sheets")
        # A <sheet> the tool does not model (a chart sheet) stays after the tab it followed.
        known = {book.entries[sid].rid: sid for sid in ids}
        before, anchor, others = [], None, {}
        for element in xml.elements(sheets_el, "sheet"):
            rid = xml.local_attr(element, "id")
            if rid in known:
                anchor = known[rid]
                before.append(anchor)
            elif rid not in {e.rid for e in removed}:
                others.setdefault(anchor, []).append(element)
                before.append(("other", element))
        after = [("other", e) for e in others.get(None, [])]
        for sid in ids:
            after += [sid] + [("other", e) for e in others.get(sid, [])]
        elements = [book.entries[k].element if isinstance(k, int) else k[1] for k in after]
        new_sheets = xml.with_children(sheets_el, elements, count=False)
        if after != before or removed:
            text = _move_local_names(text, before_all, after)
        text = text.replace(sheets_el, new_sheets, 1)
        text = _full_calc_on_load(text)
        if text != book.wb_xml:
            book.wb_xml = text
            pkg.set(book.wb_part, text)
        if book.styles.changed:
            part = book._styles_part()
            if part is None:
                part = "xl/styles.xml"
                pkg.add_rel(book.wb_part, "styles", part)
            pkg.set(part, book.styles.xml())
            book.styles.changed = False


def _full_calc_on_load(text: str) -> str:
    """The tool writes formulas without cached results: ask the program to compute them on open."""
    calc = xml.first(text, "calcPr")
    if calc is not None:
        return text if xml.attr(calc, "fullCalcOnLoad") == "1" else text.replace(
            calc, xml.set_attrs(calc, fullCalcOnLoad="1"), 1)
    for name in _AFTER_CALC:
        m = re.search(r"<(\w+:)?" + name + r"(?=[\s/>])", text)
        if m:
            return text[:m.start()] + '<calcPr fullCalcOnLoad="1"/>' + text[m.start():]
    m = re.search(r"</(\w+:)?workbook>", text)
    return text[:m.start()] + '<calcPr fullCalcOnLoad="1"/>' + text[m.start():]


def _move_local_names(text: str, before: list, after: list) -> str:
    """definedNames scoped to a sheet (localSheetId = its position among all <sheet>s) follow their sheet."""
    def move(m: re.Match) -> str:
        element = m.group(0)
        local = xml.attr(element, "localSheetId")
        if local is None:
            return element
        i = int(local)
        key = before[i] if i < len(before) else None
        if key not in after:
            return ""
        return xml.set_attrs(element, localSheetId=str(after.index(key)))
    return re.sub(r"<(\w+:)?definedName\b[^>]*?(?:/>|>.*?</(\w+:)?definedName>)", move, text, flags=re.S)
