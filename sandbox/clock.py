"""Time in the sandbox: aware UTC datetimes, written the way Zoho writes them (offset, no fraction)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def iso(moment: datetime) -> str:
    """``2024-03-23T11:34:00+00:00``: ISO-8601 with offset and no fractional seconds."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def parse_iso(text: str) -> datetime:
    """Parse an ISO datetime (``Z`` allowed, a ``+`` decoded to a space tolerated); naive means UTC."""
    text = text.strip().replace("Z", "+00:00")
    if "T" in text and " " in text:
        text = text.replace(" ", "+")
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class SandboxClock:
    """The sandbox's own "now" (Zoho's clock, as the product sees it): ``base`` (real UTC time, or a test's
    org clock) plus an offset that ``POST /__sandbox/clock`` moves to play a day forward or to stand a
    client's clock off Zoho's."""

    def __init__(self, base: Clock = utc_now, offset_seconds: float = 0.0) -> None:
        self.base = base
        self.offset_seconds = offset_seconds

    def __call__(self) -> datetime:
        return self.base() + timedelta(seconds=self.offset_seconds)

    def advance(self, seconds: float) -> datetime:
        self.offset_seconds += seconds
        return self()
