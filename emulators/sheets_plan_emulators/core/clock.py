"""A clock that a test moves: the emulator's rate limit and the client's pauses read the same time,
so a run of 300 requests at 7 a second takes no wall-clock time and its pauses are exact."""

from __future__ import annotations


class FakeClock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)

    def advance(self, seconds: float) -> None:
        self.now += seconds
