"""What the report carries inside itself: the shipped DejaVu Sans as @font-face rules (subset to the
characters the page uses, so the HTML stays small), the logo and the charts as data: URIs."""

from __future__ import annotations

import base64
import io
import re
from functools import lru_cache
from pathlib import Path

FONTS = Path(__file__).parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
FAMILY = "Report DejaVu Sans"  # its own name: never confused with a DejaVu the system may have
# Always kept, whatever the page says: printable ASCII, Latin-1, Cyrillic and the marks the report uses.
BASE = ("".join(chr(c) for c in (*range(0x20, 0x7F), *range(0xA0, 0x100), *range(0x400, 0x460)))
        + "–—−‘’“”„«»…·•×°±≤≥←↑→↓▲▼€₽№\u2009\u202f")
COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
DEFAULT_COLOUR = "#2E7D32"


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def image_mime(data: bytes) -> str | None:
    """PNG, JPEG or SVG by their first bytes; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<svg") or (head.startswith((b"<?xml", b"<!--", b"<!DOCTYPE")) and b"<svg" in head):
        return "image/svg+xml"
    return None


def logo_uri(path: str | Path | None) -> str | None:
    """The logo as a data: URI, or None when there is none or it is no readable PNG, JPEG or SVG."""
    if not path:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    mime = image_mime(data)
    return data_uri(data, mime) if mime else None


def accent(colour: str | None) -> str:
    """The agency's colour as CSS takes it: #rgb or #rrggbb only (it goes into the stylesheet)."""
    return colour if isinstance(colour, str) and COLOUR.fullmatch(colour) else DEFAULT_COLOUR


@lru_cache(maxsize=32)
def subset(font: Path, characters: str) -> bytes:
    """`font` cut down to `characters` (sorted, so equal pages give equal bytes) with their layout features."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    face = TTFont(str(font), recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(face)
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def font_faces(text: str) -> str:
    """@font-face rules for the regular and bold DejaVu Sans, holding every character of `text`."""
    characters = "".join(sorted(set(BASE) | {c for c in text if c.isprintable()}))
    rules = []
    for weight, font in (("normal", REGULAR), ("bold", BOLD)):
        uri = data_uri(subset(font, characters), "font/ttf")
        rules.append(f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: normal; '
                     f'src: url("{uri}") format("truetype"); }}')
    return "\n".join(rules)
