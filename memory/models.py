"""What the memory returns: facts and hits, each with the citation of the record it came from.

No cognee here: everything outside ``memory/`` may import these models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

FactKind = Literal["record", "change", "decision"]


class MemoryCitation(BaseModel):
    """Where a fact comes from: the Zoho record (or the decision) and when."""

    record_id: str
    module: str
    account_id: str | None = None
    at: datetime | None = None
    excerpt: str = Field(default="", max_length=2000)

    def to_approval_citation(self) -> dict[str, str | None]:
        """The shape of ``domain.proposals.Citation`` (source="memory")."""
        return {
            "source": "memory",
            "record_id": self.record_id,
            "module": self.module,
            "excerpt": self.excerpt[:2000] or None,
        }


class MemoryFact(BaseModel):
    """One dated thing in an account's history: a record as last seen, a field change, a decision."""

    kind: FactKind
    account_id: str | None
    at: datetime | None
    summary: str
    citation: MemoryCitation
    title: str | None = None  # the record's name or title (a deal's name, a note's title), for people
    account_name: str | None = None  # filled in by search, for people


class MemoryHit(BaseModel):
    """A search result: the fact and how close it is to the query (1.0 = same meaning)."""

    score: float
    fact: MemoryFact


class ChangeEvent(BaseModel):
    """A field of a record that changed between two syncs (old → new)."""

    module: str
    record_id: str
    account_id: str | None = None
    field: str
    old: str | None = None
    new: str | None = None
    at: datetime


class RememberResult(BaseModel):
    """What one ``remember_records`` call did."""

    received: int = 0
    stored: int = 0  # new or changed records written to the graph and index
    unchanged: int = 0
    change_events: int = 0


class MemoryStats(BaseModel):
    records: dict[str, int] = Field(default_factory=dict)  # module -> records remembered
    change_events: int = 0
    decisions: int = 0
    pending: int = 0  # stored in the ledger, not yet confirmed in the graph (a crash mid-push)
    disk_bytes: int = 0
    memory_dir: str = ""
    indexed: dict[str, int] = Field(default_factory=dict)  # vector collection -> rows (one per embedded node)
