"""One detector per situation kind: ``detect(view, ctx) -> list[Signal]``, pure and fast."""

from __future__ import annotations

from collections.abc import Callable

from review.index import AccountView
from review.models import Signal
from review.signals import (
    churn_risk,
    closing_soon_no_activity,
    contact_gone,
    deal_stalled,
    overdue_tasks,
    silent_account,
    upsell_signal,
)
from review.signals.context import TriageContext

Detector = Callable[[AccountView, TriageContext], list[Signal]]

DETECTORS: dict[str, Detector] = {
    "deal_stalled": deal_stalled.detect,
    "closing_soon_no_activity": closing_soon_no_activity.detect,
    "silent_account": silent_account.detect,
    "overdue_tasks": overdue_tasks.detect,
    "contact_gone": contact_gone.detect,
    "churn_risk": churn_risk.detect,
    "upsell_signal": upsell_signal.detect,
}

__all__ = ["DETECTORS", "Detector", "TriageContext"]
