"""The main flows on the Google path, replayed from committed vcrpy cassettes (tests/cassettes/*.yaml).

The committed cassettes were recorded against the project's emulator, not against Google
itself (no machine here reaches Google): they pin what the product SENDS; what Google
answers is only as faithful as the emulator until a maintainer re-records with
SHEETS_PLAN_RECORD=google.

CI replays (record_mode "none"): a request the product no longer sends the same way, by
method, URI or JSON body, fails here. Re-record after a deliberate change: see the docstring
of emulators/sheets_plan_emulators/google/cassette.py (SHEETS_PLAN_RECORD=1 on the emulator, =google on Google).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from pathlib import Path

import pytest
import requests
from requests.adapters import BaseAdapter
from vcr.errors import CannotOverwriteExistingCassetteException

from sheets_plan.jobs import project as jobs
from sheets_plan.jobs.demo import fill_rows, sample_leads, sample_rows
from sheets_plan.backends.google import DRIVE_FILES, GoogleBackend, connect
from sheets_plan.jobs.provision import provision
from sheets_plan_emulators.google.cassette import (
    FOLDER_ENV, cassette_session, clean_response, google_session, record_mode, recording_google, use_cassette,
)
from sheets_plan_emulators.google import Emulator
from .constants import AS_OF, GOOGLE_ADMINS as ADMINS, ROBOT, RUN_AT

CASSETTES = Path(__file__).parent / "cassettes"
SECRETS = ("Bearer", "private_key", "-----BEGIN", "access_token", "refresh_token", "emulator-token")


def _emulator() -> Emulator:
    """Deterministic: ids come from a counter, and the clock is fixed."""
    emu = Emulator(service_account=ROBOT)
    emu.drive.now = lambda: dt.datetime(2026, 3, 16, 9, 0, tzinfo=dt.timezone.utc)
    return emu


@contextlib.contextmanager
def flow(name: str, template, *, project: bool = False):
    """A GoogleBackend whose traffic goes through tests/cassettes/NAME.yaml; yields (backend, sid).

    With ``project``, a "Coffee" project with the sample rows typed in is made first, outside the
    cassette (what admins left behind is set-up, not the flow); its id is kept in the cassette's
    metadata, as is the folder's, so replay needs neither an emulator nor Google."""
    mode, sid = record_mode(), None
    if recording_google():
        inner, folder = google_session(), os.environ[FOLDER_ENV]
    elif mode == "all":
        emu = _emulator()
        inner, folder = emu.session(), emu.add_folder("Team drive")
    else:
        inner, folder = None, None  # replay: no emulator at all
    if project and inner is not None:
        sid = filled_project(GoogleBackend(connect(session=inner, per_minute=None)[0], folder=folder), template)
    with use_cassette(CASSETTES / f"{name}.yaml", record_mode=mode, inner=inner) as session:
        folder = session.cassette.get_metadata("folder", folder)
        sid = session.cassette.get_metadata("spreadsheet", sid) if project else None
        client, _ = connect(session=session, per_minute=None)
        yield GoogleBackend(client, folder=folder, account=ROBOT), sid
    if recording_google():  # leave the maintainer's folder as it was (not recorded)
        cleanup = google_session()
        for ref in GoogleBackend(connect(session=cleanup)[0], folder=folder).projects():
            if ref.project == "Coffee":
                cleanup.delete(f"{DRIVE_FILES}/{ref.id}", params={"supportsAllDrives": "true"})


def filled_project(backend: GoogleBackend, template) -> str:
    sid = provision(backend, "Coffee", admins=ADMINS, locale="ru", template=template)
    plan, account = sample_rows(template, "ru", AS_OF)
    fill_rows(backend, sid, template, plan, account, sample_leads(template, "ru", AS_OF))
    return sid


def recorded(name: str) -> list[str]:
    """The recorded requests, as "METHOD last-part-of-the-path"."""
    session = cassette_session(CASSETTES / f"{name}.yaml")
    return [f"{r.method} {r.path.rsplit('/', 1)[-1]}" for r in session.cassette.requests]


