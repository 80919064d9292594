"""A LibreOffice that a test drives like a person: started once, edits workbooks over UNO.

`Office.edit(path, [[op, args...], ...])` runs testing/uno_edit.py under the
system Python (the one with LibreOffice's `uno` module: Debian python3-uno),
which opens the workbook in the running soffice, makes the edits and saves
it as .xlsx with Calc's own filter.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from .recalc import LibreOfficeError, soffice

SCRIPT = Path(__file__).with_name("uno_edit.py")
UNO_PYTHON = "/usr/bin/python3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Office:
    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="lo-uno-")
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [soffice(), "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation=file://{self.profile}",
             f"--accept=socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def edit(self, path: Path | str, edits: list[list], timeout: int = 180):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(edits, f, ensure_ascii=False)
        done = subprocess.run([UNO_PYTHON, str(SCRIPT), str(self.port), str(Path(path).resolve()), f.name],
                              capture_output=True, text=True, timeout=timeout)
        Path(f.name).unlink()
        if done.returncode:
            raise LibreOfficeError(f"UNO edit failed: {done.stderr.strip()[-2000:] or done.stdout.strip()}")

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)
