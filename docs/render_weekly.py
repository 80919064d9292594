"""Render the demo project's Weekly tab and its charts to docs/weekly.png.

    python docs/render_weekly.py [--out docs/weekly.png] [--as-of 2026-03-16]

1. Builds the demo workbook exactly as ``sheets-plan demo`` does
   (``sheets_plan.jobs.demo.run_demo``, English labels, a fixed as-of date so the
   picture only changes when the product does).
2. Makes a presentation copy with openpyxl (the charts drawn by the
   product's own chart code, sheets_plan/backends/xlsx/charts.py): the Weekly tab
   first and the only visible one (Plan and Account stay, hidden: the
   formulas read them), and a print area of one A3 landscape page: the main
   block and the two charts under it, where the product puts them.
3. LibreOffice (headless) opens the copy, recalculates every formula and
   renders that page. ``soffice --convert-to png`` needs LibreOffice's
   graphic export filters, which the ``libreoffice-calc-nogui`` package does
   not ship, and pdftoppm is not always there, so the page is rendered
   through LibreOffice's own UNO API (``XRenderable`` into an off-screen
   device, the same call that prints and exports PDF) by a Python that has
   the ``uno`` module (Debian's python3-uno comes with LibreOffice), and the
   bitmap is written as PNG here with zlib. Without such a Python it falls
   back to soffice -> PDF -> ``pdftoppm -png -r 80``.

Nothing is kept but the PNG; the demo workbook is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "emulators"))  # the emulators as in the checkout

from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.properties import PageSetupProperties  # noqa: E402

import openpyxl  # noqa: E402

from sheets_plan.jobs import project as jobs
from sheets_plan.tabs import weekly_tab, check_tab  # noqa: E402
from sheets_plan.jobs.demo import run_demo  # noqa: E402
from sheets_plan.backends.local import LocalBackend  # noqa: E402
from sheets_plan.jobs.read import load_snapshot  # noqa: E402
from sheets_plan.backends.xlsx.charts import xlsx_chart  # noqa: E402
from sheets_plan.core.template_load import load  # noqa: E402
from sheets_plan_emulators.office import recalc  # noqa: E402

AS_OF = dt.date(2026, 3, 16)  # a Monday: eight full weeks of demo rows before it

# Runs in a Python that has LibreOffice's `uno` module: open, recalculate, render page 1 to a BMP.
_UNO_RENDER = r"""
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue

src, out, soffice, profile, pipe = sys.argv[1:6]


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


