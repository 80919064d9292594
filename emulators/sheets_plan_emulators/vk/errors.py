"""VK's error answers, and the emulator's refusal of what it does not emulate."""

from __future__ import annotations

# the shared core's: a request or an answer that does not conform to the published description
from sheets_plan_emulators.core.schemas import SchemaProblem  # noqa: F401


# VK's messages for the codes the emulator answers (dev.vk.com, "Ошибки"); a fault hook may return any of
# these codes. An error_msg that VK words per case (5, 100) is given where it is raised.
MESSAGES = {
    1: "Unknown error occurred",
    3: "Unknown method passed",
    5: "User authorization failed: invalid access_token (4).",
    6: "Too many requests per second",
    7: "Permission to perform this action is denied",
    8: "Invalid request: v (version) is required",
    9: "Flood control",
    10: "Internal server error",
    12: "Unable to compile code",
    13: "Runtime error occurred during code invocation: too many API calls",
    15: "Access denied: no access to call this method",
    18: "User was deleted or banned",
    29: "Rate limit reached",
    30: "This profile is private",
    100: "One of the parameters specified was missing or invalid",
}


class VkError(Exception):
    """An answer in VK's error shape: ``{"error": {"error_code", "error_msg", "request_params"}}``."""

    def __init__(self, code: int, message: str | None = None):
        if message is None and code not in MESSAGES:
            raise ValueError(f"emulator: no VK message known for error {code}")
        self.code = code
        self.message = message or MESSAGES[code]
        super().__init__(f"[{code}] {self.message}")

    def body(self, method: str, params: dict[str, str]) -> dict:
        """VK echoes the request (never the token) as key/value pairs in the order sent, then the method
        and ``oauth`` (as in VK's answers since 5.7x, even to a request without a token)."""
        echo = [{"key": k, "value": v} for k, v in params.items()]
        echo += [{"key": "method", "value": method}, {"key": "oauth", "value": "1"}]
        return {"error": {"error_code": self.code, "error_msg": self.message, "request_params": echo}}


def invalid(name: str, why: str) -> VkError:
    """Error 100 naming the parameter, as VK words it: "...missing or invalid: posts is undefined"."""
    return VkError(100, f"{MESSAGES[100]}: {name} {why}")


class NotEmulated(Exception):
    """A request the emulator cannot answer as VK would (a feature, a value, an API version it does not
    model). Answered with HTTP 501 naming it, never approximated: VK itself never answers 501."""
