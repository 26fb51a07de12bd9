"""Zoho-shaped HTTP responses: JSON as ``application/json;charset=UTF-8``, error envelope, empty 204/304."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

JSON_TYPE = "application/json;charset=UTF-8"


def zoho_json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response exactly as Zoho sends it (compact, UTF-8, explicit charset)."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(body, status_code=status, media_type=JSON_TYPE, headers=headers)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"code": code, "details": details or {}, "message": message, "status": "error"}


def zoho_error(code: str, message: str, status: int = 400, details: dict[str, Any] | None = None) -> Response:
    """The single-error envelope ``{"code","details","message","status":"error"}``."""
    return zoho_json(error_body(code, message, details), status)


def empty(status: int = 204) -> Response:
    """204 No Content / 304 Not Modified: no body, no content type."""
    return Response(status_code=status)


class ZohoHTTPError(Exception):
    """Raise from any handler to answer with a Zoho error envelope (the app turns it into a response)."""

    def __init__(self, code: str, message: str, status: int = 400, details: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.details = details or {}

    def response(self) -> Response:
        return zoho_error(self.code, self.message, self.status, self.details)
