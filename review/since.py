"""Parse ``--since``: ``24h``, ``7d``, ``90m``, ``2w`` or an ISO date/time (naive means UTC)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_RELATIVE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class SinceError(ValueError):
    """The operator gave a --since the review cannot read."""


def parse_since(text: str, *, now: datetime | None = None) -> datetime:
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        try:
            return now - timedelta(**{_UNITS[unit]: amount})
        except (OverflowError, ValueError):  # e.g. 99999999999d: before year 1
            raise SinceError(
                f"--since {text.strip()!r} reaches back further than any date; use a smaller amount such as 7d or 52w"
            ) from None
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise SinceError(
            f"--since {text!r}: use 24h, 7d, 2w, 90m or an ISO time such as 2025-06-01T08:00:00+00:00"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
