"""A service's rate limit: at most `per_second` requests in any second of the clock. A refused
request takes no place, so a client that waits and retries gets through."""

from __future__ import annotations

from collections import deque
from typing import Callable


class Pace:
    def __init__(self, per_second: int, clock: Callable[[], float]):
        self.per_second, self.clock = per_second, clock
        self.sent: deque[float] = deque()

    def take(self) -> bool:
        """Whether one more request fits now (and if so, it is counted)."""
        now = self.clock()
        while self.sent and self.sent[0] <= now - 1:
            self.sent.popleft()
        if len(self.sent) >= self.per_second:
            return False
        self.sent.append(now)
        return True
