"""Render the first page of the demo's client report to docs/brief.png.

    python docs/render_brief.py [--out docs/brief.png] [--locale en] [--as-of 2026-11-26]

Builds the demo exactly as ``sheets-plan demo`` does (``sheets_plan.jobs.demo.run_demo``, a fixed
as-of date so the picture only changes when the product does), writes its weekly report as PDF
(``sheets_plan.brief``: WeasyPrint) and renders page 1 with poppler's ``pdftoppm``. Nothing is kept
but the PNG; the demo is built in a temporary folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sheets_plan import LocalBackend  # noqa: E402
from sheets_plan.jobs.brief import brief  # noqa: E402
from sheets_plan.jobs.demo import run_demo  # noqa: E402


def render(out: Path, locale: str = "en", as_of: dt.date = dt.date(2026, 11, 26), dpi: int = 70) -> Path:
    with tempfile.TemporaryDirectory(prefix="brief-") as tmp:
        demo = run_demo(Path(tmp) / "demo", locale=locale, as_of=as_of)
        pdf = brief(LocalBackend(Path(tmp) / "demo"), str(demo.path), as_of=as_of, out=Path(tmp) / "out").path
        stem = Path(tmp) / "page"
        subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", str(dpi), "-png", "-singlefile", str(pdf), str(stem)],
                       check=True, capture_output=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f"{stem}.png", out)
    return out


def main():
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--out", default=str(ROOT / "docs" / "brief.png"))
    args.add_argument("--locale", default="en", choices=["ru", "en"])
    args.add_argument("--as-of", default="2026-11-26")
    a = args.parse_args()
    print(render(Path(a.out), a.locale, dt.date.fromisoformat(a.as_of)))


if __name__ == "__main__":
    main()
