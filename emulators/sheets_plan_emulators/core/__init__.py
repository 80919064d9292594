"""What every emulator shares (moto's core): the transport edge, a clock, a pace, strict schemas."""

from .clock import FakeClock
from .pace import Pace
from .schemas import SchemaProblem, strict
from .transport import Adapter, NoNetwork, Serve, session_for

__all__ = ["Adapter", "NoNetwork", "Serve", "session_for", "FakeClock", "Pace", "SchemaProblem", "strict"]
