"""Decisions made in the browser, through the same doors as ``approve``: ``approvals.decisions.decide`` records
them (compare-and-set on the recommendation's status: a proposal decided in a terminal at the same moment is
decided once), and ``approvals.executor.execute_approved`` writes the approved ones (claim → execute → mark:
written once). No other write path.

The executor runs one at a time across processes (a lock in the state store). When a terminal ``approve``
holds it, the browser's approvals stay ``approved`` and are sent by a retry loop a few seconds later (or by
that terminal's run, whichever claims them first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable

from approvals.decisions import OnDecision, decide
from approvals.executor import ExecutionOutcome, ExecutorBusy, execute_approved
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway
from state.errors import InvalidTransition
from state.store import StateStore
from web.sessions import Viewer

log = logging.getLogger(__name__)
RETRY_SECONDS = 3.0
RETRY_ROUNDS = 200  # ten minutes of waiting for another executor


class Decisions:
    def __init__(self, store: StateStore, gateway: ZohoGateway, *, on_decision: OnDecision | None = None) -> None:
        self._store = store
        self._gateway = gateway
        self._on_decision = on_decision
        self._lock = asyncio.Lock()  # one executor call at a time in this process
        self._backlog: set[str] = set()
        self._retry: asyncio.Task[None] | None = None

    async def approve(self, viewer: Viewer, rec_id: str, *, edited: ProposedAction | None = None) -> Recommendation:
        """Approve (as edited, when given) and write it now. Raises ``InvalidTransition`` when it was
        decided meanwhile (by anyone), ``NotFoundError`` when unknown."""
        await decide(
            self._store, rec_id, "approved", by=viewer.decided_by, edited=edited, on_decision=self._on_decision
        )
        await self.execute([rec_id])
        return self._current(rec_id)

    async def approve_many(self, viewer: Viewer, rec_ids: Iterable[str]) -> list[Recommendation]:
        """Approve each (one decided meanwhile elsewhere is left as it is), then write the approved ones.
        Returns every recommendation asked for, as it now stands."""
        ids = list(dict.fromkeys(rec_ids))
        decided = []
        for rec_id in ids:
            try:
                await decide(self._store, rec_id, "approved", by=viewer.decided_by, on_decision=self._on_decision)
            except InvalidTransition:  # decided in a terminal (or another tab) a moment ago: theirs stands
                continue
            decided.append(rec_id)
        await self.execute(decided)
        return [self._current(rec_id) for rec_id in ids]

    async def reject(self, viewer: Viewer, rec_id: str, reason: str) -> Recommendation:
        return await decide(
            self._store, rec_id, "rejected", by=viewer.decided_by, reason=reason, on_decision=self._on_decision
        )

    async def skip(self, viewer: Viewer, rec_id: str) -> Recommendation:
        return await decide(self._store, rec_id, "skipped", by=viewer.decided_by, on_decision=self._on_decision)

    def _current(self, rec_id: str) -> Recommendation:
        rec = self._store.get_recommendation(rec_id)
        assert rec is not None
        return rec

    async def execute(self, rec_ids: list[str]) -> list[ExecutionOutcome]:
        """Send these approved writes now; if another process is executing, retry in the background."""
        async with self._lock:
            try:
                return await execute_approved(self._store, self._gateway, ids=rec_ids)
            except ExecutorBusy:
                self._later(rec_ids)
            except ZohoError as exc:  # nothing was claimed: they stay approved for the next attempt
                log.warning("could not execute approved writes now: %s", exc)
                self._later(rec_ids)
        return []

    def _later(self, rec_ids: list[str]) -> None:
        self._backlog.update(rec_ids)
        if self._retry is None or self._retry.done():
            self._retry = asyncio.get_running_loop().create_task(self._retry_loop())

    async def _retry_loop(self) -> None:
        for _ in range(RETRY_ROUNDS):
            await asyncio.sleep(RETRY_SECONDS)
            waiting = [
                r for r in self._backlog if (rec := self._store.get_recommendation(r)) and rec.status == "approved"
            ]
            self._backlog = set(waiting)
            if not waiting:
                return
            async with self._lock:
                with contextlib.suppress(ExecutorBusy, ZohoError):
                    await execute_approved(self._store, self._gateway, ids=waiting)

    async def aclose(self) -> None:
        if self._retry is not None:
            self._retry.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._retry
