"""Google's error statuses, reasons and JSON error shapes; field-mask checks."""

from __future__ import annotations

from typing import Iterable

from sheets_plan_emulators.google import fieldmask
from sheets_plan_emulators.google.discovery import document

STATUS_NAMES = {
    400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED", 409: "ABORTED", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL",
    501: "UNIMPLEMENTED", 502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}
DEFAULT_REASONS = {
    400: "badRequest", 401: "required", 403: "forbidden", 404: "notFound", 408: "timeout",
    409: "conflict", 429: "rateLimitExceeded", 500: "backendError", 501: "notImplemented",
    502: "backendError", 503: "backendError", 504: "backendError",
}
DEFAULT_MESSAGES = {
    400: "Request contains an invalid argument.",
    401: "Request is missing required authentication credential. Expected OAuth 2 access token, "
         "login cookie or other valid authentication credential. "
         "See https://developers.google.com/identity/sign-in/web/devconsole-project.",
    403: "The caller does not have permission",
    404: "Requested entity was not found.",
    408: "Request timed out.",
    409: "The operation was aborted.",
    429: "Quota exceeded for quota metric 'Requests' and limit 'Requests per minute per user' "
         "of service '{service}' for consumer 'project_number:000000000000'.",
    500: "Internal error encountered.",
    501: "Method not implemented.",
    502: "Bad Gateway.",
    503: "The service is currently unavailable.",
    504: "Deadline exceeded.",
}


class ApiError(Exception):
    """An error the emulator answers with, in Google's JSON error shape."""

    def __init__(self, status: int, message: str | None = None, *, reason: str | None = None,
                 domain: str = "global", location: str | None = None, headers: dict | None = None,
                 violations: list[tuple[str, str]] | None = None):
        self.status = status
        self.message = message or DEFAULT_MESSAGES.get(status, "Error")
        self.reason = reason or DEFAULT_REASONS.get(status, "error")
        self.domain = domain
        self.location = location
        self.headers = headers or {}
        self.violations = violations or []
        super().__init__(f"{status}: {self.message}")

    def body(self, service: str = "") -> dict:
        """Drive v3 answers with an ``errors[]`` list (reason, domain, location); Sheets v4 does
        not, and a Sheets 400 about the request's fields carries ``details[].fieldViolations``."""
        message = self.message.replace("{service}", service)
        error = {"code": self.status, "message": message, "status": STATUS_NAMES.get(self.status, "UNKNOWN")}
        if service.startswith("sheets."):
            if self.violations:
                error["details"] = [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
                    {"field": f, "description": d} for f, d in self.violations]}]
            return {"error": error}
        item = {"message": message, "domain": self.domain, "reason": self.reason}
        if self.location:
            item.update(location=self.location, locationType="parameter")
        return {"error": {**error, "errors": [item]}}


def not_found(file_id: str) -> ApiError:
    return ApiError(404, f"File not found: {file_id}.", reason="notFound", location="fileId")


def invalid(location: str, message: str = "Invalid Value") -> ApiError:
    return ApiError(400, message, reason="invalid", location=location)


def truthy(value: str | None) -> bool:
    return (value or "").lower() == "true"


# ----------------------------------------------------------------------------- field masks

def check_mask(api: str, schema: str, fields: str | None) -> None:
    """400 for a ``fields`` mask naming a field the resource does not have."""
    if not fields:
        return
    try:
        tree = fieldmask.parse(fields)
    except ValueError as exc:
        raise ApiError(400, str(exc), reason="invalidParameter", location="fields") from None
    schemas = document(api)["schemas"]

    def walk(node: dict, name: str | None, path: str):
        if name is None:
            return
        props = schemas[name].get("properties", {})
        for key, sub in node.items():
            if key == "*":
                continue
            spec = props.get(key)
            if spec is None:
                raise ApiError(400, f"Invalid field selection {path}{key}", reason="invalidParameter",
                               location="fields")
            if sub:
                walk(sub, _ref(spec), f"{path}{key}.")

    walk(tree, schema, "")


def _ref(spec: dict) -> str | None:
    if "$ref" in spec:
        return spec["$ref"]
    if spec.get("type") == "array":
        return _ref(spec["items"])
    return None  # a map or a scalar: nothing to check below it


def selects(fields: str, path: Iterable[str]) -> bool:
    """Whether a mask selects the field at ``path`` (a sub-field counts)."""
    node = fieldmask.parse(fields)
    for key in path:
        if not node or "*" in node:
            return True
        if key not in node:
            return False
        node = node[key]
    return True

