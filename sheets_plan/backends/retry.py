"""Bounded retries and client-side pacing for Google API calls.

gspread 6.2.1's BackOffHTTPClient retries forever; a weekly
job must give up on a project at some point and go on with the others.
Here: at most `attempts` tries and `max_wait` seconds of waiting, with
exponential backoff, full jitter, and the server's Retry-After honored.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

import requests
from google.auth.exceptions import TransportError
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

RETRIED = {408, 429, 500, 502, 503, 504}
NETWORK = (requests.ConnectionError, requests.Timeout, TransportError)


@dataclass
class RetryPolicy:
    attempts: int = 6          # tries in all, the first included
    base: float = 1.0          # first backoff, seconds
    cap: float = 32.0          # longest single backoff
    max_wait: float = 120.0    # most waiting for one request, in all
    seed: int | None = None

    def __post_init__(self):
        self.rng = random.Random(self.seed)

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return self.rng.uniform(0, min(self.cap, self.base * 2 ** attempt))  # "full jitter"


@dataclass
class Pacer:
    """At most `per_minute` requests in any 60 s window (the per-user quota)."""

    per_minute: int = 60
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    sent: deque = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)  # shared by --jobs threads

    def wait(self):
        while True:
            with self.lock:
                now = self.clock()
                while self.sent and now - self.sent[0] >= 60:
                    self.sent.popleft()
                if len(self.sent) < self.per_minute:
                    self.sent.append(now)
                    return
                pause = 60 - (now - self.sent[0]) + 0.01
            self.sleep(pause)


def retry_after(response) -> float | None:
    value = (response.headers or {}).get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


class ReliableHTTPClient(HTTPClient):
    """gspread's HTTP client with pacing and bounded, jittered retries."""

    policy: RetryPolicy
    pacer: Pacer | None
    sleep: Callable[[float], None]

    def configure(self, policy: RetryPolicy, pacer: Pacer | None, sleep=time.sleep) -> "ReliableHTTPClient":
        self.policy, self.pacer, self.sleep = policy, pacer, sleep
        return self

    def request(self, *args, **kwargs):
        return self.call(lambda: HTTPClient.request(self, *args, **kwargs))

    def call(self, send: Callable[[], Any], before_retry: Callable[[], Any] | None = None):
        """`send()` paced and retried. `before_retry()`, for requests that must not be
        repeated blindly (creating a file): a result other than None ends the retries."""
        waited = 0.0
        for attempt in range(self.policy.attempts):
            if self.pacer:
                self.pacer.wait()
            try:
                return send()
            except APIError as e:
                if e.code not in RETRIED:
                    raise
                last, after = e, retry_after(e.response)
            except NETWORK as e:
                last, after = e, None
            delay = self.policy.delay(attempt, after)
            if attempt + 1 == self.policy.attempts or waited + delay > self.policy.max_wait:
                break
            self.sleep(delay)
            waited += delay
            found = before_retry() if before_retry else None
            if found is not None:
                return found
        raise last
