"""churn_risk: a recent note (``language_window_days``) says the account may leave (cancel, not renewing, moving
to a competitor…), not negated, resolved or in the past. Subject: the account. Evidence: the notes; the signal
quotes the sentence of the newest."""

from __future__ import annotations

from review.index import AccountView
from review.models import Signal
from review.signals.context import TriageContext
from review.signals.note_language import language_signal


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    return language_signal(
        view, ctx, kind="churn_risk", finding_kind="churn_risk", what="churn language", severity="high"
    )