office = subprocess.Popen([soffice, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
                           "-env:UserInstallation=" + profile,
                           "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            if office.poll() is not None:
                sys.exit("soffice exited with code %s" % office.returncode)
            time.sleep(0.1)
    else:
        sys.exit("soffice did not answer on its pipe")
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    doc.calculateAll()
    if doc.getRendererCount(doc, ()) < 1:
        sys.exit("nothing to render")
    size = {p.Name: p.Value for p in doc.getRenderer(0, doc, ())}["PageSize"]  # 1/100 mm
    toolkit = smgr.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
    width, height = round(size.Width / 2540 * 96), round(size.Height / 2540 * 96)  # pixels at 96 dpi
    device = toolkit.createScreenCompatibleDevice(width, height)
    doc.render(0, doc, (prop("RenderDevice", device),))
    # The device is left in the page's map mode: 1/100 mm times the print scale (fit to page),
    # and createBitmap takes logic units. A first bitmap of the page size tells the scale.
    probe = device.createBitmap(0, 0, size.Width, size.Height).getSize()
    bmp = device.createBitmap(0, 0, round(size.Width * width / probe.Width),
                              round(size.Height * height / probe.Height))
    with open(out, "wb") as f:
        f.write(bytes(bmp.getDIB().value))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge goes away with the office
    office.wait(timeout=60)
finally:
    if office.poll() is None:
        office.kill()
"""


def build_demo(folder: Path, as_of: dt.date) -> Path:
    result = run_demo(folder, locale="en", as_of=as_of)
    return Path(result.path)


def presentation_copy(path: Path, out: Path, tab: str = "weekly") -> Path:
    """The tab (``weekly`` or ``check``) first and alone on show, one A3 landscape page: the Weekly
    tab's main block and the two charts under it, or the Check tab's flags."""
    template = load()
    wb = openpyxl.load_workbook(path)  # cells and formats; openpyxl drops charts on loading...
    snap = load_snapshot(LocalBackend(path.parent), str(path), template, as_of=AS_OF)
    ws = wb[snap.titles[tab]]
    if tab == "weekly":
        titles = {snap.sheet_ids[key]: snap.titles[key] for key in snap.titles}
        anchors = []
        for request in jobs.weekly_layout(snap).requests:  # ...so they are drawn again by the product's code
            if "addChart" in request:
                chart = request["addChart"]["chart"]
                ws.add_chart(xlsx_chart(chart, titles))
                anchors.append(chart["position"]["overlayPosition"]["anchorCell"])
        right = max(a["columnIndex"] for a in anchors) + 7  # a 640-pixel chart spans about 6 columns
        bottom = min(a["rowIndex"] for a in anchors) + weekly_tab.CHART_ROWS
    else:
        right, bottom = len(check_tab.CHECK_WIDTHS), max(ws.max_row, 3)
    wb.move_sheet(ws, offset=-wb.index(ws))
    for other in wb.worksheets[1:]:
        other.sheet_state = "hidden"
    wb.active = 0
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = sheet is ws
    ws.print_area = f"A1:{get_column_letter(right)}{bottom}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1
    ws.page_margins.left = ws.page_margins.right = 0.3
    ws.page_margins.top = ws.page_margins.bottom = 0.3
    ws.page_margins.header = ws.page_margins.footer = 0
    ws.print_options.gridLines = True
    ws.protection.sheet = False  # a copy for the picture only
    wb.save(out)
    return out


def render(xlsx_path: Path, png: Path, work: Path) -> None:
    """Page 1 of a workbook as PNG, by LibreOffice (UNO, else soffice -> PDF -> pdftoppm)."""
    png.parent.mkdir(parents=True, exist_ok=True)
    python = _uno_python()
    if python:
        render_uno(python, xlsx_path, png, work)
    elif shutil.which("pdftoppm"):
        render_pdftoppm(xlsx_path, png, work)
    else:
        raise RuntimeError("need a Python with LibreOffice's uno module (python3-uno) or pdftoppm (poppler-utils)")


def _uno_python() -> str | None:
    """A Python interpreter that can import LibreOffice's `uno` module."""
    candidates = [sys.executable, "/usr/bin/python3", "/usr/lib/libreoffice/program/python",
                  "/opt/libreoffice/program/python", shutil.which("python3")]
    for exe in dict.fromkeys(c for c in candidates if c):
        if not Path(exe).exists():
            continue
        try:
            ok = subprocess.run([exe, "-c", "import uno"], capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return exe
    return None


def render_uno(python: str, xlsx_path: Path, png: Path, work: Path) -> None:
    profile = work / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(recalc._RECALC_XCU)
    script = work / "uno_render.py"
    script.write_text(_UNO_RENDER)
    bmp = work / "page.bmp"
    done = subprocess.run([python, str(script), str(xlsx_path), str(bmp), recalc.soffice(),
                           profile.as_uri(), f"sheets_plan_render_{os.getpid()}"],
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0 or not bmp.exists():
        raise RuntimeError(f"LibreOffice (UNO) could not render the page: {done.stderr.strip() or done.stdout}")
    png.write_bytes(bmp_to_png(bmp.read_bytes()))


def render_pdftoppm(xlsx_path: Path, png: Path, work: Path) -> None:
    (pdf,) = recalc.convert([xlsx_path], "pdf", work / "pdf")
    stem = work / "page"
    subprocess.run([shutil.which("pdftoppm"), "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf), str(stem)], check=True, timeout=120)
    shutil.copy(stem.with_suffix(".png"), png)


def bmp_to_png(dib: bytes, margin: int = 16) -> bytes:
    """A 24/32-bit Windows bitmap as an RGB PNG cropped to what is drawn on it, plus `margin`
    white pixels (zlib only, no imaging library needed)."""
    if dib[:2] != b"BM":
        raise ValueError("not a BMP")
    offset = struct.unpack_from("<I", dib, 10)[0]
    width, height, _, bpp = struct.unpack_from("<iiHH", dib, 18)
    if bpp not in (24, 32):
        raise ValueError(f"{bpp}-bit bitmaps are not supported")
    step, rows = bpp // 8, abs(height)
    stride = (width * step + 3) & ~3
    pixels = []
    for y in range(rows):
        start = offset + (y if height < 0 else rows - 1 - y) * stride  # BMP rows go bottom-up
        bgr = dib[start:start + width * step]
        rgb = bytearray(width * 3)
        rgb[0::3], rgb[1::3], rgb[2::3] = bgr[2::step], bgr[1::step], bgr[0::step]
        pixels.append(bytes(rgb))

    drawn = [y for y, line in enumerate(pixels) if line.strip(b"\xff")]
    if drawn:
        left = min(len(pixels[y]) - len(pixels[y].lstrip(b"\xff")) for y in drawn) // 3
        right = max(len(pixels[y].rstrip(b"\xff")) for y in drawn) // 3 + 1
        top, bottom = max(drawn[0] - margin, 0), min(drawn[-1] + 1 + margin, rows)
        left, right = max(left - margin, 0), min(right + margin, width)
        pixels, width = [line[left * 3:right * 3] for line in pixels[top:bottom]], right - left

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, len(pixels), 8, 2, 0, 0, 0)
    body = zlib.compress(b"".join(b"\x00" + line for line in pixels), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "weekly.png")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="render-weekly-") as tmp:
        work = Path(tmp)
        copy = presentation_copy(build_demo(work / "demo", args.as_of), work / "weekly.xlsx")
        render(copy, args.out, work)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
