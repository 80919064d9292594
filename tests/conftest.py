from pathlib import Path

import pytest

from sheets_plan_emulators.office import calc, recalc

from sheets_plan_emulators.google import Emulator

from .google_fixtures import ROBOT, schema_errors

from sheets_plan import LocalBackend, provision
from sheets_plan.core.template_load import load



@pytest.fixture(scope="session")
def template():
    return load()


@pytest.fixture(scope="session")
def office():
    """A LibreOffice that edits workbooks as a person does (UNO), for the whole run."""
    from sheets_plan_emulators.office.calc import Office

    running = Office()
    yield running
    running.close()


@pytest.fixture
def folder(tmp_path) -> Path:
    return tmp_path / "plans"


@pytest.fixture
def project(folder, template) -> str:
    """A freshly provisioned project workbook (ru), returns its path."""
    return provision(LocalBackend(folder), "Coffee", admins=["Anna", "Boris"], locale="ru", template=template)


@pytest.fixture
def emu():
    emulator = Emulator(service_account=ROBOT)
    yield emulator
    # Any request that breaks Google's discovery schema fails the test that sent it.
    assert schema_errors(emulator) == []


# ------------------------------------------------------------------ LibreOffice only where marked
# `pytest -m "not slow"` is the fast suite (LibreOffice's tests are slow too); `-m "not libreoffice"`
# runs without LibreOffice. A test that reaches LibreOffice without the mark fails, so the mark is
# never missing.
def _no_libreoffice():
    raise AssertionError("this test runs LibreOffice: mark it @pytest.mark.libreoffice (a module: pytestmark)")


def pytest_collection_modifyitems(items):
    for item in items:
        if "office" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.libreoffice)
        if item.get_closest_marker("libreoffice"):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    saved = recalc.soffice, calc.soffice
    if item.get_closest_marker("libreoffice") is None:
        recalc.soffice = calc.soffice = _no_libreoffice
    try:
        yield
    finally:
        recalc.soffice, calc.soffice = saved
