"""The worker: queued callbacks → accounts → (debounced) sync + review → ack.

1. *Resolve*: each new callback's record ids become account ids (``resolve_accounts``); the callback is
   then stored as per-account work. A failed resolution is retried with backoff.
2. *Debounce*: an account is due once no change arrived for ``debounce_seconds`` (or after
   ``max_wait_seconds`` under a constant stream of edits). Many edits → one review.
3. *Review*: ``sync_records(ids)`` then ``review_accounts(ids, agent_budget_usd=…)``; the agent budget is
   what remains of today's ``listener_daily_budget_usd`` (0 → triage + rule proposals only).
4. *Ack* only after the review succeeded; on failure the accounts are retried with backoff. Delivery is
   at least once, so reviews must be idempotent (the review pipeline deduplicates its proposals).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol

from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError
from listener.callback_queue import CallbackQueue, DueAccount, QueuedCallback
from listener.ledger import DailyLedger
from listener.resolver import ResolveAccounts

log = logging.getLogger(__name__)

SyncRecords = Callable[[list[str]], Awaitable[Any]]


class ReviewAccounts(Protocol):
    """Triage the accounts and, within ``agent_budget_usd``, run the agent review of the flagged ones.
    Returns one result per reviewed account; a result may carry ``cost_usd`` (attribute or key)."""

    def __call__(self, account_ids: list[str], *, agent_budget_usd: float) -> Awaitable[Sequence[Any]]: ...


def result_cost_usd(result: Any) -> float:
    for name in ("cost_usd", "total_cost_usd", "spent_usd"):
        value = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
        if isinstance(value, int | float):
            return float(value)
    return 0.0


def backoff_seconds(attempts: int, *, base: float, cap: float) -> float:
    return float(min(cap, base * (2 ** max(0, attempts))))


RESOLVE_BATCH, RESOLVE_ROUNDS = 200, 50  # at most 10,000 callbacks resolved before the due accounts are reviewed
CREDITS_PAUSE_SECONDS = 3600.0  # spent API credits: wait for them, not for a backoff of seconds


def retry_delay(exc: BaseException, attempts: int, *, base: float, cap: float) -> float:
    """How long queued work waits after ``exc``: an hour when the API credits are spent (Zoho's come back as
    day-old calls leave the window; a spent SERGAS_ZOHO_CREDIT_BUDGET needs a restart), else a backoff."""
    if isinstance(exc, ZohoCreditsExhaustedError):
        return CREDITS_PAUSE_SECONDS
    return backoff_seconds(attempts, base=base, cap=cap)


class Worker:
    def __init__(
        self,
        queue: CallbackQueue,
        ledger: DailyLedger,
        *,
        resolve_accounts: ResolveAccounts,
        sync_records: SyncRecords,
        review_accounts: ReviewAccounts,
        debounce_seconds: float = 5.0,
        max_wait_seconds: float | None = None,
        batch_size: int = 25,
        retry_base_seconds: float = 2.0,
        retry_cap_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._queue = queue
        self._ledger = ledger
        self._resolve = resolve_accounts
        self._sync = sync_records
        self._review = review_accounts
        self.debounce_seconds = debounce_seconds
        if max_wait_seconds is None:
            max_wait_seconds = max(60.0, 12 * debounce_seconds)
        self.max_wait_seconds = max_wait_seconds
        self._batch_size = batch_size
        self._retry_base = retry_base_seconds
        self._retry_cap = retry_cap_seconds
        self._clock = clock
        self._wake = asyncio.Event()
        self.last_error: str | None = None

    def notify(self) -> None:
        """A callback was queued: look now rather than at the next poll."""
        self._wake.set()

    # --- one pass ------------------------------------------------------------------------------
    async def resolve_pending(self) -> int:
        """Turn new callbacks into per-account work, until none is left unresolved (callbacks that arrived
        while a batch was resolved included: an account is reviewed after every change queued before its
        review, not once for the early ones and again for the late ones). Returns how many were resolved."""
        done = 0
        for _ in range(RESOLVE_ROUNDS):  # bounded: a flood of callbacks never starves the reviews
            batch = await asyncio.to_thread(self._queue.unresolved, self._clock(), RESOLVE_BATCH)
            if not batch:
                break
            for callback in batch:
                await self._resolve_one(callback)
                done += 1
        return done

    async def _resolve_one(self, callback: QueuedCallback) -> None:
        ids = [str(i) for i in callback.body.get("ids") or []]
        try:
            if callback.module == "Accounts" and callback.operation == "delete":
                accounts: set[str] = set()  # the account is gone: nothing left to review
            else:
                accounts = await self._resolve(callback.module, ids)
        except ZohoError as exc:
            self.last_error = f"resolving {callback.module} ids: {exc}"
            log.warning("could not resolve callback %s (%s); retrying later", callback.id, exc)
            delay = retry_delay(exc, callback.attempts, base=self._retry_base, cap=self._retry_cap)
            await asyncio.to_thread(
                self._queue.defer_callback, callback.id, error=str(exc), next_attempt_at=self._clock() + delay
            )
            return
        await asyncio.to_thread(self._queue.mark_resolved, callback, accounts)

    async def review_due(self) -> list[str]:
        """Review every account whose changes have settled. Returns the account ids reviewed."""
        reviewed: list[str] = []
        while True:
            due = await asyncio.to_thread(
                self._queue.due_accounts,
                self._clock(),
                quiet_seconds=self.debounce_seconds,
                max_wait_seconds=self.max_wait_seconds,
                limit=self._batch_size,
            )
            if not due:
                return reviewed
            if not await self._review_batch(due):
                return reviewed
            reviewed += [d.account_id for d in due]

    async def _review_batch(self, due: list[DueAccount]) -> bool:
        ids = [d.account_id for d in due]
        budget = self._ledger.remaining_today()
        try:
            await self._sync(ids)
            results = await self._review(ids, agent_budget_usd=budget)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the review pipeline's failure of any kind: retry later, keep the work
            self.last_error = f"review of {len(ids)} account(s) failed: {type(exc).__name__}: {exc}"
            log.warning("%s; retrying with backoff", self.last_error)
            attempts = max(d.attempts for d in due)
            delay = retry_delay(exc, attempts, base=self._retry_base, cap=self._retry_cap)
            await asyncio.to_thread(
                self._queue.defer_accounts, ids, error=self.last_error, next_attempt_at=self._clock() + delay
            )
            return False
        spent = sum(result_cost_usd(r) for r in results or [])
        agent_reviews = sum(1 for r in results or [] if result_cost_usd(r) > 0)
        await asyncio.to_thread(self._queue.ack_accounts, due)
        self.last_error = None
        await asyncio.to_thread(
            self._ledger.record_reviews, reviews=len(ids), agent_reviews=agent_reviews, spent_usd=spent
        )
        log.info("reviewed %d account(s) (%d changes), spent $%.4f", len(ids), sum(d.changes for d in due), spent)
        return True

    async def run_once(self) -> list[str]:
        await self.resolve_pending()
        return await self.review_due()

    # --- the loop ------------------------------------------------------------------------------
    async def run(self, stop: asyncio.Event, *, poll_seconds: float | None = None) -> None:
        """Work until ``stop`` is set. Cancelling mid-review leaves that review's work queued."""
        poll = poll_seconds if poll_seconds is not None else max(0.05, min(1.0, self.debounce_seconds / 3))
        while not stop.is_set():
            try:
                await self.run_once()
            except ZohoError as exc:
                self.last_error = str(exc)
                log.warning("listener worker: %s", exc)
            except sqlite3.Error as exc:  # e.g. disk full: keep the loop alive, nothing is acked
                self.last_error = f"queue database: {exc}"
                log.error("listener worker: %s", self.last_error)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll)
