"""The one exception tree for everything that crosses the Zoho boundary.

    ZohoError                      any failure talking to Zoho; carries status, code, module, record_id, hint
    ├── ZohoConfigError            the operator's mistake: bad credentials, bad URL, bad client id/secret
    │   └── ZohoAuthError          Zoho refused our identity (invalid_code, invalid_client, INVALID_TOKEN
    │                              that a refresh could not cure)
    ├── ZohoPermissionError        403 NO_PERMISSION / NOT_SUPPORTED / OAUTH_SCOPE_MISMATCH
    ├── ZohoNotFoundError          unknown record id, unknown module, bulk job gone
    ├── ZohoValidationError        400-level request or data errors (INVALID_DATA, MANDATORY_NOT_FOUND, ...)
    ├── ZohoTransientError         worth retrying later
    │   ├── ZohoRateLimitedError   429 TOO_MANY_REQUESTS (credits or concurrency)
    │   └── ZohoUnavailableError   5xx, dropped connection, timeout, malformed reply, breaker open
    └── ZohoWriteRefused           a write was asked for without a valid approval record

Only ``integrations/zoho/`` raises or translates these; SDK exceptions, ``APIException`` objects,
httpx errors, HTTP statuses and MCP errors are mapped in ``map_status`` / the tiers' edges. Code above
``integrations/`` catches ``ZohoError`` (or a child) and never an httpx or SDK exception.
"""

from __future__ import annotations

from typing import Any


class ZohoError(Exception):
    """Base: something went wrong talking to Zoho. ``hint`` says what to do about it."""

    default_hint = "Check `python main.py doctor`."

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        module: str | None = None,
        record_id: str | None = None,
        details: dict[str, Any] | None = None,
        hint: str | None = None,
        tier: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.module = module
        self.record_id = record_id
        self.details = details or {}
        self.hint = hint or self.default_hint
        self.tier = tier

    def __str__(self) -> str:
        parts = [self.message]
        where = "/".join(p for p in (self.module, self.record_id) if p)
        if self.code or self.status:
            parts.append(f"[{self.code or ''}{' ' if self.code and self.status else ''}{self.status or ''}]")
        if where:
            parts.append(f"({where})")
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "message": self.message,
            "status": self.status,
            "code": self.code,
            "module": self.module,
            "record_id": self.record_id,
            "hint": self.hint,
        }


class ZohoConfigError(ZohoError):
    """The configuration cannot work: e.g. a malformed URL or an unknown data centre."""

    default_hint = "Fix the SERGAS_ZOHO_* settings (see .env.example), then run `python main.py doctor`."


class ZohoAuthError(ZohoConfigError):
    """Zoho refused the credentials: the refresh token was revoked, or the client id/secret are wrong."""

    default_hint = (
        "Generate a new refresh token in the Zoho API console and set SERGAS_ZOHO_REFRESH_TOKEN; "
        "check SERGAS_ZOHO_CLIENT_ID / SERGAS_ZOHO_CLIENT_SECRET and SERGAS_ZOHO_DC."
    )


class ZohoPermissionError(ZohoError):
    """The user behind the token may not do this (profile, scope or edition)."""

    default_hint = "Ask a Zoho admin for the needed permission or OAuth scope (ZohoCRM.modules.ALL)."


class ZohoNotFoundError(ZohoError):
    """The record, module or job does not exist (or was deleted)."""

    default_hint = "Check the id; the record may have been deleted in Zoho."


class ZohoValidationError(ZohoError):
    """Zoho rejected the request or the data in it (bad field value, missing mandatory field...)."""

    default_hint = "Correct the request data; details name the field."


class ZohoTransientError(ZohoError):
    """A failure that may pass: retried with backoff, then another tier is tried."""

    default_hint = "Zoho is busy or unreachable; it will be retried. If it persists, check status.zoho.com."


class ZohoRateLimitedError(ZohoTransientError):
    """429 TOO_MANY_REQUESTS: API credits for the day or the edition's concurrency limit are exhausted."""

    default_hint = "Lower SERGAS_ZOHO_CONCURRENCY or wait for credits to refill."


class ZohoUnavailableError(ZohoTransientError):
    """5xx, a dropped connection, a timeout, a malformed reply, or every tier's breaker is open."""


class ZohoWriteRefused(ZohoError):
    """A CRM write was requested without a valid, approved approval record. Nothing was sent."""

    default_hint = "Writes happen only through `python main.py approve`."


_CODE_MAP: dict[str, type[ZohoError]] = {
    "INVALID_TOKEN": ZohoAuthError,
    "AUTHENTICATION_FAILURE": ZohoAuthError,
    "invalid_code": ZohoAuthError,
    "invalid_client": ZohoAuthError,
    "OAUTH_SCOPE_MISMATCH": ZohoPermissionError,
    "NO_PERMISSION": ZohoPermissionError,
    "NOT_SUPPORTED": ZohoPermissionError,
    "INVALID_MODULE": ZohoNotFoundError,
    "RESOURCE_NOT_FOUND": ZohoNotFoundError,
    "INVALID_URL_PATTERN": ZohoNotFoundError,
    "TOO_MANY_REQUESTS": ZohoRateLimitedError,
    "INTERNAL_ERROR": ZohoUnavailableError,
    "INTERNAL_SERVER_ERROR": ZohoUnavailableError,
}


def map_status(
    status: int | None,
    body: dict[str, Any] | None,
    *,
    module: str | None = None,
    record_id: str | None = None,
    tier: str | None = None,
) -> ZohoError:
    """Translate an HTTP status and Zoho's error envelope into the most specific ``ZohoError``."""
    body = body or {}
    code = body.get("code") or body.get("error")
    message = body.get("message") or (str(code) if code else f"HTTP {status}")
    details = body.get("details") if isinstance(body.get("details"), dict) else {}
    cls: type[ZohoError]
    if code in _CODE_MAP:
        cls = _CODE_MAP[str(code)]
    elif status == 401:
        cls = ZohoAuthError
    elif status == 403:
        cls = ZohoPermissionError
    elif status == 404:
        cls = ZohoNotFoundError
    elif status == 429:
        cls = ZohoRateLimitedError
    elif status is None or status >= 500:
        cls = ZohoUnavailableError
    elif 400 <= status < 500:
        cls = ZohoValidationError
    else:
        cls = ZohoError
    return cls(
        str(message),
        status=status,
        code=str(code) if code else None,
        module=module,
        record_id=record_id,
        details=details,
        tier=tier,
    )


__all__ = [
    "ZohoAuthError",
    "ZohoConfigError",
    "ZohoError",
    "ZohoNotFoundError",
    "ZohoPermissionError",
    "ZohoRateLimitedError",
    "ZohoTransientError",
    "ZohoUnavailableError",
    "ZohoValidationError",
    "ZohoWriteRefused",
    "map_status",
]
