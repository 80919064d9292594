"""The pure layers type-check: mypy over the modules pyproject.toml's [tool.mypy] lists (a ratchet:
a module joins the list once it checks clean)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_listed_pure_modules_type_check():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    pure = ("sheets_plan/core/", "sheets_plan/sheets/", "sheets_plan/tabs/")
    assert len(listed) >= 24 and all(f.startswith(pure) for f in listed)
