"""Zoho's recycle bin read by cursor: what was deleted since a consumer last looked.

Each consumer (memory's ``sync``, the review) keeps its own ``Deleted:<Module>`` cursor in its own
``CursorStore``. ``deleted_since`` reads the bin from a second before the cursor (Zoho's times have whole
seconds; seeing a deletion twice is harmless), ``mark_seen`` moves the cursor once the consumer has
taken what was read, so a consumer that fails in between reads the same deletions again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from integrations.zoho.gateway import CursorStore
from integrations.zoho.models import DeletedRecord, Module

CURSOR_PREFIX = "Deleted:"
OVERLAP = timedelta(seconds=1)


async def deleted_since(gateway: Any, cursors: CursorStore, module: Module) -> list[DeletedRecord]:
    """The records of ``module`` deleted since the cursor (all of the bin the first time); [] from a
    gateway that cannot read the bin. Raises ``ZohoError`` when the bin cannot be read."""
    fetch = getattr(gateway, "fetch_deleted", None)
    if fetch is None:
        return []
    cursor = cursors.get_cursor(CURSOR_PREFIX + module)
    found: list[DeletedRecord] = await fetch(module, since=cursor - OVERLAP if cursor else None)
    return found


def mark_seen(cursors: CursorStore, module: Module, deleted: list[DeletedRecord]) -> None:
    """Move the cursor to the newest deletion taken (never back)."""
    newest = max((d.deleted_time for d in deleted if d.deleted_time is not None), default=None)
    cursor = cursors.get_cursor(CURSOR_PREFIX + module)
    if newest is not None and (cursor is None or newest > cursor):
        cursors.set_cursor(CURSOR_PREFIX + module, newest)
