"""Recorded HTTP conversations ("cassettes") of the product with Google, replayed in CI.

The tests in ``tests/test_cassettes.py`` run the main flows (provision, validate,
summarize) through the product's own library functions on a requests
``Session`` whose transport is a vcrpy cassette. CI replays the committed
YAML files in ``tests/cassettes/`` with ``record_mode="none"``: every request
the product sends must match a recorded one by method, URI and JSON body, and
every recorded request must be sent again. So any change to what the product
sends to Google fails the test and, once re-recorded, shows up in review as a
diff of the cassette.

vcrpy's usual patching of urllib3 cannot see the emulator (a ``requests``
transport adapter), so this module drives vcrpy's ``Cassette`` directly from a
transport adapter of its own that wraps another one: the emulator's when
recording against the emulator, the stock ``HTTPAdapter`` when recording
against Google; when replaying, nothing is wrapped and nothing leaves the test.

Re-recording
------------
Against the emulator (after a deliberate change to the requests)::

    SHEETS_PLAN_RECORD=1 python -m pytest tests/test_cassettes.py

Against Google itself, by a maintainer with real credentials:

1. A service account key (JSON) with the Sheets and Drive APIs enabled in its
   project, and a folder in a **Shared Drive** that the service account is a
   member of (Content manager or Manager). A service account has no Drive
   storage of its own, so it cannot create files in "My Drive". The folder
   must not hold a project named "Coffee" (the test deletes what it makes).
2. Run::

       SHEETS_PLAN_RECORD=google \\
       GOOGLE_APPLICATION_CREDENTIALS=/path/to/key.json \\
       SHEETS_PLAN_TEST_FOLDER=<folder id> \\
       python -m pytest tests/test_cassettes.py

3. Read the diff of ``tests/cassettes/`` before committing it. Secrets are
   stripped when recording (the Authorization header, ``access_token`` and
   ``key`` query parameters, token and key fields of JSON bodies), and
   ``test_cassettes_hold_no_secrets`` checks every cassette again, but the
   e-mail addresses and the folder id of the recording are in the files.

The folder id a cassette was recorded with is kept in the cassette's metadata,
so replay sends exactly the recorded URIs whatever emulator or folder made them.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import os
from typing import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
import yaml
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from vcr import matchers
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.record_mode import RecordMode
from vcr.request import Request
from vcr.serializers import yamlserializer

RECORD_ENV = "SHEETS_PLAN_RECORD"         # unset: replay; "1": record on the emulator; "google": on Google
FOLDER_ENV = "SHEETS_PLAN_TEST_FOLDER"    # the Shared Drive folder id, when recording on Google
MATCH_ON = (matchers.method, matchers.uri, matchers.body)

SECRET_PARAMS = {"access_token", "key"}
SECRET_FIELDS = {"access_token", "refresh_token", "id_token", "private_key", "private_key_id", "client_secret",
                 "assertion"}
KEPT_REQUEST_HEADERS = {"content-type"}             # what the body matcher needs; never Authorization
KEPT_RESPONSE_HEADERS = {"content-type", "retry-after"}


def record_mode() -> str:
    """``"none"`` (replay; the default), or ``"all"`` when ``SHEETS_PLAN_RECORD`` asks to record."""
    return "all" if os.environ.get(RECORD_ENV, "").strip() not in ("", "0") else "none"


def recording_google() -> bool:
    return os.environ.get(RECORD_ENV, "").strip().lower() == "google"


# ------------------------------------------------------------------ filters (idempotent: also run on replay)
def _pretty_json(body: bytes | str | None, personal: bool = False) -> bytes | str | None:
    """JSON bodies stored one field per line, secrets dropped (and, in responses, contacts' data
    masked), so reviews read a line diff."""
    if not body:
        return body
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body
    data = _mask_grid(data) if personal else data
    return json.dumps(_scrub(data), ensure_ascii=False, indent=1).encode("utf-8")


def _scrub(data):
    if isinstance(data, dict):
        return {k: _scrub(v) for k, v in data.items() if k not in SECRET_FIELDS}
    if isinstance(data, list):
        return [_scrub(v) for v in data]
    return data


def _strip_query(uri: str) -> str:
    parts = urlsplit(uri)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(k in SECRET_PARAMS for k, _ in pairs):
        return uri  # untouched: re-encoding could change what was sent
    query = urlencode([(k, v) for k, v in pairs if k not in SECRET_PARAMS])
    return urlunsplit(parts._replace(query=query))


def clean_request(request: Request) -> Request:
    headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_REQUEST_HEADERS}
    return Request(request.method, _strip_query(request.uri), _pretty_json(request.body), headers)


def clean_response(response: dict) -> dict:
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() in KEPT_RESPONSE_HEADERS}
    response["body"]["string"] = _pretty_json(response["body"]["string"], personal=True)
    return response


@functools.lru_cache(maxsize=1)
def _personal_columns() -> tuple[frozenset[str], dict[str, str]]:
    """The Leads tab's titles, and the header labels of its personal columns -> their type."""
    from sheets_plan.core.template_load import load
    from sheets_plan.core.cells import norm

    tab = load().optional_tab("leads")
    if tab is None:
        return frozenset(), {}
    return frozenset(tab.titles.values()), {norm(label): c.type for c in tab.columns if c.personal
                                            for label in c.labels.values()}


