"""upsell_signal: a recent note (``language_window_days``) says the account wants more (more seats, new team,
bigger plan…). Subject: the account. Evidence: the notes; the signal quotes the sentence of the newest."""

from __future__ import annotations

from review.index import AccountView
from review.models import Signal
from review.signals.context import TriageContext
from review.signals.note_language import language_signal


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    return language_signal(
        view, ctx, kind="upsell_signal", finding_kind="upsell_signal", what="expansion language", severity="medium"
    )
