"""The Emulator's side that tests hold: set-up without HTTP, behaviour hooks, counts and clients.

A mixin of ``server.Emulator``: it reaches the state (``Store``) and the request pipeline
(``handle``, the fault hooks it reads) the Emulator holds. The URLs and the token live here
because the clients need them; ``server`` exports them.
"""

from __future__ import annotations

import requests

from sheets_plan import model
from .drive_query import SPREADSHEET
from .drive_state import Drive
from .state import Store
from .transport import Adapter, Fault, NoNetwork, RecordedRequest

SHEETS_URL = "https://sheets.googleapis.com/"
DRIVE_URL = "https://www.googleapis.com/"
TOKEN = "emulator-token"


class Harness:
    """State shortcuts, set-up helpers, behaviour hooks, counts, and sessions/clients onto ``handle``."""

    store: Store
    requests: list[RecordedRequest]
    _fault: Fault | None
    _failing: dict[str, int]

    # ------------------------------------------------------------------ state shortcuts
    @property
    def identity(self) -> str:
        return self.store.identity

    @property
    def drive(self) -> Drive:
        return self.store.drive

    @property
    def spreadsheets(self) -> dict[str, model.Spreadsheet]:
        return self.store.spreadsheets

    @property
    def files(self) -> dict[str, dict]:
        """Drive file metadata by id (Google-shaped File resources)."""
        return self.drive.files

    @property
    def permissions(self) -> dict[str, list[dict]]:
        return self.drive.permissions

    def add_folder(self, name: str, shared_drive: bool = True, parent: str | None = None) -> str:
        """See ``Drive.add_folder``: a shared drive (default) or a person's "My Drive" folder
        shared with the service account; with ``parent``, a sub-folder."""
        return self.drive.add_folder(name, shared_drive, parent)

    def create_spreadsheet(self, title: str = "Untitled spreadsheet", folder_id: str | None = None, *,
                           locale: str | None = None, time_zone: str | None = None,
                           app_properties: dict[str, str] | None = None,
                           sheets: tuple[str, ...] = ("Sheet1",)) -> str:
        """Set-up helper (no HTTP, no quota, no storage rule): a spreadsheet and its Drive file."""
        parent = folder_id or self.drive.root_id
        holder = self.drive.files.get(parent) or self.drive._drive_root(parent)
        if holder is None:
            raise KeyError(parent)
        sid = self.drive._new_id()
        rec = self.drive._record(sid, title, SPREADSHEET, [parent], drive_id=holder.get("driveId"),
                                 app_properties=app_properties)
        self.drive.files[sid] = rec
        self.drive.permissions[sid] = self.drive._initial_permissions(holder.get("driveId"))
        self.spreadsheets[sid] = self.store.new_spreadsheet(sid, title, locale, time_zone, sheets)
        return sid

    # ------------------------------------------------------------------ behaviour hooks
    def inject(self, fault: Fault | None) -> None:
        """Install a fault hook: called with each request, returns a status to answer instead of
        serving it (429/500/503/403...) or None to serve. ``inject(None)`` removes it."""
        self._fault = fault

    def fail_spreadsheet(self, sid: str, status: int = 403) -> None:
        """Every request about this file (Sheets or Drive, by id in the path) fails with ``status``."""
        self._failing[sid] = status

    def deny(self, file_id: str) -> None:
        """The account loses access to this file/folder (and everything below it): Drive answers
        404 "File not found", Sheets 403 PERMISSION_DENIED, as Google does."""
        self.drive.denied.add(file_id)

    def allow(self, file_id: str) -> None:
        self.drive.denied.discard(file_id)

    def count(self, method_id: str | None = None, *, status: int | None = None) -> int:
        """How many requests were received (of one discovery method, with one status)."""
        return sum(1 for r in self.requests
                   if (method_id is None or r.method_id == method_id) and (status is None or r.status == status))

    # ------------------------------------------------------------------ clients
    def session(self, authorized: bool = True) -> requests.Session:
        """A Session whose Google traffic goes to this emulator (other hosts: ConnectionError).
        ``authorized``: a google-auth AuthorizedSession with a never-expiring token; otherwise a
        bare Session that sends no Authorization header (-> 401)."""
        if authorized:
            from google.auth.transport.requests import AuthorizedSession
            from google.oauth2.credentials import Credentials
            session: requests.Session = AuthorizedSession(Credentials(token=TOKEN))
        else:
            session = requests.Session()
        blocked = NoNetwork("emulator")  # anything that is not Sheets or Drive must not leave the test
        session.mount("https://", blocked)
        session.mount("http://", blocked)
        adapter = Adapter(self.handle)
        session.mount(SHEETS_URL, adapter)
        session.mount(DRIVE_URL, adapter)
        return session

    def client(self, http_client=None):
        """A real ``gspread.Client`` talking to this emulator."""
        import gspread
        from google.oauth2.credentials import Credentials

        kwargs = {"http_client": http_client} if http_client is not None else {}
        return gspread.Client(auth=Credentials(token=TOKEN), session=self.session(), **kwargs)
