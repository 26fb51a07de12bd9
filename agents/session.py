"""The agents composed from settings and the real parts: the approval workflow's door (the queue, the
queue-time check, the audit log; passed in as an ``ApprovalDoor``), the Zoho gateway and (read-only)
long-term memory.

    store = StateStore.open(settings)
    async with read_only_memory(settings) as memory:          # None when never synced
        approvals = store_approvals(settings, store, gateway)  # approvals.agent_door
        options = build_session_options(settings, gateway=gateway, approvals=approvals, memory=memory)
        result = await run_orchestrator(options, question)
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
from agents.run_context import AuditSink, Enqueue, WriteCheck
from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway


class ApprovalDoor(Protocol):
    """What the approval workflow gives one agent run (``approvals.agent_door.StoreApprovals``): the queue a
    proposal goes to (stamped with the run id), the check it passes first and where audit events go. The
    agents never decide by themselves what is queued."""

    def enqueue_for(self, run_id: str) -> Enqueue: ...
    def write_check(self) -> WriteCheck | None: ...
    def audit_sink(self) -> AuditSink: ...


# --- options ------------------------------------------------------------------------------------
def build_session_options(
    settings: Settings,
    *,
    gateway: ZohoGateway,
    approvals: ApprovalDoor,
    memory: Any = None,
    run_id: str | None = None,
    model_env: dict[str, str] | None = None,
    max_budget_usd: float | None = None,
    max_turns: int | None = None,
    remote_write_tools: Sequence[str] = (),
) -> ClaudeAgentOptions:
    """Options for one orchestrated run over the approval workflow's door (queue, check, audit) and memory.

    ``memory`` is an ``AccountMemory`` (opened read-only), a ``MemoryReader``, or None: then the Memory
    Analyst's tools answer that memory is not built yet. ``model_env`` replaces the settings' model
    environment (tests pass the scripted model's ``env()``)."""
    run_id = run_id or f"run-{uuid.uuid4().hex[:12]}"
    return build_options(
        settings,
        gateway=gateway,
        enqueue=approvals.enqueue_for(run_id),
        audit=approvals.audit_sink(),
        check=approvals.write_check(),
        memory=as_memory_reader(memory),
        run_id=run_id,
        model_env=model_env,
        max_budget_usd=max_budget_usd,
        max_turns=max_turns,
        remote_write_tools=remote_write_tools,
    )


__all__ = [
    "AccountMemoryReader",
    "ApprovalDoor",
    "as_memory_reader",
    "build_session_options",
    "memory_synced",
    "open_read_only_memory",
    "read_only_memory",
]
