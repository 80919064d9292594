"""The product's wheel holds the product: no test code, no emulator (they ship apart, in
emulators/), and the template and the brief's fonts and templates it needs at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_no_test_code(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                           "-w", str(tmp_path), "-q"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    wheel = next(tmp_path.glob("sheets_plan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    code = [n for n in names if n.endswith(".py")]
    assert not [n for n in names if "testing" in n or "emulator" in n or n.startswith("tests/")]
    assert all(n.startswith("sheets_plan/") for n in code) and "sheets_plan/templates/content_plan.toml" in names
    assert "sheets_plan/rendering/templates/brief.html.j2" in names
    assert "sheets_plan/locale/ru/LC_MESSAGES/sheets_plan.mo" in names  # the words, in Russian
