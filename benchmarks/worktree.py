"""An earlier commit checked out beside this one (a git worktree), for benchmarks that compare the two
in one run; removed after."""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextlib.contextmanager
def tree_at(ref: str):
    """The tree of commit `ref`, as a folder, while the block runs."""
    with tempfile.TemporaryDirectory() as tmp:
        before = Path(tmp) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), ref],
                       check=True, capture_output=True)
        try:
            yield before
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(before)], capture_output=True)
