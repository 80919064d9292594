"""A workbook file as its zip parts: read, change a few, write back atomically.

Parts the tool does not change are written back with the bytes they had
(re-deflated, never re-serialized), so whatever a person's program put in
the file (images, charts, comments, themes, defined names, extensions)
stays as it was.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import Callable

from . import xml
from .rels import REL, REL_NS, Rel, Relationships, relative, rels_name, resolve

# Rel, REL, REL_NS and the path helpers live in `rels`; charts and notes take them from here.
__all__ = ["CT", "REL", "REL_NS", "TYPES", "Package", "Rel", "WorkbookError", "empty", "on_write_step", "relative",
           "rels_name", "resolve"]

CT = "[Content_Types].xml"
TYPES = {
    "worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
    "drawing": "application/vnd.openxmlformats-officedocument.drawing+xml",
    "chart": "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
    "custom": "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    "comments": "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml",
    "vmlDrawing": "application/vnd.openxmlformats-officedocument.vmlDrawing",
}


class WorkbookError(OSError):
    """A workbook that cannot be read or written; the message says why."""


class Package(Relationships):
    def __init__(self, parts: dict[str, bytes], infos: dict[str, zipfile.ZipInfo] | None = None):
        self.parts = parts          # name -> bytes, in the zip's order
        self.infos = infos or {}
        self.raw: dict[str, bytes] = {}  # name -> its compressed bytes as read (for parts left unchanged)
        self.changed: set[str] = set()

    # ------------------------------------------------------------ reading
    @classmethod
    def read(cls, path: str | Path) -> "Package":
        path = Path(path)
        try:
            with zipfile.ZipFile(path) as z:
                infos = {i.filename: i for i in z.infolist() if not i.is_dir()}
                raw = {name: _raw(z, info) for name, info in infos.items()}
                parts = {name: _inflate(info, raw[name]) or z.read(name) for name, info in infos.items()}
        except FileNotFoundError:
            raise WorkbookError(f"{path}: no such file") from None
        except PermissionError:
            raise WorkbookError(f"{path}: permission denied (locked or not readable)") from None
        except IsADirectoryError:
            raise WorkbookError(f"{path}: is a folder, not a workbook") from None
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise WorkbookError(f"{path}: not a readable .xlsx workbook ({_why(path, e)})") from None
        if CT not in parts:
            raise WorkbookError(f"{path}: not a readable .xlsx workbook (no [Content_Types].xml)")
        pkg = cls(parts, infos)
        pkg.raw = raw
        return pkg

    def release(self, name: str):
        """Forget an unchanged part's text (its stored bytes are copied at save)."""
        info = self.infos.get(name)
        if (name not in self.changed and self.raw.get(name) is not None and info is not None
                and info.compress_type in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED)):
            self.parts[name] = None

    def reread(self, path: Path, name: str) -> bytes:
        """A part read again from the file, as it was when this package was read (else WorkbookError)."""
        try:
            with zipfile.ZipFile(path) as z:
                info = z.getinfo(name)
                if info.CRC != self.infos[name].CRC:
                    raise KeyError(name)
                return z.read(name)
        except (KeyError, OSError, zipfile.BadZipFile):
            raise WorkbookError(f"{path}: changed by another program while this command ran; run it again") from None

    def has(self, name: str) -> bool:
        return name in self.parts

    def text(self, name: str) -> str:
        data = self.parts[name]
        return (b"".join(data) if isinstance(data, list) else data).decode("utf-8")

    # ------------------------------------------------------------ changing
    def set(self, name: str, data: str | bytes | list[bytes], kind: str | None = None):
        """A part's new bytes; a list of chunks is written one after another (a 100 MB sheet is
        not joined into one more copy of itself)."""
        self.parts[name] = data.encode("utf-8") if isinstance(data, str) else data
        self.changed.add(name)
        if kind:
            self._content_type(name, TYPES[kind])

    def remove(self, name: str):
        if name in self.parts:
            del self.parts[name]
            self.changed.add(name)
            rels = rels_name(name)
            if rels in self.parts:
                self.remove(rels)
            ct = self.text(CT)
            self.set(CT, re.sub(r'<Override\b[^>]*PartName="/' + re.escape(name) + r'"[^>]*/>', "", ct))

    def _content_type(self, name: str, content_type: str):
        ct = self.text(CT)
        if f'PartName="/{name}"' in ct:
            return
        ct = ct.replace("</Types>", f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>')
        self.parts[CT] = ct.encode("utf-8")
        self.changed.add(CT)

    def free_name(self, pattern: str) -> str:
        """The first unused part name of a pattern like 'xl/charts/chart{}.xml'."""
        n = 1
        while pattern.format(n) in self.parts:
            n += 1
        return pattern.format(n)

    # ------------------------------------------------------------ writing
    def save(self, path: str | Path):
        """Atomically: a temp file in the same folder, flushed, then renamed over the workbook."""
        path = Path(path)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".xlsx.tmp", dir=path.parent)
        except OSError as e:
            raise WorkbookError(f"{path}: cannot write to {path.parent}: {e.strerror}") from None
        try:
            _step("temp file made")
            os.chmod(tmp, _mode_for(path))  # mkstemp makes 0600; keep the workbook's own permissions
            with os.fdopen(fd, "wb") as f:
                with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
                    for name in self._order():
                        if name in self.changed or not _copy_raw(z, self.infos.get(name), self.raw.get(name)):
                            data = self.parts[name]
                            if data is None:  # released, and its stored bytes could not be copied
                                data = _inflate(self.infos[name], self.raw[name])
                            _write(z, self._info(name), data)
                        _step(f"part written: {name}")
                f.flush()
                os.fsync(f.fileno())
            _step("synced")
            os.replace(tmp, path)
            _step("renamed")
        except OSError as e:
            raise WorkbookError(f"{path}: cannot write: {e.strerror or e} "
                                "(open in another program, or read-only?)") from None
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _order(self) -> list[str]:
        # [Content_Types].xml first, as Office writes it; the rest in the order they came.
        return [CT] + [n for n in self.parts if n != CT]

    def _info(self, name: str) -> zipfile.ZipInfo:
        old = self.infos.get(name)
        info = zipfile.ZipInfo(name, date_time=old.date_time if old else (1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        return info


# A test seam: called with the name of each step of a save ("temp file made", "part written: NAME",
# "synced", "renamed"), so a test can crash the process at a known point of the write. None in use.
on_write_step: Callable[[str], None] | None = None


def _step(name: str) -> None:
    if on_write_step is not None:
        on_write_step(name)


# A part this large (a sheet of ~10 000 rows and more) is deflated at level 1, not 6: a third of the
# time (0.23 s, not 0.78, for 100 000 rows' 86 MB) for a file ~30 % larger (9.3 MB, not 7.1).
BIG_PART = 8 << 20


def _write(z: zipfile.ZipFile, info: zipfile.ZipInfo, data: bytes | list[bytes]) -> None:
    if not isinstance(data, list):
        z.writestr(info, data)
        return
    size = sum(map(len, data))
    if size >= BIG_PART:
        info._compresslevel = 1  # ZipInfo's slot for it in 3.11 (3.13 adds the compress_level property over it)
    with z.open(info, "w", force_zip64=size >= zipfile.ZIP64_LIMIT) as out:
        block, size = [], 0
        for chunk in data:  # a patched sheet is ~4 pieces a row: written in blocks of about a megabyte
            block.append(chunk)
            size += len(chunk)
            if size >= 1 << 20:
                out.write(b"".join(block))
                block, size = [], 0
        out.write(b"".join(block))


def _raw(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A member's compressed bytes, as stored (so an unchanged part is copied, not re-deflated)."""
    try:
        z.fp.seek(info.header_offset)
        header = z.fp.read(30)
        if header[:4] != b"PK\x03\x04":
            return None
        name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
        z.fp.seek(info.header_offset + 30 + name_len + extra_len)
        data = z.fp.read(info.compress_size)
        return data if len(data) == info.compress_size else None
    except (OSError, AttributeError, ValueError):
        return None


def _inflate(info: zipfile.ZipInfo, data: bytes | None) -> bytes | None:
    """A member's bytes from its stored form, in one buffer of the known size (zipfile's read
    grows its result in chunks: twice the memory of a 100 MB sheet). None: let zipfile do it."""
    try:
        if data is None:
            return None
        if info.compress_type == zipfile.ZIP_STORED:
            out = data
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            out = zlib.decompress(data, -15, max(info.file_size, 1))
        else:
            return None
        return out if len(out) == info.file_size and zlib.crc32(out) == info.CRC else None
    except zlib.error:
        return None


def _copy_raw(z: zipfile.ZipFile, old: zipfile.ZipInfo, data: bytes | None) -> bool:
    """Append a member's stored bytes to `z` as they are; False when that cannot be done (then it is re-deflated).

    zipfile has no public call for this: the member is written the way
    ZipFile.writestr writes one, its header from a copy of the old ZipInfo."""
    if data is None or old is None or old.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) \
            or max(old.file_size, old.compress_size) >= zipfile.ZIP64_LIMIT:
        return False
    try:
        info = zipfile.ZipInfo(old.filename, date_time=old.date_time)
        info.compress_type, info.CRC = old.compress_type, old.CRC
        info.compress_size, info.file_size = old.compress_size, old.file_size
        info.external_attr = 0o600 << 16
        info.header_offset = z.fp.tell()
        z.fp.write(info.FileHeader(False))
        z.fp.write(data)
        z.filelist.append(info)
        z.NameToInfo[info.filename] = info
        z.start_dir = z.fp.tell()
        z._didModify = True
        return True
    except AttributeError:  # another Python's zipfile: re-deflate instead
        return False


def _why(path: Path, e: Exception) -> str:
    head = b""
    try:
        head = path.read_bytes()[:8]
    except OSError:
        pass
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an old Excel .xls file; save it as .xlsx"
    return f"{type(e).__name__}: {e}"


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def empty(sheet_title: str = "Sheet1", sheet_id: int = 0) -> Package:
    """A new workbook with one empty sheet (what a spreadsheet program makes)."""
    from .sheet import EMPTY
    from .styles import MINIMAL_STYLES

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts = {
        CT: '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{TYPES["worksheet"]}"/>'
            '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       f'<Relationship Id="rId1" Type="{REL["document"]}" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                           f'<workbook xmlns="{main}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
                           f'<sheets><sheet name="{xml.esc(sheet_title)}" sheetId="{sheet_id}" r:id="rId1"/></sheets>'
                           '<calcPr fullCalcOnLoad="1"/></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                      f'<Relationship Id="rId1" Type="{REL["worksheet"]}" Target="worksheets/sheet1.xml"/>'
                                      f'<Relationship Id="rId2" Type="{REL["styles"]}" Target="styles.xml"/>'
                                      '</Relationships>',
        "xl/styles.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + MINIMAL_STYLES,
        "xl/worksheets/sheet1.xml": EMPTY,
    }
    return Package({k: v.encode("utf-8") for k, v in parts.items()})