def _mask_grid(data):
    """A spreadsheets.get response with grid data, the Leads tab's personal cells masked (as the
    product prints them): a cassette holds no contact's data."""
    from sheets_plan.core.personal import mask
    from sheets_plan.core.cells import norm

    titles, kinds = _personal_columns()
    for sheet in data.get("sheets", []) if isinstance(data, dict) else []:
        if sheet.get("properties", {}).get("title") not in titles:
            continue
        for grid in sheet.get("data", []):
            rows = grid.get("rowData", [])
            header = [_text(c) for c in (rows[0].get("values", []) if rows else [])]
            columns = {i: kinds[norm(h)] for i, h in enumerate(header) if norm(h) in kinds}
            for row in rows[1:]:
                for i, cell in enumerate(row.get("values", [])):
                    if i in columns:
                        _mask_cell(cell, lambda v, kind=columns[i]: mask(v, kind))
    return data


def _text(cell: dict) -> str:
    for key in ("userEnteredValue", "effectiveValue"):
        if "stringValue" in cell.get(key, {}):
            return cell[key]["stringValue"]
    return cell.get("formattedValue") or ""


def _mask_cell(cell: dict, masked):
    for key in ("userEnteredValue", "effectiveValue"):
        if "stringValue" in cell.get(key, {}):
            cell[key]["stringValue"] = masked(cell[key]["stringValue"])
    for key in ("formattedValue", "hyperlink"):
        if key in cell:
            cell[key] = masked(cell[key])


# ------------------------------------------------------------------ YAML: vcrpy's format, multi-line text as blocks
class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


class Serializer:
    """vcrpy's YAML cassette format (read back by vcrpy's own loader), JSON bodies as literal blocks."""

    deserialize = staticmethod(yamlserializer.deserialize)

    @staticmethod
    def serialize(cassette_dict) -> str:
        return yaml.dump(cassette_dict, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)


