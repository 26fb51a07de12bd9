"""Group commit for the callback intake: concurrent callbacks share one durable SQLite transaction.

Each request still waits until *its* row is committed before it answers 200; a burst of 100 callbacks
costs a handful of fsyncs instead of 100. If the write fails, every waiter gets the error (→ 503, and
Zoho delivers again).
"""

from __future__ import annotations

import asyncio

from listener.callback_queue import CallbackQueue, IncomingCallback


class GroupCommitIntake:
    def __init__(self, queue: CallbackQueue) -> None:
        self._queue = queue
        self._pending: list[tuple[IncomingCallback, asyncio.Future[int]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def put(self, item: IncomingCallback) -> int:
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._pending.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush(), name="listener-intake")
        # shield: a client that hangs up must not cancel the write others wait for
        return await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                ids = await asyncio.to_thread(self._queue.put_many, [item for item, _ in batch])
            except Exception as exc:  # disk full, locked database...: no waiter may answer 200
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), row_id in zip(batch, ids, strict=True):
                if not future.done():
                    future.set_result(row_id)

    async def drain(self) -> None:
        """Wait for writes in flight (on shutdown)."""
        if self._flusher is not None:
            await asyncio.shield(self._flusher)
