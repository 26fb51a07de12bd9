"""What every detector receives besides the account: the day of the run and the thresholds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from review.thresholds import DEFAULT_THRESHOLDS, Thresholds


@dataclass(frozen=True)
class TriageContext:
    today: date
    thresholds: Thresholds = DEFAULT_THRESHOLDS


def money(amount: float | None) -> str:
    return f"${amount:,.0f}" if amount else "no amount"


def quote(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
