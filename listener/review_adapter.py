"""``sync_records`` and ``review_accounts`` for the listener, built from the review pipeline's parts.

``review.pipeline.run_review`` reviews the whole org (top N flagged); the listener reviews only the
accounts that changed. So this adapter runs the same steps on those accounts:

1. sync — the review's incremental sync (``sync_org``: cursors + snapshot cache), under the review's
   run lock so it never overlaps a scheduled review (a held lock → the worker retries later); what
   changed goes to the memory sync hook;
2. triage — the given accounts (``triage_accounts``), notes read with the setting's product names and the
   org's active products (``review.product_names``, read at most once an hour);
3. review — flagged ones get the agent ``reviewer`` while the day's listener budget allows, else the
   labelled rules (``rules.propose_for``); proposals go to the approval queue, which deduplicates them,
   so a repeated review (at-least-once delivery) queues nothing twice;
4. persist — a ``listener`` run with each account's score, signals and recommendation ids.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from approvals.queueing import queue_proposal
from approvals.write_checks import outside_account
from config.settings import Settings
from integrations.zoho.gateway import ZohoGateway
from integrations.zoho.models import CrmRecord
from review import rules
from review.index import index_by_account
from review.pipeline import LOCK_NAME, ReviewAlreadyRunning
from review.ports import MemorySync, Reviewer, ReviewStore, as_agent_review, maybe_await
from review.product_names import ProductNames, ProductNamesSource
from review.snapshot_cache import SnapshotCache
from review.sync import ReviewCursors, sync_org
from review.thresholds import Thresholds, thresholds_for
from review.triage import triage_accounts

log = logging.getLogger(__name__)

RUN_KIND = "listener"
SYNC_LOCK_TTL_SECONDS = 900


class ListenerReviewResult(BaseModel):
    """What the listener's review of one account did."""

    account_id: str
    account_name: str | None = None
    score: float
    flagged: bool
    reviewed_by: str  # "agent", "rules" or "none" (not flagged)
    recommendation_ids: list[str] = Field(default_factory=list)
    already_queued: int = 0  # of those, identical proposals that were waiting already (not queued twice)
    cost_usd: float = 0.0
    note: str | None = None


def _utcnow() -> datetime:
    return datetime.now(UTC)


