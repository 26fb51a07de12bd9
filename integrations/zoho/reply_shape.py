"""The shape of a Zoho list reply, checked once for every tier: ``{"data": [record, ...], "info": {...}}``.

A reply whose ``data`` is not a list of objects (a string, a number, a list of numbers) or whose ``info`` is
not an object is never "no records": it is a broken reply, raised as ``ZohoUnavailableError`` (transient
trouble: the fallback cascade and the breakers treat it like a 5xx), never a ``TypeError`` deep in a caller.
"""

from __future__ import annotations

from typing import Any

from integrations.zoho.errors import ZohoUnavailableError


def data_rows(
    body: dict[str, Any] | None, *, tier: str, module: str | None = None, record_id: str | None = None
) -> list[dict[str, Any]]:
    """The records of a reply (``[]`` for an empty one); a malformed ``data`` raises."""
    if not body:
        return []
    data = body.get("data")
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise ZohoUnavailableError(
            'Zoho sent a reply whose "data" is not a list of records',
            module=module,
            record_id=record_id,
            tier=tier,
        )
    return data


def more_records(
    body: dict[str, Any] | None, *, tier: str, module: str | None = None, record_id: str | None = None
) -> bool:
    """Zoho's ``info.more_records`` (False when there is no ``info``); a malformed ``info`` raises."""
    info = (body or {}).get("info")
    if info is None or info == []:  # some endpoints send an empty list for "no info"
        return False
    if not isinstance(info, dict):
        raise ZohoUnavailableError(
            'Zoho sent a reply whose "info" is not an object', module=module, record_id=record_id, tier=tier
        )
    more = info.get("more_records", False)
    if not isinstance(more, bool):
        raise ZohoUnavailableError(
            'Zoho sent a reply whose "more_records" is not true or false', module=module, record_id=record_id, tier=tier
        )
    return more
