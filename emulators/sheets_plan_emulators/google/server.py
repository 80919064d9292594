"""The Emulator: set-up helpers, clients, and the request pipeline (auth, quota, faults,
discovery validation, dispatch to the per-area handlers, field masks).

The Emulator holds the state; what it does is in two mixins: ``harness`` (what tests call:
set-up, behaviour hooks, counts, clients) and ``pipeline`` (serving a request)."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable

from .drive_api import DriveApi
from .harness import DRIVE_URL, SHEETS_URL, TOKEN, Harness
from .pipeline import Pipeline
from .sheets_api import SheetsApi
from .state import Store
from .transport import Call, Fault, RecordedRequest
from .values_api import ValuesApi

__all__ = ["Emulator", "SHEETS_URL", "DRIVE_URL", "TOKEN"]


class Emulator(Harness, Pipeline):
    """Google Sheets v4 + Drive v3, in memory, strict like Google: the request pipeline over handlers
    per API area (``SheetsApi``, ``ValuesApi``, ``DriveApi``) that share one state (``Store``)."""

    def __init__(self, *, service_account: str | None = "robot@project.iam.gserviceaccount.com",
                 quota_per_minute: int | None = None, clock: Callable[[], float] | None = None,
                 locale: str = "en_US", time_zone: str = "Etc/GMT"):
        """``service_account=None`` acts as a person (OAuth user credentials): such an account has
        storage in "My Drive". ``locale``/``time_zone`` are the account's defaults for new
        spreadsheets. Formulas are computed by ``formulas.Evaluator`` when values are read."""
        self.store = Store(service_account or "user@example.com", service_account is not None, locale, time_zone)
        self.requests: list[RecordedRequest] = []
        self.quota_per_minute = quota_per_minute
        self.clock = clock or time.monotonic
        self._window: deque[float] = deque()
        self._fault: Fault | None = None
        self._failing: dict[str, int] = {}
        values = ValuesApi(self.store)
        self._handlers: dict[str, Callable[[Call], tuple[int, Any]]] = {
            **SheetsApi(self.store).routes(), **values.routes(), **DriveApi(self.store, values).routes()}
