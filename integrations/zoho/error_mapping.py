"""The one place where foreign failures become ``ZohoError``s (see ``errors.py`` for the tree).

Each tier calls these at its edge:
- REST: ``map_response`` (HTTP status + Zoho envelope) and ``map_httpx_error`` (connection, timeout, ...)
- SDK: ``map_sdk_exception`` (``SDKException``, ``requests`` errors) and ``map_sdk_api_exception``
  (the ``APIException`` object the SDK *returns* for a JSON error reply)
- MCP: ``map_mcp_error`` (JSON-RPC errors, tool results flagged ``isError``, transport errors)
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from integrations.zoho.errors import (
    ZohoAuthError,
    ZohoError,
    ZohoNotFoundError,
    ZohoTokenThrottledError,
    ZohoTransientError,
    ZohoUnavailableError,
    ZohoValidationError,
    map_status,
)

TOKEN_THROTTLE_SECONDS = 600  # Zoho: at most 10 access tokens per refresh token in 10 minutes


def is_transient(exc: BaseException) -> bool:
    """Worth a retry / counts against a circuit breaker."""
    return isinstance(exc, ZohoTransientError)


def map_response(
    response: httpx.Response, *, module: str | None = None, record_id: str | None = None, tier: str = "rest"
) -> ZohoError:
    """An HTTP error reply (status >= 400, or a malformed body) → the most specific ZohoError."""
    body: dict[str, Any] | None
    try:
        parsed = response.json()
        body = _failed_item(parsed) if isinstance(parsed, dict) else None
    except (ValueError, json.JSONDecodeError):
        body = None
    return map_status(response.status_code, body, module=module, record_id=record_id, tier=tier)


def _failed_item(body: dict[str, Any]) -> dict[str, Any]:
    """Zoho answers a batch (records in ``data``, channels in ``watch``, ...) with one result per item: with no
    error code of its own, the reply's first failed item says why."""
    if body.get("code"):
        return body
    for items in body.values():
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and item.get("status") == "error":
                    return item
    return body


def map_httpx_error(
    exc: httpx.HTTPError, *, module: str | None = None, record_id: str | None = None, tier: str = "rest"
) -> ZohoError:
    """Connection refused/reset, timeouts, protocol errors → ZohoUnavailableError (transient)."""
    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return ZohoError(
            f"bad Zoho URL: {exc}",
            module=module,
            record_id=record_id,
            tier=tier,
            hint="Fix SERGAS_ZOHO_API_URL / SERGAS_ZOHO_ACCOUNTS_URL.",
        )
    kind = type(exc).__name__
    return ZohoUnavailableError(f"Zoho unreachable ({kind})", code=kind, module=module, record_id=record_id, tier=tier)


def map_oauth_error(body: dict[str, Any] | None, status: int | None, *, tier: str) -> ZohoError:
    """The accounts server says no: HTTP 200 with {"error": "invalid_code" | "invalid_client"}, or with
    {"error": "Access Denied", "error_description": ...} when the token throttle is reached, or 5xx."""
    body = body or {}
    error = body.get("error")
    if str(error or "").strip().lower().replace("_", " ") == "access denied":
        return ZohoTokenThrottledError(
            "Zoho's accounts server refused a new access token: this refresh token already made its 10 "
            f"access tokens in the last 10 minutes ({body.get('error_description') or error})",
            status=status,
            code="ACCESS_DENIED",
            tier=tier,
            details={"retry_after_seconds": TOKEN_THROTTLE_SECONDS},
        )
    if status is not None and status >= 500:
        return ZohoUnavailableError(f"Zoho accounts server error (HTTP {status})", status=status, tier=tier)
    if status == 429:
        return map_status(429, {"code": "TOO_MANY_REQUESTS", "message": "token endpoint rate limited"}, tier=tier)
    return ZohoAuthError(
        f"Zoho refused the OAuth credentials ({error or 'no access_token in reply'})",
        status=status,
        code=str(error) if error else "NO_ACCESS_TOKEN",
        tier=tier,
    )


def map_sdk_api_exception(
    api_exception: Any, status: int | None, *, module: str | None = None, record_id: str | None = None
) -> ZohoError:
    """The SDK returns (not raises) an ``APIException`` for a JSON error reply."""
    code = _jsonable(getattr(api_exception, "get_code", lambda: None)())
    message = _jsonable(getattr(api_exception, "get_message", lambda: None)())
    details = getattr(api_exception, "get_details", lambda: None)()
    body = {"code": code, "message": message, "details": _jsonable(details) if details else {}}
    return map_status(status, body, module=module, record_id=record_id, tier="sdk")


