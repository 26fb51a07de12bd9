"""Deleted notes, found by reconciliation: Zoho's recycle bin (``/{module}/deleted``) does not serve
Notes, and its notifications do not cover them, so a consumer compares the note ids it holds with the
ids ``GET /crm/v8/Notes`` lists now. Whatever it holds that Zoho no longer lists was deleted.

Cost: one call per 200 notes (``fields=Modified_Time``, ``per_page=200``). The review reconciles at most
once per ``RECONCILE_EVERY`` (its own ``Reconciled:Notes`` cursor), so listener-triggered reviews do not
repeat it; memory's ``sync`` (run by hand) reconciles every run. A 25,000-note org spends 125 credits per
reconciliation. A consumer that cannot reach Zoho keeps its notes and tries again next run.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from integrations.zoho.gateway import CursorStore
from integrations.zoho.models import DeletedRecord

CURSOR = "Reconciled:Notes"
RECONCILE_EVERY = timedelta(hours=20)  # the nightly review reconciles each night, never twice a day


def reconciliation_due(cursors: CursorStore, now: datetime, *, every: timedelta = RECONCILE_EVERY) -> bool:
    last = cursors.get_cursor(CURSOR)
    return last is None or now - last >= every


async def vanished_notes(gateway: Any, known_ids: Iterable[str], *, now: datetime) -> list[DeletedRecord]:
    """The notes among ``known_ids`` that Zoho no longer lists ([] from a gateway that cannot list note
    ids). Raises ``ZohoError`` when the list cannot be read."""
    list_ids = getattr(gateway, "note_ids", None)
    known = {str(i) for i in known_ids}
    if list_ids is None or not known:
        return []
    live: set[str] = await list_ids()
    return [DeletedRecord(module="Notes", id=i, deleted_time=now) for i in sorted(known - live)]


def mark_reconciled(cursors: CursorStore, now: datetime) -> None:
    cursors.set_cursor(CURSOR, now)
