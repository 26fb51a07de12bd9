"""The one exception tree for everything that crosses the Zoho boundary.

    ZohoError                      any failure talking to Zoho; carries status, code, module, record_id, hint
    ├── ZohoConfigError            the operator's mistake: bad credentials, bad URL, bad client id/secret
    │   └── ZohoAuthError          Zoho refused our identity (invalid_code, invalid_client, INVALID_TOKEN
    │                              that a refresh could not cure)
    ├── ZohoPermissionError        403 NO_PERMISSION / NOT_SUPPORTED / OAUTH_SCOPE_MISMATCH
    ├── ZohoNotFoundError          unknown record id, unknown module, bulk job gone
    ├── ZohoValidationError        400-level request or data errors (INVALID_DATA, MANDATORY_NOT_FOUND, ...)
    ├── ZohoTransientError         worth retrying later
    │   ├── ZohoRateLimitedError   429 TOO_MANY_REQUESTS from the concurrency cap (or one that outlasted
    │   │                          the patience budget)
    │   └── ZohoUnavailableError   5xx, dropped connection, timeout, malformed reply, breaker open
    ├── ZohoTokenThrottledError    the accounts server's "Access Denied": 10 access tokens per refresh token
    │                              in 10 minutes were made; no new one (and no retry) until that window passes
    ├── ZohoCreditsExhaustedError  the org's API credits for the rolling 24 hours are spent: stop the run
    │   └── ZohoCreditBudgetError  this run's SERGAS_ZOHO_CREDIT_BUDGET is spent (nothing was sent)
    └── ZohoWriteRefused           a write was asked for without a valid approval record

Only ``integrations/zoho/`` raises or translates these; SDK exceptions, ``APIException`` objects,
httpx errors, HTTP statuses and MCP errors are mapped in ``map_status`` / the tiers' edges. Code above
``integrations/`` catches ``ZohoError`` (or a child) and never an httpx or SDK exception.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

CREDIT_WINDOW = timedelta(hours=24)  # Zoho's API credits: a rolling 24-hour window


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
    """429 TOO_MANY_REQUESTS from the edition's concurrency cap: slots free within seconds, so it is retried
    for SERGAS_ZOHO_RATE_LIMIT_PATIENCE_SECONDS. One that outlasts that patience stops the run (it may be
    exhausted credits that Zoho did not name as such)."""

    default_hint = (
        "Other integrations may hold the org's concurrency slots, or its API credits may be spent; lower "
        "SERGAS_ZOHO_CONCURRENCY, or check the org's API usage (Setup > Developer Hub > APIs) and run again later."
    )


class ZohoTokenThrottledError(ZohoError):
    """Zoho's accounts server answered "Access Denied": this refresh token made its 10 access tokens in the
    last 10 minutes (or its client too many refreshes). The credentials are fine; no new access token can
    be had until the 10 minutes pass. Usually many processes refresh instead of sharing the cached token."""

    default_hint = (
        "Wait 10 minutes and run again. Let every process share one token store (SERGAS_TOKEN_STORE, "
        "SERGAS_HOME) so that they reuse one access token instead of each making its own."
    )


class ZohoCreditsExhaustedError(ZohoError):
    """The org's Zoho API credits for the rolling 24 hours are spent (Zoho's 429 TOO_MANY_REQUESTS saying
    so). Not retried and not worked around on another tier: every tier draws on the same credits. A run
    stops cleanly, keeps its cursors, and says when the credits come back (``resume_by``: at the latest 24
    hours after the refusal, as calls older than a day leave the window)."""

    default_hint = (
        "Run again once credits are back; the run resumes where it stopped. To spend less, lower "
        "SERGAS_ZOHO_CREDIT_BUDGET per run, or buy add-on credits in Zoho (Setup > Developer Hub > APIs)."
    )

    @property
    def resume_by(self) -> Any:
        """When the credits are surely back (an aware datetime), if known."""
        return self.details.get("resume_by")


class ZohoCreditBudgetError(ZohoCreditsExhaustedError):
    """This run's credit budget (SERGAS_ZOHO_CREDIT_BUDGET) is spent; the call that would pass it was not
    sent. The next run has a fresh budget and resumes where this one stopped."""

    default_hint = "Run again to continue, or raise SERGAS_ZOHO_CREDIT_BUDGET (unset: no budget)."


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
    details: dict[str, Any] = body["details"] if isinstance(body.get("details"), dict) else {}
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
    if cls is ZohoRateLimitedError and "credit" in str(message).lower():
        # Zoho answers spent credits with the concurrency cap's 429 TOO_MANY_REQUESTS: only the message differs
        cls = ZohoCreditsExhaustedError
        details = {**details, "resume_by": datetime.now(UTC).replace(microsecond=0) + CREDIT_WINDOW}
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
    "ZohoCreditBudgetError",
    "ZohoCreditsExhaustedError",
    "ZohoError",
    "ZohoNotFoundError",
    "ZohoPermissionError",
    "ZohoRateLimitedError",
    "ZohoTokenThrottledError",
    "ZohoTransientError",
    "ZohoUnavailableError",
    "ZohoValidationError",
    "ZohoWriteRefused",
    "map_status",
]
