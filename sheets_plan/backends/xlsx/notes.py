"""Cell notes of a tool tab as xlsx comments (Sheets calls them notes; Excel and LibreOffice show
them as comments): a comments part and the VML drawing Excel draws them with.

A tab the tool writes whole (Weekly) gets its notes replaced; on a person's tab (Plan, Account)
the notes a batch sets are merged into the tab's comments, every other comment kept with its text
and author (its box is drawn again at the default size).
"""

from __future__ import annotations

from openpyxl.comments.comment_sheet import CommentRecord, CommentSheet
from openpyxl.xml.functions import fromstring, tostring

from sheets_plan.sheets.a1 import a1
from .package import REL, REL_NS, Package
from .sheet import Worksheet

AUTHOR = "sheets-plan"
WIDTH, HEIGHT = 320, 110  # px: a definition of two or three lines


def merge_notes(pkg: Package, part: str, sheet: Worksheet, notes: dict[tuple[int, int], str]):
    """Set `notes` ((row, col) 0-based -> text) on a person's tab, keeping the other comments."""
    kept: dict[str, tuple[str, str]] = {}  # ref -> (text, author)
    for rel in pkg.rels(part):
        if rel.type == REL["comments"] and not rel.external and pkg.has(rel.target):
            old = CommentSheet.from_tree(fromstring(pkg.text(rel.target).encode()))
            authors = old.authors.author
            kept |= {c.ref: (c.text.content, authors[c.authorId] if c.authorId < len(authors) else "")
                     for c in old.commentList}
    kept |= {a1(r + 1, c): (text, AUTHOR) for (r, c), text in notes.items()}
    _write(pkg, part, sheet, kept)


def replace_notes(pkg: Package, part: str, sheet: Worksheet, notes: dict[tuple[int, int], str]):
    """Drop the tab's comments (and their drawing), then write `notes`: (row, col) 0-based -> text."""
    _write(pkg, part, sheet, {a1(r + 1, c): (text, AUTHOR) for (r, c), text in notes.items()})


def _write(pkg: Package, part: str, sheet: Worksheet, notes: dict[str, tuple[str, str]]):
    for rel in pkg.rels(part):
        if rel.type in (REL["comments"], REL["vmlDrawing"]) and not rel.external:
            pkg.remove(rel.target)
            pkg.drop_rel(part, rel.id)
    sheet.put("legacyDrawing", None)
    if not notes:
        return
    records = []
    for ref, (text, author) in notes.items():
        record = CommentRecord(ref=ref, author=author, height=HEIGHT, width=WIDTH)
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
