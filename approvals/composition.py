"""Where the approval workflow meets the rest of the product: the Zoho gateway it writes through.
Kept in one place so the CLI stays plain and tests can pass their own gateway.

Decisions reach long-term memory by pull, not push: opening the memory (cognee + the embedding model)
takes tens of seconds, too slow for an interactive prompt, so ``approve`` only records decisions in the
state store and the memory sync reads them with ``StateStore.decided_since(cursor)`` and calls
``AccountMemory.record_decision``. A caller that already holds an open memory can still pass
``on_decision=memory.record_decision`` to ``cli.approve_command.run`` / ``approvals.decisions.decide``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway
from state.store import StateStore


@contextlib.asynccontextmanager
async def open_gateway(settings: Settings, store: StateStore) -> AsyncIterator[ZohoGateway]:
    """The product's Zoho gateway (``integrations.zoho.factory.build_gateway``) on the connection
    ``integrations.zoho.connection.zoho_connection(settings)`` resolves (real Zoho, or the embedded
    sandbox when no credentials are set). Every Zoho call is audited into ``store``."""
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway

    def audit(event: dict[str, Any]) -> None:
        store.record_audit(event)

    with zoho_connection(settings) as connection:
        gateway = build_gateway(settings, connection=connection, audit=audit)
        try:
            yield gateway
        finally:
            await gateway.aclose()


__all__ = ["open_gateway"]
