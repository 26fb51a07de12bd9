"""Small builders of domain records for tests, examples and docs: ``account(...)``, ``deal(...)``…

Every builder takes the fields that matter and fills the rest; times are given as days before ``TODAY``
(a fixed day) so a test reads as "a note written 10 days ago".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from itertools import count
from typing import Any

from integrations.zoho.models import Account, Contact, CrmRecord, Deal, Note, Task, UserRef

TODAY = date(2025, 6, 2)
OWNER = UserRef(id="u1", name="Ana Owner", email="ana@example.com")
_ids = count(1000)


def ago(days: float | None) -> datetime | None:
    if days is None:
        return None
    return datetime.combine(TODAY, time(12, 0), tzinfo=UTC) - timedelta(days=days)


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def account(
    *,
    id: str | None = None,
    name: str = "Acme Corp",
    revenue: float | None = 250_000,
    active_days_ago: float | None = 3,
    owner: UserRef | None = OWNER,
    **extra: Any,
) -> Account:
    return Account(
        id=id or _id("acc"),
        name=name,
        annual_revenue=revenue,
        owner=owner,
        created_time=ago(400),
        modified_time=ago(active_days_ago),
        last_activity_time=ago(active_days_ago),
        **extra,
    )


def contact(
    account_id: str,
    *,
    id: str | None = None,
    first: str = "Jane",
    last: str = "Doe",
    title: str | None = "Buyer",
    description: str | None = None,
    opt_out: bool = False,
    active_days_ago: float | None = 5,
) -> Contact:
    return Contact(
        id=id or _id("con"),
        first_name=first,
        last_name=last,
        title=title,
        account_id=account_id,
        description=description,
        email_opt_out=opt_out,
        owner=OWNER,
        created_time=ago(300),
        modified_time=ago(active_days_ago),
        last_activity_time=ago(active_days_ago),
    )


def deal(
    account_id: str,
    *,
    id: str | None = None,
    name: str = "Acme renewal",
    stage: str = "Qualification",
    amount: float | None = 50_000,
    closes_in_days: int | None = 60,
    active_days_ago: float | None = 3,
    contact_id: str | None = None,
) -> Deal:
    closing = TODAY + timedelta(days=closes_in_days) if closes_in_days is not None else None
    return Deal(
        id=id or _id("deal"),
        name=name,
        stage=stage,
        amount=amount,
        closing_date=closing,
        account_id=account_id,
        contact_id=contact_id,
        owner=OWNER,
        created_time=ago(200),
        modified_time=ago(active_days_ago),
        last_activity_time=ago(active_days_ago),
    )


def task(
    what_id: str,
    *,
    id: str | None = None,
    subject: str = "Call back",
    status: str = "Not Started",
    due_in_days: int | None = 5,
    created_days_ago: float = 20,
    what_module: str = "Accounts",
    who_id: str | None = None,
) -> Task:
    due = TODAY + timedelta(days=due_in_days) if due_in_days is not None else None
    return Task(
        id=id or _id("task"),
        subject=subject,
        status=status,
        due_date=due,
        what_id=what_id,
        what_module=what_module,
        who_id=who_id,
        owner=OWNER,
        created_time=ago(created_days_ago),
        modified_time=ago(created_days_ago),
    )


def note(
    parent_id: str,
    content: str,
    *,
    id: str | None = None,
    title: str | None = None,
    days_ago: float = 5,
    parent_module: str = "Accounts",
) -> Note:
    return Note(
        id=id or _id("note"),
        title=title,
        content=content,
        parent_id=parent_id,
        parent_module=parent_module,
        owner=OWNER,
        created_time=ago(days_ago),
        modified_time=ago(days_ago),
    )


def org(*records: CrmRecord | Iterable[CrmRecord]) -> dict[str, list[CrmRecord]]:
    """Group records by module, as ``OrgSnapshot.records``."""
    grouped: dict[str, list[CrmRecord]] = {}
    for item in records:
        for record in [item] if isinstance(item, CrmRecord) else item:
            grouped.setdefault(record.module, []).append(record)
    return grouped