class PipelineReview:
    def __init__(
        self,
        settings: Settings,
        *,
        gateway: ZohoGateway,
        store: ReviewStore,
        reviewer: Reviewer | None = None,
        memory_sync: MemorySync | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._settings = settings
        self._gateway = gateway
        self._store = store
        self._reviewer = reviewer
        self._memory_sync = memory_sync
        self._clock = clock
        self._cache = SnapshotCache(settings.home / "review" / "snapshot")
        self._records: dict[str, list[CrmRecord]] | None = None
        self._owner = f"{socket.gethostname()}:{os.getpid()}:listener:{uuid.uuid4().hex[:8]}"
        # the setting's product names and the org's active products (read at most once an hour)
        self._products = ProductNamesSource(gateway, thresholds_for(settings))

    async def sync_records(self, account_ids: list[str]) -> None:
        """Bring the local copy of the org up to date (incrementally) and feed the changes to memory."""
        if not self._store.acquire_run_lock(LOCK_NAME, owner=self._owner, ttl_seconds=SYNC_LOCK_TTL_SECONDS):
            raise ReviewAlreadyRunning(self._store.lock_holder(LOCK_NAME))
        try:
            synced = await sync_org(self._gateway, ReviewCursors(self._store), self._cache, now=self._clock())
        finally:
            self._store.release_run_lock(LOCK_NAME, self._owner)
        self._records = synced.records
        if self._memory_sync is not None and synced.fetched:
            try:
                await maybe_await(self._memory_sync(synced.changed))
            except Exception as exc:  # memory helps the review; it is never a reason to fail it
                log.warning("memory sync failed (%s: %s); the review goes on", type(exc).__name__, exc)

    async def review_accounts(
        self, account_ids: list[str], *, agent_budget_usd: float
    ) -> Sequence[ListenerReviewResult]:
        if self._records is None:
            await self.sync_records(account_ids)
        assert self._records is not None
        now = self._clock()
        views = index_by_account(self._records)
        subset = {a: views[a] for a in account_ids if a in views}
        thresholds, names = await self._thresholds()
        run_id = self._store.start_run(
            RUN_KIND, {"accounts": sorted(account_ids), "agent_budget_usd": agent_budget_usd}
        )
        results: list[ListenerReviewResult] = []
        spent = 0.0
        try:
            for triage in triage_accounts(subset, today=now.date(), thresholds=thresholds):
                result = ListenerReviewResult(
                    account_id=triage.account_id,
                    account_name=triage.account_name,
                    score=triage.score,
                    flagged=triage.flagged,
                    reviewed_by="none",
                )
                if triage.flagged:
                    room = agent_budget_usd - spent >= self._settings.account_budget_usd
                    await self._propose(
                        triage,
                        subset[triage.account_id],
                        run_id,
                        result,
                        use_agent=self._reviewer is not None and room,
                        today=now.date(),
                    )
                    spent += result.cost_usd
                self._store.save_review_result(
                    run_id,
                    triage.account_id,
                    triage.score,
                    [s.model_dump(mode="json") for s in triage.signals],
                    result.recommendation_ids,
                )
                results.append(result)
        except BaseException as exc:
            error = f"{type(exc).__name__}: {str(exc)[:300]}"
            self._store.finish_run(run_id, "interrupted", {"error": error})
            raise
        missing = sorted(set(account_ids) - set(subset))
        self._store.finish_run(
            run_id,
            "succeeded",
            {
                "accounts": len(results),
                "flagged": sum(r.flagged for r in results),
                "cost_usd": spent,
                "not_found": missing,
                **_read_with(names),
            },
        )
        return results

    async def _thresholds(self) -> tuple[Thresholds, ProductNames]:
        """The review's thresholds with the product names: the setting's and Zoho's (read at most hourly). Never
        raises: a failed read is a warning, and the setting's names stay."""
        names = await self._products.get()
        if names.problem:
            log.warning("%s", names.problem)
        return await self._products.thresholds(), names

    async def _propose(
        self, triage: Any, view: Any, run_id: str, result: ListenerReviewResult, *, use_agent: bool, today: Any
    ) -> None:
        outcome = None
        if use_agent:
            assert self._reviewer is not None
            try:
                outcome = as_agent_review(await maybe_await(self._reviewer(triage, view.to_account360())))
            except Exception as exc:  # an agent failure falls back to the rules for this account
                result.note = f"agent review failed ({type(exc).__name__}); used rules"
        if outcome is not None:
            result.cost_usd = outcome.cost_usd
            result.recommendation_ids += list(outcome.queued_ids)
        if outcome is not None and (outcome.proposals or outcome.queued_ids):
            proposals, result.reviewed_by = list(outcome.proposals), "agent"
        else:
            proposals, result.reviewed_by = rules.propose_for(triage, today=today), "rules"
        records = list(view.records())
        own = [(r.module, r.id) for r in records]
        for proposal in proposals:  # screened against past decisions, like the nightly review
            if outside_account(proposal, own):  # a change to another account's records is never queued
                continue
            queued = queue_proposal(
                self._store,
                proposal,
                records=records,
                complete=True,
                now=datetime.now(UTC),
                window=self._settings.duplicate_window,
                run_id=run_id,
                suspicious=bool(outcome is not None and outcome.suspicious),
            )
            if queued.recommendation is not None:
                result.recommendation_ids.append(queued.recommendation.id)
                result.already_queued += 0 if queued.created else 1


def _read_with(names: ProductNames) -> dict[str, Any]:
    """What a listener run's summary says of the product names its notes were read with."""
    said: dict[str, Any] = {"product_names": len(names.names), "product_names_source": names.source}
    if names.problem:
        said["product_names_problem"] = names.problem
    return said
