"""LibreOffice headless: recalculate or convert workbooks, as a real spreadsheet engine checks formulas.

soffice exits 0 even when a conversion failed, so every call checks that
the output file exists. Each call uses a private profile whose settings
force a full recalculation on load (cached values are never trusted).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    pass


def soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        raise LibreOfficeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
    return path


def convert(paths: list[Path] | Path, to: str, outdir: Path, timeout: int = 180) -> list[Path]:
    """Convert workbooks with soffice (`to` = "xlsx", "pdf", "png", ...); returns the outputs."""
    paths = [paths] if isinstance(paths, Path) else list(paths)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_RECALC_XCU)
        cmd = [soffice(), "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
               "--convert-to", to, "--outdir", str(outdir), *map(str, paths)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    ext = to.split(":")[0]
    outs = [outdir / f"{p.stem}.{ext}" for p in paths]
    missing = [o for o in outs if not o.exists()]
    if missing:
        raise LibreOfficeError(f"soffice did not produce {missing[0].name}: {done.stderr.strip() or done.stdout.strip()}")
    return outs


def recalculate(path: Path, outdir: Path | None = None) -> Path:
    """A recalculated copy of an xlsx (LibreOffice computes every formula)."""
    outdir = outdir or Path(tempfile.mkdtemp(prefix="lo-out-"))
    return convert([path], "xlsx", outdir)[0]
