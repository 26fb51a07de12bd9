"""When something last happened on a record, a deal or an account.

A record's own activity is Zoho's ``Last_Activity_Time`` when present (Zoho moves it on edits, calls,
notes and tasks), else its ``Modified_Time``, else its ``Created_Time``. Notes count from when they were
written; tasks from when they were created or closed. Nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from integrations.zoho.models import Account, Contact, CrmRecord, Deal, Note, Task
from review.index import AccountView


def record_activity(record: CrmRecord) -> datetime | None:
    if isinstance(record, (Account, Contact, Deal)) and record.last_activity_time is not None:
        return record.last_activity_time
    if isinstance(record, Note):
        return record.created_time or record.modified_time
    if isinstance(record, Task):
        return _latest([record.created_time, record.closed_time])
    return record.modified_time or record.created_time


def _latest(values: Iterable[datetime | None]) -> datetime | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def deal_activity(deal: Deal, view: AccountView) -> datetime | None:
    """The deal's own activity and that of the notes and tasks hanging on it."""
    on_deal: list[datetime | None] = [record_activity(deal)]
    on_deal += [record_activity(n) for n in view.notes if n.parent_id == deal.id]
    on_deal += [record_activity(t) for t in view.tasks if t.what_id == deal.id]
    return _latest(on_deal)


def account_activity(view: AccountView) -> datetime | None:
    """The latest activity on the account or any record hanging on it."""
    return _latest(record_activity(r) for r in view.records())


def days_since(moment: datetime | date | None, today: date) -> int | None:
    if moment is None:
        return None
    day = moment.date() if isinstance(moment, datetime) else moment
    return (today - day).days