def map_sdk_exception(exc: BaseException, *, module: str | None = None, record_id: str | None = None) -> ZohoError:
    """``SDKException`` and the ``requests`` errors it wraps → ZohoError."""
    code = getattr(exc, "code", None)
    message = getattr(exc, "error_message", None) or getattr(exc, "message", None) or str(exc)
    cause = getattr(exc, "cause", None) or exc.__cause__
    text = f"{code or ''} {message or ''} {cause or ''}"
    envelope = _json_envelope(message)
    if envelope is not None:  # e.g. API_EXCEPTION from a metadata call, carrying Zoho's error envelope
        status = {
            "INVALID_TOKEN": 401,
            "AUTHENTICATION_FAILURE": 401,
            "OAUTH_SCOPE_MISMATCH": 401,
            "NO_PERMISSION": 403,
            "TOO_MANY_REQUESTS": 429,
            "INTERNAL_ERROR": 500,
        }.get(str(envelope.get("code")), 400)
        return map_status(status, envelope, module=module, record_id=record_id, tier="sdk")
    if code == "INVALID TOKEN ERROR":
        return ZohoAuthError(
            f"Zoho refused the OAuth credentials ({message})",
            code="INVALID_TOKEN",
            module=module,
            record_id=record_id,
            tier="sdk",
        )
    if _is_connection_problem(exc) or _is_connection_problem(cause) or "Exception in saving tokens" in text:
        return ZohoUnavailableError(
            f"Zoho unreachable from the SDK ({type(cause or exc).__name__})",
            code="CONNECTION_ERROR",
            module=module,
            record_id=record_id,
            tier="sdk",
        )
    if code in ("TYPE ERROR", "UNACCEPTED VALUES ERROR", "MANDATORY VALUE ERROR", "MANDATORY KEY ERROR"):
        return ZohoValidationError(
            f"SDK rejected the request: {message}", code=str(code), module=module, record_id=record_id, tier="sdk"
        )
    if code == "UNSUPPORTED_IN_API":
        return ZohoNotFoundError(
            f"not available through the API: {message}", code=str(code), module=module, record_id=record_id, tier="sdk"
        )
    # Anything else the SDK raises is a malformed/unexpected reply: treat as transient trouble.
    return ZohoUnavailableError(
        f"SDK error: {code or type(exc).__name__}: {message}",
        code=str(code) if code else type(exc).__name__,
        module=module,
        record_id=record_id,
        tier="sdk",
    )


def _json_envelope(message: Any) -> dict[str, Any] | None:
    if not isinstance(message, str) or not message.lstrip().startswith("{"):
        return None
    try:
        value = json.loads(message)
    except ValueError:
        return None
    return value if isinstance(value, dict) and value.get("code") else None


def _is_connection_problem(exc: BaseException | None) -> bool:
    if exc is None:
        return False
    try:
        import requests
    except ImportError:  # pragma: no cover
        return isinstance(exc, ConnectionError | TimeoutError)
    return isinstance(exc, requests.ConnectionError | requests.Timeout | ConnectionError | TimeoutError)


def map_mcp_error(exc_or_payload: Any, *, module: str | None = None, record_id: str | None = None) -> ZohoError:
    """MCP: a raised ``MCPError``/transport error, or the text of a tool result with ``isError``."""
    if isinstance(exc_or_payload, ZohoError):
        return exc_or_payload
    if isinstance(exc_or_payload, dict):
        status = exc_or_payload.get("status_code") or exc_or_payload.get("http_status")
        nested = exc_or_payload.get("error")
        inner = nested if isinstance(nested, dict) else exc_or_payload
        try:
            status_int = int(status) if status is not None else None
        except (TypeError, ValueError):
            status_int = None
        if status_int is None and inner.get("code") in (None, ""):
            status_int = 500
        return map_status(
            status_int or (400 if inner.get("code") else None), inner, module=module, record_id=record_id, tier="mcp"
        )
    if isinstance(exc_or_payload, httpx.HTTPError):
        return map_httpx_error(exc_or_payload, module=module, record_id=record_id, tier="mcp")
    text = str(exc_or_payload)
    lowered = text.lower()
    if "401" in lowered or "unauthorized" in lowered:
        return ZohoAuthError(
            f"Zoho MCP refused the credentials: {text}",
            status=401,
            module=module,
            record_id=record_id,
            tier="mcp",
            hint="Check SERGAS_ZOHO_MCP_URL and SERGAS_ZOHO_MCP_AUTH_HEADER.",
        )
    return ZohoUnavailableError(f"Zoho MCP error: {text}", module=module, record_id=record_id, tier="mcp")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "get_value"):
        return _jsonable(value.get_value())
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
