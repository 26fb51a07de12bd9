"""Scrub secrets from anything recorded (audit events, logs, error messages)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[REDACTED]"

_SECRET_KEYS = re.compile(
    r"(token|secret|password|passwd|api[_-]?key|authorization|auth[_-]?header|client[_-]?secret|cookie|"
    r"credential|private[_-]?key)",
    re.IGNORECASE,
)
_PATTERNS = [
    re.compile(r"Zoho-oauthtoken\s+\S+", re.IGNORECASE),
    re.compile(r"Bearer\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE),
    re.compile(r"sk-ant-[A-Za-z0-9_-]+"),
    re.compile(r"\b1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b"),  # Zoho access/refresh tokens
    re.compile(r"(?i)\b(access_token|refresh_token|client_secret|api_key)=([^&\s]+)"),
]


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def redact(value: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of ``value`` (str, dict, list, nested) with secret-looking keys and values replaced."""
    known = tuple(s for s in secrets if s)
    if isinstance(value, str):
        return redact_text(value, known)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if isinstance(key, str) and _SECRET_KEYS.search(key) and item not in (None, ""):
                out[key] = REDACTED
            else:
                out[key] = redact(item, known)
        return out
    if isinstance(value, (list, tuple)):
        return [redact(v, known) for v in value]
    return value


def settings_secrets(settings: Any) -> list[str]:
    """Every configured secret value of ``Settings`` (SecretStr fields), to scrub by exact value."""
    found = []
    for name in type(settings).model_fields:
        item = getattr(settings, name, None)
        getter = getattr(item, "get_secret_value", None)
        if callable(getter):
            raw = getter()
            if raw:
                found.append(str(raw))
    return found


def summarize(value: Any, secrets: Iterable[str] = (), limit: int = 500) -> str:
    """A short, redacted one-line summary of a tool input or output for the audit log."""
    import json

    try:
        text = json.dumps(redact(value, secrets), default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        text = redact_text(str(value), secrets)
    return text if len(text) <= limit else text[:limit] + "…"