# ------------------------------------------------------------------ the flows
@pytest.mark.slow
def test_provision_flow(template):
    with flow("provision", template) as (backend, _):
        sid = provision(backend, "Coffee", admins=ADMINS, locale="ru", template=template)
    # The budget (docs/google.md): 1 files.list (is it there already?) + 1 files.create + 1 batchUpdate + 1 share per admin
    assert recorded("provision") == ["GET files", "POST files", f"POST {sid}:batchUpdate",
                                     "POST permissions", "POST permissions"]


def test_validate_flow(template):
    with flow("validate", template, project=True) as (backend, sid):
        report = jobs.validate(backend, sid, template=template, as_of=AS_OF, run_at=RUN_AT)
    assert report.rows_checked > 0 and report.errors > 0  # sample rows are left incomplete on purpose
    assert recorded("validate") == [f"GET {sid}", f"GET {sid}", f"POST {sid}:batchUpdate"]  # 2 reads, 1 write


@pytest.mark.slow
def test_summarize_flow(template):
    with flow("summarize", template, project=True) as (backend, sid):
        figures = jobs.summarize(backend, sid, template=template, as_of=AS_OF)
    assert len(figures) >= 8
    assert recorded("summarize") == [f"GET {sid}", f"GET {sid}", f"POST {sid}:batchUpdate"]


# ------------------------------------------------------------------ the machinery
class Refuses(BaseAdapter):
    def send(self, request, **kwargs):
        raise AssertionError(f"replay consulted the wrapped adapter: {request.method} {request.url}")

    def close(self):
        pass


def refusing_session() -> requests.Session:
    session = requests.Session()
    session.mount("https://", Refuses())
    return session


@pytest.mark.slow
def test_replay_never_consults_the_wrapped_adapter(template):
    session = cassette_session(CASSETTES / "provision.yaml", record_mode="none", inner=refusing_session())
    folder = session.cassette.get_metadata("folder", None)
    backend = GoogleBackend(connect(session=session, per_minute=None)[0], folder=folder)
    assert provision(backend, "Coffee", admins=ADMINS, locale="ru", template=template)


@pytest.mark.slow
def test_a_changed_request_fails_replay(template):
    session = cassette_session(CASSETTES / "provision.yaml", record_mode="none", inner=refusing_session())
    backend = GoogleBackend(connect(session=session, per_minute=None)[0],
                            folder=session.cassette.get_metadata("folder", None))
    with pytest.raises(CannotOverwriteExistingCassetteException):
        provision(backend, "Coffee", admins=["someone.else@agency.com"], locale="ru", template=template)


def test_an_unsent_recorded_request_fails_replay(template):
    with pytest.raises(AssertionError, match="not sent"):
        with use_cassette(CASSETTES / "provision.yaml") as session:
            backend = GoogleBackend(connect(session=session, per_minute=None)[0],
                                    folder=session.cassette.get_metadata("folder", None))
            backend.projects()  # only the first of the recorded requests


def test_a_missing_cassette_fails_replay(tmp_path):
    session = cassette_session(tmp_path / "nothing.yaml", record_mode="none", inner=refusing_session())
    with pytest.raises(CannotOverwriteExistingCassetteException):
        session.get(DRIVE_FILES)


def test_recording_strips_secrets(tmp_path):
    """Authorization, access_token/key parameters and token fields never reach the file."""
    emu = _emulator()
    path = tmp_path / "secret.yaml"
    with use_cassette(path, record_mode="all", inner=emu.session()) as session:
        folder = emu.add_folder("Team drive")
        session.get(DRIVE_FILES, params={"q": f"'{folder}' in parents", "key": "AIzaSECRET",
                                         "access_token": "ya29.SECRET"})
    text = path.read_text()
    assert "SECRET" not in text and "emulator-token" not in text and "Bearer" not in text
    assert "q=%27" in text
    # a token response body (as google-auth's token endpoint answers) loses its token fields
    body = json.dumps({"access_token": "ya29.x", "refresh_token": "1//x", "expires_in": 3599}).encode()
    cleaned = clean_response({"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": body}})
    assert json.loads(cleaned["body"]["string"]) == {"expires_in": 3599}


def test_cassettes_hold_no_secrets():
    files = sorted(CASSETTES.glob("*.yaml"))
    assert {f.stem for f in files} >= {"provision", "validate", "summarize"}
    for f in files:
        text = f.read_text(encoding="utf-8")
        for secret in SECRETS:
            assert secret.lower() not in text.lower(), f"{f.name} holds {secret!r}"
