"""silent_account: a big account (annual revenue >= ``big_account_revenue``) with no activity on it or any
of its records for ``silent_days`` or more. Evidence: the account."""

from __future__ import annotations

from review.activity import account_activity, days_since
from review.index import AccountView
from review.models import Severity, Signal
from review.signals.context import TriageContext, money


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    account = view.account
    if (account.annual_revenue or 0) < ctx.thresholds.big_account_revenue:
        return []
    quiet = days_since(account_activity(view), ctx.today)
    if quiet is None or quiet < ctx.thresholds.silent_days:
        return []
    severity: Severity = "high" if quiet >= 2 * ctx.thresholds.silent_days else "medium"
    return [
        Signal(
            kind="silent_account",
            severity=severity,
            summary=f"{account.name} ({money(account.annual_revenue)} annual revenue) has had no activity "
            f"for {quiet} days",
            evidence=[account.id],
            evidence_modules={account.id: "Accounts"},
            subject_id=account.id,
            subject_module="Accounts",
            facts={"quiet_days": quiet, "annual_revenue": account.annual_revenue},
            subject_name=account.name,
            what=f"no activity for {quiet} days",
        )
    ]
