"""The agents composed from settings and the real parts: the state store's approval queue and audit log,
the Zoho gateway and (read-only) long-term memory.

    store = StateStore.open(settings)
    async with read_only_memory(settings) as memory:          # None when never synced
        options = build_session_options(settings, gateway=gateway, store=store, memory=memory)
        result = await run_orchestrator(options, question)

Every proposal (``propose_action`` or a write caught by the approval gate) lands in ``store.enqueue`` with
the run id and the suspicious flag; every audit event goes to ``store.record_audit``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any, Protocol

from claude_agent_sdk import ClaudeAgentOptions

from agents.options import build_options
from agents.run_context import AuditSink, Enqueue
from agents.tools.memory_tools import MemoryReader
from approvals.models import ProposedAction, Recommendation
from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway

LEDGER_FILE = "ledger.sqlite3"  # memory.account_memory.LEDGER_FILE (not imported: that pulls in cognee)


class SessionStore(Protocol):
    """What a session needs from ``state.store.StateStore``."""

    def enqueue(self, proposal: ProposedAction, *, run_id: str | None = None,
                suspicious: bool = False) -> tuple[Recommendation, bool]: ...

    def record_audit(self, event: dict[str, Any]) -> int: ...


def store_enqueue(store: SessionStore, run_id: str) -> Enqueue:
    """``enqueue(proposal, suspicious)`` into the store's approval queue, stamped with the run id."""

    def enqueue(proposal: ProposedAction, suspicious: bool) -> Recommendation:
        recommendation, _created = store.enqueue(proposal, run_id=run_id, suspicious=suspicious)
        return recommendation

    return enqueue


def store_audit(store: SessionStore) -> AuditSink:
    def audit(event: dict[str, Any]) -> None:
        store.record_audit(event)

    return audit


# --- memory -------------------------------------------------------------------------------------
def _fact_dict(fact: Any, score: float | None = None) -> dict[str, Any]:
    """A ``memory.models.MemoryFact`` as the memory tools hand it to the model, with its citation."""
    citation = fact.citation
    out: dict[str, Any] = {
        "citation": citation.record_id, "module": citation.module, "kind": fact.kind,
        "account_id": fact.account_id, "at": fact.at.isoformat() if fact.at else None, "text": fact.summary,
    }
    if citation.excerpt and citation.excerpt != fact.summary:
        out["excerpt"] = citation.excerpt[:500]
    if score is not None:
        out["score"] = round(float(score), 3)
    return {k: v for k, v in out.items() if v is not None}


class AccountMemoryReader:
    """``MemoryReader`` (what the agents' memory tools call) over ``memory.interface.AccountMemory``."""

    def __init__(self, memory: Any) -> None:
        self.memory = memory

    async def timeline(self, account_id: str) -> list[dict[str, Any]]:
        return [_fact_dict(f) for f in await self.memory.timeline(account_id, limit=50)]

    async def search(self, query: str, account_id: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        hits = await self.memory.search(query, account_id=account_id, limit=limit)
        return [_fact_dict(h.fact, h.score) for h in hits]

    async def similar_situations(self, text: str, limit: int = 5) -> list[dict[str, Any]]:
        hits = await self.memory.similar_situations(text, limit=limit)
        return [_fact_dict(h.fact, h.score) for h in hits]


def as_memory_reader(memory: Any) -> MemoryReader | None:
    """An ``AccountMemory`` wrapped for the tools; a ``MemoryReader`` (e.g. a test fake) as it is."""
    if memory is None:
        return None
    if hasattr(memory, "remember_records") or hasattr(memory, "stats"):
        return AccountMemoryReader(memory)
    return memory


def memory_synced(settings: Settings) -> bool:
    """Whether a memory sync ever ran (cheap: no cognee import)."""
    return (settings.memory_dir.expanduser() / LEDGER_FILE).exists()


async def open_read_only_memory(settings: Settings) -> Any:
    """``memory.interface.open_memory(settings, read_only=True)``; raises ``MemoryNotReadyError`` when the
    memory was never synced (nothing to read: run ``python main.py sync``)."""
    from memory.interface import MemoryNotReadyError, open_memory

    if not memory_synced(settings):
        raise MemoryNotReadyError("the long-term memory has never been synced: run `python main.py sync`")
    memory = await open_memory(settings, read_only=True)
    try:
        stats = await memory.stats()
    except Exception:
        stats = None
    if stats is not None and not sum(stats.records.values()) and not stats.decisions:
        await memory.aclose()
        raise MemoryNotReadyError("the long-term memory is empty: run `python main.py sync`")
    return memory


@contextlib.asynccontextmanager
async def read_only_memory(settings: Settings, *, notes: list[str] | None = None) -> AsyncIterator[Any]:
    """The memory opened read-only, or None when it is not built yet or fails to open (the reason is
    appended to ``notes``). Closed on exit."""
    memory = None
    try:
        memory = await open_read_only_memory(settings)
    except Exception as exc:  # memory is optional for every caller
        if notes is not None:
            notes.append(f"long-term memory unavailable: {exc}")
    try:
        yield memory
    finally:
        if memory is not None:
            with contextlib.suppress(Exception):
                await memory.aclose()


# --- options ------------------------------------------------------------------------------------
def build_session_options(
    settings: Settings,
    *,
    gateway: ZohoGateway,
    store: SessionStore,
    memory: Any = None,
    run_id: str | None = None,
    model_env: dict[str, str] | None = None,
    max_budget_usd: float | None = None,
    max_turns: int | None = None,
    remote_write_tools: Sequence[str] = (),
) -> ClaudeAgentOptions:
    """Options for one orchestrated run over the real store (queue + audit) and memory.

    ``memory`` is an ``AccountMemory`` (opened read-only), a ``MemoryReader``, or None: then the Memory
    Analyst's tools answer that memory is not built yet. ``model_env`` replaces the settings' model
    environment (tests pass the scripted model's ``env()``)."""
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    return build_options(settings, gateway=gateway, enqueue=store_enqueue(store, run_id), audit=store_audit(store),
                         memory=as_memory_reader(memory), run_id=run_id, model_env=model_env,
                         max_budget_usd=max_budget_usd, max_turns=max_turns, remote_write_tools=remote_write_tools)


__all__ = [
    "AccountMemoryReader", "SessionStore", "as_memory_reader", "build_session_options", "memory_synced",
    "open_read_only_memory", "read_only_memory", "store_audit", "store_enqueue",
]
