import datetime as dt
from pathlib import Path

import pytest

from sheets_plan.testing.emulator import Emulator

from .google_fixtures import ROBOT, schema_errors

from sheets_plan import LocalBackend, provision
from sheets_plan.core.template import load

AS_OF = dt.date(2026, 3, 16)  # a Monday


@pytest.fixture(scope="session")
def template():
    return load()


@pytest.fixture(scope="session")
def office():
    """A LibreOffice that edits workbooks as a person does (UNO), for the whole run."""
    from sheets_plan.testing.office.calc import Office

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
