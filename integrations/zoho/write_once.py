"""An approved write done exactly once, across retries and lost replies: look up, then write, then look up again.

Every write the manager creates carries the approval's idempotency key where it can be found again (a marker in
a task's description or a note's content, the uploaded file's name). ``write_once`` is the one loop built on it:

1. look up the key; found means an earlier run already wrote it (``created=False``), nothing is sent;
2. otherwise prepare the write (checks that only matter for a new write run here, after the look-up) and send it;
3. a transient failure (timeout, 5xx, connection dropped) may hide a write Zoho did: before each retry the key is
   looked up again, and a hit is that attempt's record (``created=True``, its reply was lost); a failure that is
   not transient is raised at once; after ``attempts`` sends the last failure is raised.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from integrations.zoho.error_mapping import is_transient
from integrations.zoho.errors import ZohoError

LookUp = Callable[[], Awaitable[str | None]]
"""The id of the record that carries the write's key, or None."""
Send = Callable[[], Awaitable[str]]
"""One attempt of the write; returns the new record's id."""


async def write_once(look_up: LookUp, prepare: Callable[[], Send], *, attempts: int) -> tuple[str, bool]:
    """``(record id, created)``: the record the approved write made (now or in a run whose reply was lost:
    ``created`` True) or had made before (``created`` False). ``prepare`` runs once, only when the first look-up
    finds nothing, and returns the write to send."""
    existing = await look_up()
    if existing:
        return existing, False
    send = prepare()
    last: ZohoError | None = None
    for attempt in range(attempts):
        if attempt:
            found = await look_up()
            if found:  # our earlier attempt reached Zoho; its reply was lost
                return found, True
        try:
            return await send(), True
        except ZohoError as exc:
            if not is_transient(exc):
                raise
            last = exc
    assert last is not None
    raise last
