"""churn_risk: a recent note with churn language (cancel, not renewing, moving to a competitor…)."""

from __future__ import annotations

from review.index import AccountView
from review.models import Signal
from review.signals.context import TriageContext
from review.signals.note_language import language_signal


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    return language_signal(
        view, ctx, kind="churn_risk", finding_kind="churn_risk", what="churn language", severity="high"
    )
