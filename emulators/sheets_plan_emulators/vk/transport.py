"""The HTTP edge: requests as recorded, the ``requests`` transport adapter, the no-network guard."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


# The in-process transport adapter is the Google emulator's: (method, url, headers, body) -> response.
from sheets_plan_emulators.core.transport import Adapter, NoNetwork, Serve

__all__ = ["Adapter", "Serve", "VkRequest", "Fault", "NoNetwork"]


@dataclass
class VkRequest:
    """One method call as the emulator received it; a call inside ``execute`` is recorded too, after it."""

    method: str                                         # "wall.getById", "execute"
    params: dict[str, str] = field(default_factory=dict)   # as sent, without access_token
    error: int | None = None                            # the error code answered; None: a response
    batched: bool = False                               # one of an execute's calls
    refused: str | None = None                          # what the emulator does not emulate (HTTP 501)


# A fault hook: called with each call (an execute's too), returns a VK error code to answer instead, or None.
Fault = Callable[[VkRequest], "int | None"]


