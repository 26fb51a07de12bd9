"""deal_stalled: an open deal whose stage and activity have not moved for ``stalled_days`` or more.
Evidence: the deal."""

from __future__ import annotations

from review.activity import days_since, deal_activity
from review.index import AccountView
from review.models import Severity, Signal
from review.signals.context import TriageContext, money


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    signals = []
    for deal in view.deals:
        if not deal.is_open:
            continue
        idle = days_since(deal_activity(deal, view), ctx.today)
        if idle is None or idle < ctx.thresholds.stalled_days:
            continue
        severity: Severity = "high" if idle >= 2 * ctx.thresholds.stalled_days else "medium"
        signals.append(
            Signal(
                kind="deal_stalled",
                severity=severity,
                summary=f"Deal '{deal.name}' ({money(deal.amount)}) has sat in {deal.stage or 'its stage'} "
                f"for {idle} days with no activity",
                evidence=[deal.id],
                evidence_modules={deal.id: "Deals"},
                subject_id=deal.id,
                subject_module="Deals",
                facts={"deal_name": deal.name, "stage": deal.stage, "idle_days": idle, "amount": deal.amount},
                subject_name=deal.name,
                what=f"no movement for {idle} days",
            )
        )
    return signals
