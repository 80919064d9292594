"""The Weekly tab's charts as LibreOffice draws them: each series a line in its own colour. Rendered by
LibreOffice itself (the workbook to PDF, a sheet a page; the page to pixels with pdftoppm) and the
lines found by their colours, not by reading the chart's XML (LibreOffice held every value and still
drew no line when the colour was left to a theme the package does not have)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from matplotlib import image

from sheets_plan.backends.xlsx.charts import SERIES_COLOURS
from sheets_plan.jobs.demo import run_demo
from sheets_plan_emulators.office.recalc import convert

pytestmark = pytest.mark.libreoffice

ONE_PAGE_A_SHEET = 'pdf:calc_pdf_Export:{"SinglePageSheets":{"type":"boolean","value":"true"}}'


def test_libreoffice_draws_each_series_of_the_weekly_charts(tmp_path):
    path = Path(run_demo(tmp_path / "demo", locale="en", as_of=dt.date(2026, 11, 26)).path)
    page = openpyxl.load_workbook(path, read_only=True).sheetnames.index("Weekly") + 1
    pdf, = convert([path], ONE_PAGE_A_SHEET, tmp_path / "pdf")
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "30", "-png", str(pdf), str(tmp_path / "w")],
                   check=True)
    pixels = (image.imread(next(tmp_path.glob("w*.png")))[:, :, :3] * 255).astype(int)

    def drawn(colour: str) -> int:
        rgb = np.array([int(colour[i:i + 2], 16) for i in (0, 2, 4)])
        return int((np.abs(pixels - rgb).sum(axis=2) < 60).sum())

    # the first chart: reach and interactions, two lines; the second: ERR, one line in the first colour
    assert drawn(SERIES_COLOURS[0]) > 100 and drawn(SERIES_COLOURS[1]) > 40, (drawn(SERIES_COLOURS[0]),
                                                                                drawn(SERIES_COLOURS[1]))
