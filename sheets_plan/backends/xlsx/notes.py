"""Cell notes of a tool tab as xlsx comments (Sheets calls them notes; Excel and LibreOffice show
them as comments): a comments part and the VML drawing Excel draws them with.

Only tabs the tool writes whole (Weekly) get their notes this way; a person's comments on their
own tabs are other parts and are not touched.
"""

from __future__ import annotations

from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.xml.functions import tostring

from sheets_plan.sheets.a1 import a1
from .package import REL, REL_NS, Package
from .sheet import Worksheet

AUTHOR = "sheets-plan"
WIDTH, HEIGHT = 320, 110  # px: a definition of two or three lines


def replace_notes(pkg: Package, part: str, sheet: Worksheet, notes: dict[tuple[int, int], str]):
    """Drop the tab's comments (and their drawing), then write `notes`: (row, col) 0-based -> text."""
    for rel in pkg.rels(part):
        if rel.type in (REL["comments"], REL["vmlDrawing"]) and not rel.external:
            pkg.remove(rel.target)
            pkg.drop_rel(part, rel.id)
    sheet.put("legacyDrawing", None)
    if not notes:
        return
    records = []
    for (r, c), text in sorted(notes.items()):
        record = CommentRecord(ref=a1(r + 1, c), author=AUTHOR, height=HEIGHT, width=WIDTH)
        record.text.t = text
        records.append(record)
    comments = CommentSheet.from_comments(records)
    name = pkg.free_name("xl/comments{}.xml")
    pkg.set(name, tostring(comments.to_tree()), "comments")
    drawing = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
    pkg.set(drawing, comments.write_shapes(), "vmlDrawing")
    pkg.add_rel(part, "comments", name)
    rid = pkg.add_rel(part, "vmlDrawing", drawing)
    # the r prefix declared where it is used: a worksheet written by another program may not declare it
    sheet.put("legacyDrawing", f'<legacyDrawing xmlns:r="{REL_NS}" r:id="{rid}"/>')
