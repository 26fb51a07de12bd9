"""The token Zoho echoes back in every callback: from settings, else generated once and kept on disk."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MAX_TOKEN_CHARS = 50  # Zoho's limit for the watch "token" (ZOHO_API_NOTES §4.11)


class TokenTooLong(ValueError):
    """The configured SERGAS_LISTENER_TOKEN is longer than Zoho accepts."""


def load_or_create_token(listener_dir: Path, configured: str | None = None) -> str:
    """Return ``configured`` when given, else the token persisted in ``listener_dir/token`` (0600),
    generating it on first use. Never logged."""
    if configured:
        if len(configured) > MAX_TOKEN_CHARS:
            raise TokenTooLong(
                f"SERGAS_LISTENER_TOKEN is {len(configured)} characters; Zoho accepts at "
                f"most {MAX_TOKEN_CHARS}. Set a shorter one, or unset it to let the listener "
                "generate one."
            )
        return configured
    listener_dir.mkdir(parents=True, exist_ok=True)
    path = listener_dir / "token"
    if path.exists():
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing
    token = secrets.token_urlsafe(30)  # 40 characters
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token)
    return token


def token_matches(expected: str, given: object) -> bool:
    """Constant-time comparison; anything that is not a string is a mismatch."""
    if not isinstance(given, str) or not given:
        return False
    return secrets.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
