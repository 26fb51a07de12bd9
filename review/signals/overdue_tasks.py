"""overdue_tasks: open tasks on the account or its deals past their due date (and ``overdue_grace_days``).
Evidence: the tasks."""

from __future__ import annotations

from review.index import AccountView
from review.models import Severity, Signal
from review.signals.context import TriageContext


def detect(view: AccountView, ctx: TriageContext) -> list[Signal]:
    targets = {view.account.id} | {d.id for d in view.deals}
    grace = ctx.thresholds.overdue_grace_days
    overdue = sorted(
        (
            t
            for t in view.tasks
            if t.is_open and t.due_date is not None and t.what_id in targets and (ctx.today - t.due_date).days > grace
        ),
        key=lambda t: (t.due_date, t.id),
    )
    if not overdue:
        return []
    oldest = overdue[0]
    assert oldest.due_date is not None
    late = (ctx.today - oldest.due_date).days
    severity: Severity = "high" if len(overdue) >= 3 or late >= 30 else "medium"
    if len(overdue) == 1:
        summary = f"Task '{oldest.subject}' was due {oldest.due_date.isoformat()} and is {late} days overdue"
    else:
        summary = f"{len(overdue)} open tasks are past due; the oldest, '{oldest.subject}', is {late} days overdue"
    return [
        Signal(
            kind="overdue_tasks",
            severity=severity,
            summary=summary,
            evidence=[t.id for t in overdue],
            evidence_modules={t.id: "Tasks" for t in overdue},
            subject_id=view.account.id,
            subject_module="Accounts",
            facts={"count": len(overdue), "oldest_days_overdue": late, "oldest_subject": oldest.subject},
            subject_name=view.account.name,
            what=f"{len(overdue)} open task{'s' if len(overdue) > 1 else ''} past due",
        )
    ]
