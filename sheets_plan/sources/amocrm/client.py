"""AmoCRM's API v4, thin: one account, its long-lived token, at most 7 requests a second, bounded
retries on 429 and 5xx, lists paged until ``_links.next`` is absent (204: an empty list), and every
failure one line (RunError, exit 2) saying what to do. The token is only ever in a header: never in
a URL, a message or a log."""

from __future__ import annotations

import time
from collections import deque
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import requests

from sheets_plan.errors import RunError

PER_SECOND = 7          # AmoCRM's limit per account; above it 429, and repeated abuse blocks the IP
PAGE = 250              # the most a list page holds
TRIES = 6               # a request, then up to 5 retries: 1, 2, 4, 8, 16 s apart
TIMEOUT = 60
TOKEN_HELP = ("make a new long-lived token in AmoCRM (Settings → Integrations → your private integration → "
              "Keys and scopes) and put it in {where}")


new_session = requests.Session  # how a client gets its session when given none (tests put an emulator's here)


class AmoClient:
    """Requests to one account. `session`: a requests.Session (tests: an emulator's); `clock` and
    `sleep`: the pace's time (tests: a clock they move)."""

    def __init__(self, subdomain: str, token: str, *, domain: str = "amocrm.ru", session=None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 token_where: str = "the team file's token setting"):
        if not token:
            raise RunError(f"AmoCRM «{subdomain}»: no token: " + TOKEN_HELP.format(where=token_where))
        self.subdomain, self.host = subdomain, f"{subdomain}.{domain}"
        self.base = f"https://{self.host}/api/v4/"
        self.session = session or new_session()
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/hal+json"}
        self.clock, self.sleep, self.token_where = clock, sleep, token_where
        self.sent: deque[float] = deque()
        self.requests = 0       # requests sent, retries included

    # ---------------------------------------------------------------- one request
    def call(self, method: str, path: str, *, params: dict | list | None = None, body: Any = None,
             again: bool = True) -> Any:
        """The answer's JSON (None for 204). `path`: relative to /api/v4/, or an absolute URL of this
        account (a page's ``_links.next``). `again=False`: no retry after a 5xx or a lost connection
        (a write that may have landed is not sent twice; 429 means it was not done, and is retried)."""
        url = path if path.startswith("https://") else self.base + path
        if urlsplit(url).hostname != self.host:  # a next link elsewhere would carry the token away
            raise RunError(f"AmoCRM «{self.subdomain}»: a page link points at another host ({urlsplit(url).hostname})")
        for attempt in range(TRIES):
            self._pace()
            try:
                resp = self.session.request(method, url, params=params, json=body, headers=self._headers,
                                            timeout=TIMEOUT)
            except requests.RequestException as e:
                if attempt == TRIES - 1 or not again:
                    raise RunError(f"AmoCRM «{self.subdomain}» does not answer ({type(e).__name__}); "
                                   "try again later") from None
                self.sleep(2 ** attempt)
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == TRIES - 1 or (resp.status_code != 429 and not again):
                    raise RunError(f"AmoCRM «{self.subdomain}» answers {resp.status_code} after {TRIES} tries; "
                                   "try again later")
                self.sleep(_wait(resp, attempt))
                continue
            return self._answer(resp, method, path)
        raise AssertionError("unreachable")

    def _answer(self, resp, method: str, path: str) -> Any:
        status = resp.status_code
        what = urlsplit(path).path.removeprefix("/api/v4/") or path
        if status == 204:
            return None
        if status == 401:
            raise RunError(f"AmoCRM «{self.subdomain}»: the token was refused (401: expired or revoked): "
                           + TOKEN_HELP.format(where=self.token_where))
        if status == 403:
            raise RunError(f"AmoCRM «{self.subdomain}»: the token has no rights to {what} (403): give the "
                           "integration's user access to it in AmoCRM (Settings → Users → rights)")
        if status == 402:
            raise RunError(f"AmoCRM «{self.subdomain}»: the account's subscription has ended (402)")
        if status >= 400:
            raise RunError(f"AmoCRM «{self.subdomain}»: {method} {what} was refused ({status}: {_detail(resp)})")
        try:
            return resp.json()
        except ValueError:
            raise RunError(f"AmoCRM «{self.subdomain}»: {what} answered no JSON ({status})") from None

    def _pace(self) -> None:
        """At most PER_SECOND requests in any second: wait for the oldest of the last ones to age."""
        now = self.clock()
        while self.sent and self.sent[0] <= now - 1:
            self.sent.popleft()
        if len(self.sent) >= PER_SECOND:
            self.sleep(self.sent[0] + 1 - now + 0.001)
            now = self.clock()
            while self.sent and self.sent[0] <= now - 1:
                self.sent.popleft()
        self.sent.append(now)
        self.requests += 1

    # ---------------------------------------------------------------- lists
    def pages(self, path: str, key: str, params: dict | list | None = None, limit: int = PAGE) -> Iterator[list[dict]]:
        """Each page's `_embedded[key]`, following `_links.next` until it is absent (204: no more)."""
        params = list(params.items()) if isinstance(params, dict) else list(params or [])
        data = self.call("GET", path, params=params + [("limit", limit)])
        while data is not None:
            yield (data.get("_embedded") or {}).get(key, [])
            following = ((data.get("_links") or {}).get("next") or {}).get("href")
            data = self.call("GET", following) if following else None

    def all(self, path: str, key: str, params: dict | list | None = None, limit: int = PAGE) -> list[dict]:
        return [row for page in self.pages(path, key, params, limit) for row in page]


def _wait(resp, attempt: int) -> float:
    try:
        return max(float(resp.headers.get("Retry-After", "")), 1.0)
    except ValueError:
        return float(2 ** attempt)


def _detail(resp) -> str:
    """The problem's title and the paths of validation errors: never a value (it may be a contact's)."""
    try:
        data = resp.json()
    except ValueError:
        return resp.reason or "no detail"
    paths = [e.get("path", "") for v in data.get("validation-errors") or [] for e in v.get("errors") or []]
    title = str(data.get("title") or data.get("detail") or resp.reason)
    return title + (f"; fields: {', '.join(paths[:5])}" if paths else "")
