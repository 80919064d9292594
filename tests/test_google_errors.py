"""Google failures, through the CLI: one line a person can act on, exit code 2, no traceback."""

from __future__ import annotations

import json

import pytest
import requests
from click.testing import CliRunner
from requests.adapters import BaseAdapter

from sheets_plan.cli import commands
from sheets_plan.jobs import targets
from sheets_plan.backends.google import GoogleBackend, connect
from sheets_plan.jobs.provision import provision
from sheets_plan.backends.retry import RetryPolicy
from sheets_plan_emulators.google import Emulator
from .constants import ROBOT



class Sleeps(list):
    """A fake sleep that remembers how long it was asked to wait."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def wire(monkeypatch, sleeps):
    """Point the CLI's Google backend at a session (an emulator's, or a broken network)."""

    def install(session_of, policy: RetryPolicy | None = None):
        def google_backend(google, folder: str | None = None) -> GoogleBackend:
            client, _ = connect(session=session_of(), per_minute=None)
            client.http_client.configure(policy or RetryPolicy(attempts=3, seed=1), None, sleep=sleeps)
            return GoogleBackend(client, folder=folder, account=ROBOT)

        monkeypatch.setattr(targets, "google_backend", google_backend)

    return install


@pytest.fixture
def emu(wire) -> Emulator:
    emulator = Emulator(service_account=ROBOT)
    wire(emulator.session)
    return emulator


def run(*args: str) -> str:
    """Runs the CLI; checks the failure shape every error must have; returns the one line."""
    result = CliRunner().invoke(commands.cli, list(args))
    assert isinstance(result.exception, SystemExit), result.exception  # not an uncaught exception
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ")
    return lines[0]


def project(emu: Emulator, template) -> tuple[str, str]:
    folder = emu.add_folder("Team drive")
    backend = GoogleBackend(connect(session=emu.session(), per_minute=None)[0], folder=folder)
    return folder, provision(backend, "Coffee", template=template)


def test_spreadsheet_not_found_names_the_account(emu):
    line = run("validate", "NOT_AN_ID")
    assert "NOT_AN_ID" in line and "not found" in line and ROBOT in line


def test_spreadsheet_not_shared_names_the_account(emu, template):
    _, sid = project(emu, template)
    emu.deny(sid)
    line = run("validate", f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0")
    assert sid in line and ROBOT in line and "share" in line


def test_no_access_to_the_folder_names_the_folder(emu):
    folder = emu.add_folder("Team drive")
    emu.deny(folder)
    line = run("provision", "X", "--folder", folder)
    assert f"folder {folder}" in line and ROBOT in line


def test_my_drive_folder_needs_a_shared_drive_or_oauth(emu):
    folder = emu.add_folder("Anna's folder", shared_drive=False)
    line = run("provision", "X", "--folder", folder)
    assert "Shared Drive" in line and "OAuth" in line


def test_quota_exceeded_after_bounded_retries(wire, sleeps):
    emu = Emulator(service_account=ROBOT, quota_per_minute=1, clock=lambda: 0.0)  # time stands still
    wire(emu.session, RetryPolicy(attempts=3, max_wait=0))
    folder = emu.add_folder("Team drive")
    line = run("provision", "X", "--folder", folder)  # files.list takes the minute's only request
    assert "quota" in line
    assert emu.count("drive.files.create", status=429) == 1  # Retry-After exceeds max_wait: no waiting
    assert sleeps == []


class Unreachable(BaseAdapter):
    def __init__(self):
        super().__init__()
        self.sent = 0

    def send(self, request, **kwargs):
        self.sent += 1
        raise requests.ConnectionError(f"Failed to establish a new connection: {request.url}")

    def close(self):
        pass


def test_network_failure_is_one_line(wire, sleeps):
    adapter = Unreachable()

    def offline() -> requests.Session:
        session = requests.Session()
        session.mount("https://", adapter)
        return session

    wire(offline)
    line = run("validate", "1AbCdEf")
    assert "network" in line and "try again" in line
    assert adapter.sent == 3 and len(sleeps) == 2  # retried with backoff, then gave up


def test_no_credentials_is_one_line(monkeypatch, tmp_path):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert "no Google credentials" in run("validate", "1AbCdEf")


def test_unreadable_credentials_is_one_line(monkeypatch, tmp_path):
    key = tmp_path / "key.json"
    key.write_text("{not json")
    monkeypatch.chdir(tmp_path)
    assert "cannot load Google credentials" in run("validate", "1AbCdEf", "--credentials", str(key))


def test_transient_503s_are_retried_and_succeed(emu, template, sleeps):
    folder, sid = project(emu, template)
    emu.requests.clear()
    failures = iter([503, 503])
    emu.inject(lambda request: next(failures, None))
    result = CliRunner().invoke(commands.cli, ["list", "--folder", folder])
    assert result.exit_code == 0, result.output
    assert "Coffee" in result.output and sid in result.output
    assert emu.count("drive.files.list", status=503) == 2 and emu.count("drive.files.list", status=200) == 1
    assert len(sleeps) == 2  # two backoffs, no real waiting


def test_a_create_that_failed_after_making_the_file_is_not_repeated(template):
    """Drive made the file but the answer was lost (503): provisioning looks before creating again."""
    from sheets_plan.backends.google import GoogleBackend, connect
    from sheets_plan.jobs.provision import provision
    from sheets_plan.backends.retry import RetryPolicy
    from sheets_plan_emulators.google import Emulator

    emu = Emulator()
    folder = emu.add_folder("Team")
    client, _ = connect(session=emu.session(), per_minute=None)
    client.http_client.configure(RetryPolicy(seed=1), None, sleep=lambda s: None)
    lost = []

    def lose_answer(request):
        if request.method_id == "drive.files.create" and not lost:
            lost.append(request)               # serve it for real, then answer 503 as if the answer got lost
            emu.handle(request.method, "https://www.googleapis.com" + request.url, request.headers,
                       json.dumps(request.json).encode())
            return 503
        return None

    emu.inject(lose_answer)
    sid = provision(GoogleBackend(client, folder=folder), "Coffee", template=template)
    assert [f["name"] for f in emu.files.values() if f.get("mimeType", "").endswith("spreadsheet")] == ["Coffee"]
    assert sid in emu.spreadsheets
