"""Where the approval workflow meets the rest of the product: the Zoho gateway it writes through and
the listener told about decisions (memory). Kept in one place so the CLI stays plain and tests can
pass their own gateway.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from approvals.decisions import OnDecision
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


def decision_listener(settings: Settings) -> OnDecision | None:
    """``memory.record_decision`` when the memory package offers it, else None."""
    try:
        import memory
    except ImportError:  # pragma: no cover - the package is part of the product
        return None
    listener = getattr(memory, "record_decision", None)
    return listener if callable(listener) else None


__all__ = ["decision_listener", "open_gateway"]
