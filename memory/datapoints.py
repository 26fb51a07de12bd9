"""cognee graph nodes for CRM history. Importing this module imports cognee: only memory.cognee_store does.

Every node carries the citation of its source: ``source_id`` (Zoho record id), ``module``,
``account_id`` and ``record_date`` (ISO date of the record's last change). ``text`` is what is
embedded; ``source_key`` (module:id) is the identity field, so re-pushing a record updates its node
instead of adding a second one. Links to the account are explicit edges (``belongs_to``), so that
a changed note is pushed alone, without re-embedding its account.
"""

from __future__ import annotations

from cognee.infrastructure.engine import DataPoint


class _MemoryNode(DataPoint):
    name: str
    source_key: str
    source_id: str
    module: str
    account_id: str = ""
    record_date: str = ""
    text: str = ""


class CrmAccount(_MemoryNode):
    industry: str = ""
    owner_email: str = ""
    metadata: dict = {"index_fields": ["text"], "identity_fields": ["source_key"]}


class CrmContact(_MemoryNode):
    # graph only: a contact's card adds nothing to recall by meaning, and not embedding it saves time
    metadata: dict = {"index_fields": [], "identity_fields": ["source_key"]}


class CrmDeal(_MemoryNode):
    stage: str = ""
    amount: float | None = None
    metadata: dict = {"index_fields": ["text"], "identity_fields": ["source_key"]}


class CrmTask(_MemoryNode):
    status: str = ""
    metadata: dict = {"index_fields": [], "identity_fields": ["source_key"]}  # graph only, like contacts


class CrmNote(_MemoryNode):
    metadata: dict = {"index_fields": ["text"], "identity_fields": ["source_key"]}


class CrmChange(_MemoryNode):
    """One field change (old → new) of a record, as seen between two syncs."""

    field: str = ""
    old_value: str = ""
    new_value: str = ""
    metadata: dict = {"index_fields": ["text"], "identity_fields": ["source_key"]}


class AccountDecision(_MemoryNode):
    """A human decision on a recommendation, and why: the raw material of "similar situations"."""

    decision: str = ""
    reason: str = ""
    metadata: dict = {"index_fields": ["text"], "identity_fields": ["source_key"]}


NODE_TYPES: dict[str, type[_MemoryNode]] = {
    "Accounts": CrmAccount,
    "Contacts": CrmContact,
    "Deals": CrmDeal,
    "Tasks": CrmTask,
    "Notes": CrmNote,
    "Changes": CrmChange,
    "Decisions": AccountDecision,
}
