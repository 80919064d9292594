"""Shared set-up for tests that run the Google path against the emulator."""


from sheets_plan.backends.google import GoogleBackend, connect
from sheets_plan_emulators.google import Emulator
from .constants import ROBOT



def google_backend(emu: Emulator, folder: str, **kw) -> GoogleBackend:
    client, _ = connect(session=emu.session(), per_minute=None)
    return GoogleBackend(client, folder=folder, account=ROBOT, **kw)


def schema_errors(emu: Emulator) -> list:
    """Requests the emulator refused as Google would (400: discovery schema, bad field)."""
    return [(r.method, r.url, r.status) for r in emu.requests if r.status == 400]
