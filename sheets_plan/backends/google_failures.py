"""Google's API and network failures, as one line a person can act on (a RunError).

Shared by the Sheets calls (``google``) and the Drive calls (``google_drive``).
"""

from __future__ import annotations

import functools

import requests
from google.auth.exceptions import RefreshError, TransportError
from gspread.exceptions import APIError

from sheets_plan.errors import RunError


def google_errors(fn):
    """API and network failures -> one RunError line a person can act on."""

    @functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except APIError as e:
            raise RunError(self.explain(e, args[0] if args else "")) from None
        except RefreshError:
            raise RunError("Google rejected the credentials (expired, revoked or wrong key?)") from None
        except (requests.ConnectionError, requests.Timeout, TransportError) as e:
            raise RunError(f"network error talking to Google ({type(e).__name__}); try again later") from None

    return wrapper


def explain(e: APIError, target: str, account: str) -> str:
    """What an API error means for `target`, said to the person running the tool as `account`."""
    reason = ",".join(x.get("reason", "") for x in e.error.get("errors", []) if isinstance(x, dict))
    who = f" with {account}" if account else " with the account the tool runs as"
    if "storageQuotaExceeded" in reason or "storage quota" in e.error.get("message", ""):
        return ("a service account has no Drive storage of its own: pass --folder with the ID of a folder "
                "inside a Shared Drive (the service account a member of it), or use OAuth user credentials")
    if e.code == 404:
        return f"{target}: not found, or not shared{who} (share it as Editor)"
    if e.code == 403:
        return f"{target}: no access; share it{who} as Editor"
    if e.code == 429:
        return "Google API quota exceeded (60 requests per minute per user) even after retries; try again later"
    if e.code == 401:
        return "Google rejected the credentials (expired or revoked key?)"
    return f"{target}: Google API error {e.code}: {e.error.get('message', '')}"
