"""The seam every listener part uses to reach Zoho: ``(method, path, json) -> (status, body)``.

The listener needs what the ``ZohoGateway`` contract does not offer (the ``actions/watch`` endpoints,
records by id), so it calls through the integration layer's REST tier (``RestTier.call_json``): OAuth with
one refresh on a refused token (``ZohoAuth``), retries with backoff, the concurrency cap, the credit meter,
and every failure already a ``ZohoError``. Nothing here sees httpx.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from integrations.zoho.tier_contract import WriteTier

# ``path`` starts at the API root, e.g. "/crm/v8/actions/watch" or "/crm/v8/Deals?ids=1,2"; ``body`` is
# None for 204/304/empty replies.
ZohoRestCall = Callable[[str, str, dict[str, Any] | None], Awaitable[tuple[int, Any]]]


def tier_rest_call(tier: WriteTier) -> ZohoRestCall:
    """The gateway's REST tier (``gateway.rest``) as a ``ZohoRestCall``."""
    return tier.call_json
