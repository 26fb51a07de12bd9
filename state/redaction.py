"""Last-line redaction of obvious secrets in anything written to the audit log.

Callers redact what they record; this catches what slips through: values under secret-looking keys,
bearer/OAuth headers, Anthropic keys, Zoho OAuth tokens, and ``password=...`` style pairs in text.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|authori[sz]ation|cookie|credential|private[_-]?key)",
    re.IGNORECASE,
)
_PATTERNS = (
    re.compile(r"(?i)\b(bearer|zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\bsk-ant-[A-Za-z0-9_-]{8,}"),
    re.compile(r"\b1000\.[0-9a-f]{16,}\.[0-9a-f]{16,}\b"),  # Zoho access/refresh token shape
    re.compile(
        r"(?i)\b(password|passwd|secret|client_secret|refresh_token|access_token|api_key|token)"
        r"(\s*[=:]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&]+)"
    ),
)


def _redact_text(value: str) -> str:
    value = _PATTERNS[0].sub(lambda m: f"{m.group(1)} {REDACTED}", value)
    value = _PATTERNS[1].sub(REDACTED, value)
    value = _PATTERNS[2].sub(REDACTED, value)
    return _PATTERNS[3].sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", value)


def redact(value: Any) -> Any:
    """Return ``value`` with secrets replaced by ``[REDACTED]`` (dicts and lists walked recursively)."""
    if isinstance(value, str):
        return _redact_text(value)
    if isinstance(value, dict):
        return {
            k: (
                REDACTED
                if isinstance(k, str)
                and _SECRET_KEY.search(k)
                and v not in (None, "")
                and not isinstance(v, (dict, list, bool, int, float))
                else redact(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [redact(v) for v in value]
    return value
