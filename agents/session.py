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

import uuid
from collections.abc import Sequence
from typing import Any, Protocol

from claude_agent_sdk import ClaudeAgentOptions

from agents.memory_access import (
    AccountMemoryReader,
    as_memory_reader,
    memory_synced,
    open_read_only_memory,
    read_only_memory,
)
from agents.options import build_options
from agents.run_context import AuditSink, Enqueue
from approvals.models import ProposedAction, Recommendation
from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway


class SessionStore(Protocol):
    """What a session needs from ``state.store.StateStore``."""

    def enqueue(
        self, proposal: ProposedAction, *, run_id: str | None = None, suspicious: bool = False
    ) -> tuple[Recommendation, bool]: ...

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
    return build_options(
        settings,
        gateway=gateway,
        enqueue=store_enqueue(store, run_id),
        audit=store_audit(store),
        memory=as_memory_reader(memory),
        run_id=run_id,
        model_env=model_env,
        max_budget_usd=max_budget_usd,
        max_turns=max_turns,
        remote_write_tools=remote_write_tools,
    )


__all__ = [
    "AccountMemoryReader",
    "SessionStore",
    "as_memory_reader",
    "build_session_options",
    "memory_synced",
    "open_read_only_memory",
    "read_only_memory",
    "store_audit",
    "store_enqueue",
]
