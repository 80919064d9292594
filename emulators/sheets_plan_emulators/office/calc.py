"""A LibreOffice that a test drives like a person: started once, edits workbooks over UNO.

`Office.edit(path, [[op, args...], ...])` runs office/uno_edit.py under the
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
        self._start()

    def _start(self):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [soffice(), "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             f"-env:UserInstallation=file://{self.profile}",
             f"--accept=socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def edit(self, path: Path | str, edits: list[list], timeout: int = 180):
        """Make the edits in Calc and save. A LibreOffice that died under load (the edit fails
        saying nothing, or its client is killed by a signal: "free(): invalid pointer", SIGABRT) is
        started again and the same edits made once more, on the file as it was."""
        path = Path(path).resolve()
        before = path.read_bytes()
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as f:
            json.dump(edits, f, ensure_ascii=False)
        try:
            for attempt in (1, 2):
                done = subprocess.run([UNO_PYTHON, str(SCRIPT), str(self.port), str(path), f.name],
                                      capture_output=True, text=True, timeout=timeout)
                said = done.stderr.strip()[-2000:] or done.stdout.strip()
                if not done.returncode:
                    return
                if (said and done.returncode > 0) or attempt == 2:
                    raise LibreOfficeError(f"UNO edit failed: {said or f'exit {done.returncode}'}")
                path.write_bytes(before)
                self.close(keep_profile=True)
                self._start()
        finally:
            Path(f.name).unlink()

    def row_heights(self, path: Path | str, title: str, timeout: int = 180) -> list[tuple[int, int, int]]:
        """(row, height shown on opening, height Calc's own fit gives) of each used row of a tab,
        in 1/100 mm; the file is not changed."""
        done = subprocess.run([UNO_PYTHON, str(SCRIPT.with_name("uno_rows.py")), str(self.port),
                               str(Path(path).resolve()), title], capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise LibreOfficeError(f"UNO read failed: {done.stderr.strip()[-2000:]}")
        return [tuple(x) for x in json.loads(done.stdout)]

    def close(self, keep_profile: bool = False):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        if not keep_profile:
            shutil.rmtree(self.profile, ignore_errors=True)