# ------------------------------------------------------------------ the transport
class CassetteAdapter(BaseAdapter):
    """Replays from ``cassette``, or, in a record mode, forwards to ``inner`` and records."""

    def __init__(self, cassette: Cassette, inner: BaseAdapter | None):
        super().__init__()
        self.cassette, self.inner = cassette, inner

    def send(self, request: requests.PreparedRequest, **kwargs) -> requests.Response:
        body = request.body.encode("utf-8") if isinstance(request.body, str) else request.body
        asked = Request(request.method, request.url, body, dict(request.headers))
        if self.cassette.can_play_response_for(asked):
            return _response(self.cassette.play_response(asked), request, self)
        if self.cassette.write_protected or self.inner is None:
            error = CannotOverwriteExistingCassetteException(cassette=self.cassette, failed_request=asked)
            error.add_note(f"sheets-plan: after a deliberate change, re-record with {RECORD_ENV}=1 "
                           f"(see emulators/sheets_plan_emulators/google/cassette.py)")
            raise error
        got = self.inner.send(request, **kwargs)
        recorded = {"status": {"code": got.status_code, "message": got.reason or ""},
                    "headers": {k: [v] for k, v in got.headers.items()}, "body": {"string": got.content}}
        self.cassette.append(asked, copy.deepcopy(recorded))
        self.cassette._save()
        # The product goes on with the response as the cassette holds it (contacts' data masked), so
        # what it sends next is what it will send on replay.
        return _response(clean_response(recorded), request, self)

    def close(self):
        if self.inner is not None:
            self.inner.close()


def _response(recorded: dict, request: requests.PreparedRequest, adapter: BaseAdapter) -> requests.Response:
    resp = requests.Response()
    resp.status_code = recorded["status"]["code"]
    resp.reason = recorded["status"]["message"]
    resp.headers = CaseInsensitiveDict({k: ", ".join(v) for k, v in recorded["headers"].items()})
    resp._content = recorded["body"]["string"] or b""
    resp._content_consumed = True
    resp.encoding = "utf-8"
    resp.url, resp.request, resp.connection = request.url, request, adapter
    return resp


def cassette_session(path, *, record_mode: str = "none", inner: requests.Session | None = None) -> requests.Session:
    """A Session whose every request goes through the cassette at ``path``.

    ``record_mode="none"``: replay only; a request that is not in the cassette raises vcrpy's
    ``CannotOverwriteExistingCassetteException`` and ``inner`` is never consulted.
    ``record_mode="all"``: a fresh recording (the old file is overwritten, and saved after each
    request); each request goes through ``inner``'s adapters (the emulator's session, or an
    AuthorizedSession for Google; default: a plain Session), and its session-level behaviour
    (auth headers) is kept. ``inner`` itself is returned, its adapters wrapped; the cassette is
    its ``.cassette``."""
    record_mode = RecordMode(record_mode)
    make = Cassette if record_mode == RecordMode.ALL else Cassette.load  # a re-recording starts empty
    cassette = make(path=str(path), record_mode=record_mode, match_on=MATCH_ON, serializer=Serializer,
                    before_record_request=clean_request, before_record_response=clean_response)
    session = inner if inner is not None else requests.Session()
    for prefix, adapter in list(session.adapters.items()):
        session.mount(prefix, CassetteAdapter(cassette, None if record_mode == RecordMode.NONE else adapter))
    session.cassette = cassette
    return session


@contextlib.contextmanager
def use_cassette(path, *, record_mode: str = "none", inner: requests.Session | None = None
                 ) -> Iterator[requests.Session]:
    """``cassette_session`` for a block; on replay, every recorded request must have been sent."""
    session = cassette_session(path, record_mode=record_mode, inner=inner)
    yield session
    cassette = session.cassette
    if cassette.record_mode == RecordMode.NONE:
        unplayed = [r for i, r in enumerate(cassette.requests) if not cassette.play_counts[i]]
        if unplayed:
            raise AssertionError(f"{path}: {len(unplayed)} recorded request(s) were not sent, the first: "
                                 f"{unplayed[0].method} {unplayed[0].uri}")
    else:
        cassette._save(force=True)


def google_session(credentials: str | None = None) -> requests.Session:
    """An AuthorizedSession (stock ``HTTPAdapter``s) on the real Google APIs, from a service-account
    key file (default: ``GOOGLE_APPLICATION_CREDENTIALS``). Its token requests go through a session
    of google-auth's own, so they are never recorded."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    from sheets_plan.backends.google import SCOPES

    path = credentials or os.environ["GOOGLE_APPLICATION_CREDENTIALS"]
    return AuthorizedSession(service_account.Credentials.from_service_account_file(path, scopes=SCOPES))
