"""Turn a CRM record into what memory keeps: a comparable snapshot, a title, and the text that is embedded.

The snapshot (the domain model's fields without ``raw`` and the timestamps) decides whether a record
changed and which fields did; its hash is what the ledger compares on the next sync.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from integrations.zoho.models import Account, Contact, CrmRecord, Deal, Note, Task

_VOLATILE = {"raw", "modified_time", "created_time", "last_activity_time"}
MAX_TEXT = 600


@dataclass(frozen=True)
class Described:
    module: str
    record_id: str
    account_id: str | None  # None when it hangs on a record whose account is resolved later
    parent_module: str | None
    parent_id: str | None
    at: datetime | None
    title: str
    text: str
    snapshot: dict[str, Any]
    content_hash: str


def snapshot_of(record: CrmRecord) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude=_VOLATILE)
    owner = data.pop("owner", None)
    data["owner"] = (owner or {}).get("email") or (owner or {}).get("id")
    return dict(sorted(data.items()))


def content_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _join(*parts: Any) -> str:
    return ". ".join(str(p).strip() for p in parts if p not in (None, "") and str(p).strip())


def describe(record: CrmRecord) -> Described:
    parent_module: str | None = None
    parent_id: str | None = None
    if isinstance(record, Account):
        account_id: str | None = record.id
        title = record.name
        text = _join(
            f"Account {record.name}",
            record.industry,
            record.account_type,
            record.billing_city,
            record.billing_country,
            record.description,
        )
    elif isinstance(record, Contact):
        account_id = record.account_id
        title = record.full_name
        text = _join(
            f"Contact {record.full_name}",
            record.title,
            record.email,
            "opted out of email" if record.email_opt_out else None,
            record.description,
        )
    elif isinstance(record, Deal):
        account_id = record.account_id
        title = record.name
        amount = f"amount {record.amount:,.0f}" if record.amount is not None else None
        closing = f"closing {record.closing_date}" if record.closing_date else None
        text = _join(
            f"Deal {record.name}", f"stage {record.stage}", amount, closing, record.next_step, record.description
        )
    elif isinstance(record, Task):
        parent_module, parent_id = record.what_module, record.what_id
        account_id = record.what_id if record.what_module == "Accounts" else None
        title = record.subject
        due = f"due {record.due_date}" if record.due_date else None
        text = _join(f"Task {record.subject}", record.status, record.priority, due, record.description)
    elif isinstance(record, Note):
        parent_module, parent_id = record.parent_module, record.parent_id
        account_id = record.parent_id if record.parent_module == "Accounts" else None
        title = record.title or record.content[:60]
        text = _join(record.title, record.content)
    else:  # pragma: no cover - RECORD_TYPES is closed
        raise TypeError(f"cannot describe {type(record).__name__}")
    snap = snapshot_of(record)
    return Described(
        module=record.module,
        record_id=record.id,
        account_id=account_id,
        parent_module=parent_module,
        parent_id=parent_id,
        at=record.modified_time or record.created_time,
        title=title or record.id,
        text=text[:MAX_TEXT],
        snapshot=snap,
        content_hash=content_hash(snap),
    )


def meaning_text(module: str, snapshot: dict[str, Any], excerpt: str) -> str:
    """What is embedded for a record: its words, not its name, amounts or dates.

    Names, ids, amounts and dates are matched exactly elsewhere (the Data Scout's search, the ledger's
    timeline); in a vector they only blur what the record says. Notes keep their full text. Records
    that say the same thing (two deals in one stage with one next step) share one embedding: the
    embedder computes each distinct text once per batch.
    """
    if module == "Accounts":
        place = ", ".join(str(p) for p in (snapshot.get("billing_city"), snapshot.get("billing_country")) if p)
        return _join(
            snapshot.get("industry"),
            snapshot.get("account_type"),
            f"based in {place}" if place else None,
            snapshot.get("description"),
        )[:MAX_TEXT]
    if module == "Deals":
        return _join(
            f"Deal in stage {snapshot.get('stage')}" if snapshot.get("stage") else None,
            snapshot.get("deal_type"),
            f"next step: {snapshot['next_step']}" if snapshot.get("next_step") else None,
            snapshot.get("description"),
        )[:MAX_TEXT]
    return excerpt
