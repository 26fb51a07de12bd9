"""closing_soon_no_activity: an open deal closing within ``closing_window_days`` with no activity on it
or its account for ``closing_quiet_days`` and no open task planned (an open task not yet overdue).
Evidence: the deal."""

from __future__ import annotations

from review.activity import days_since, deal_activity, record_activity
from review.index import AccountView
from review.models import Severity, Signal
from review.signals.context import TriageContext, money


def _account_own_activity_days(view: AccountView, ctx: TriageContext) -> int | None:
    account_id = view.account.id
    own = [record_activity(view.account)]
    own += [record_activity(n) for n in view.notes if n.parent_id == account_id]
    own += [record_activity(t) for t in view.tasks if t.what_id == account_id]
    present = [d for d in (days_since(m, ctx.today) for m in own) if d is not None]
    return min(present) if present else None


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    limits = ctx.thresholds
    signals = []
    account_quiet: int | None = None
    for deal in view.deals:
        if not deal.is_open or deal.closing_date is None:
            continue
        closes_in = (deal.closing_date - ctx.today).days
        if not 0 <= closes_in <= limits.closing_window_days:
            continue
        planned = [
            t
            for t in view.tasks
            if t.is_open and t.what_id in (deal.id, view.account.id) and (t.due_date is None or t.due_date >= ctx.today)
        ]
        if planned:
            continue
        deal_quiet = days_since(deal_activity(deal, view), ctx.today)
        if deal_quiet is not None and deal_quiet < limits.closing_quiet_days:
            continue
        if account_quiet is None:
            account_quiet = _account_own_activity_days(view, ctx)
        if account_quiet is not None and account_quiet < limits.closing_quiet_days:
            continue
        quiet = min(d for d in (deal_quiet, account_quiet, 10_000) if d is not None)
        severity: Severity = "high" if closes_in <= 7 else "medium"
        signals.append(
            Signal(
                kind="closing_soon_no_activity",
                severity=severity,
                summary=f"Deal '{deal.name}' ({money(deal.amount)}) closes in {closes_in} days "
                f"({deal.closing_date.isoformat()}) with no activity for {quiet} days "
                "and no task planned",
                evidence=[deal.id],
                evidence_modules={deal.id: "Deals"},
                subject_id=deal.id,
                subject_module="Deals",
                facts={"deal_name": deal.name, "closes_in_days": closes_in, "quiet_days": quiet, "amount": deal.amount},
                subject_name=deal.name,
                what=f"closes in {closes_in} days with nobody working it",
            )
        )
    return signals
