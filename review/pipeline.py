"""The scheduled account review, end to end:

1. sync — bring the local copy of the org up to date (full the first time, then by cursors); feed what
   changed to the memory sync hook before the cursors move (a run killed meanwhile fetches it again);
   then read the org's active product names (``review.product_names``: once per run, one call per 200
   products; a failed read is a note of the run, which goes on with ``SERGAS_PRODUCT_NAMES``);
2. triage — every account (of ``owner``) gets a health score and its signals (``review.triage``), its notes
   read with those product names and the setting's;
3. review — the most urgent flagged accounts (``settings.review_top_n`` or ``limit``) get next-best
   actions: from the injected agent ``reviewer`` within the budget and concurrency, else (no model key,
   budget spent, or the agent failed for that account) from the labelled rules (``review.rules``);
4. queue — every proposal goes through ``approvals.queueing``: a situation a person rejected is held
   unless its evidence changed (and then says what is new), one already done is held while its result
   stands, and the store dedupes open ones (a re-run adds nothing twice);
5. persist — each flagged account's score, signals and recommendation ids are saved with the run.

Runs are resumable: when the last review did not finish, the next one continues it and skips accounts it
had already reviewed. Two reviews never overlap: the store's run lock refuses the second one
(``ReviewAlreadyRunning``). Accounts count as changed relative to ``since`` or, by default, to the start
of the last successful review, so a missed night is caught up.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from approvals.queueing import queue_proposal
from approvals.write_checks import outside_account
from config.crashpoints import crash_point
from config.settings import Settings
from domain.proposals import ProposedAction
from integrations.zoho.credits import gateway_usage
from integrations.zoho.errors import ZohoCreditsExhaustedError
from integrations.zoho.models import CrmRecord
from review import rules
from review.index import AccountView, index_by_account
from review.models import AccountTriage
from review.ports import (
    AgentReview,
    MemorySync,
    Progress,
    Reviewer,
    ReviewStore,
    as_agent_review,
    maybe_await,
)
from review.product_names import read_product_names
from review.run_models import FlaggedAccount, HeldProposal, QueuedProposal, ReviewRun
from review.snapshot_cache import SnapshotCache
from review.sync import ReviewCursors, SyncGateway, SyncResult, sync_org
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds
from review.triage import triage_accounts, young_collections_only

RUN_KIND = "review"
LOCK_NAME = "review"
LOCK_TTL_SECONDS = 6 * 3600


class ReviewAlreadyRunning(RuntimeError):
    """Another review holds the run lock. Wait for it to finish (or for its lock to expire)."""

    def __init__(self, holder: str | None) -> None:
        self.holder = holder
        super().__init__(
            f"Another review is already running ({holder or 'unknown holder'}); wait for it to finish, then run again."
        )


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _looks_suspicious() -> Callable[[str | None], bool]:
    try:
        from hooks.injection import looks_like_injection
    except ImportError:  # pragma: no cover - hooks always ships with the product
        return lambda _text: False
    return looks_like_injection


def rank_flagged(triages: list[AccountTriage]) -> list[AccountTriage]:
    """Flagged accounts, most urgent first (severity weight, revenue, lowest score, id)."""
    flagged = [t for t in triages if t.flagged]
    return sorted(flagged, key=lambda t: (-t.urgency()[0], -t.urgency()[1], t.score, t.account_id))


class _Reviewing:
    """Step 3 and 4 for the top accounts: agent or rules, then queue; tracks cost and budget."""

    def __init__(
        self,
        *,
        run: ReviewRun,
        store: ReviewStore,
        reviewer: Reviewer | None,
        now: datetime,
        window: timedelta,
        budget_usd: float,
        account_budget_usd: float,
        concurrency: int,
        suspicious: Callable[[str | None], bool],
    ) -> None:
        self.run, self.store, self.reviewer = run, store, reviewer
        self.now, self.today, self.window = now, now.date(), window
        self.budget, self.account_budget = budget_usd, account_budget_usd
        self.semaphore = asyncio.Semaphore(concurrency)
        self.in_flight = 0
        self.suspicious = suspicious

    def _budget_allows(self) -> bool:
        committed = self.run.cost_usd + self.in_flight * self.account_budget
        return committed + self.account_budget <= self.budget + 1e-9

    async def _agent(self, triage: AccountTriage, view: AccountView) -> AgentReview | None:
        assert self.reviewer is not None
        async with self.semaphore:
            if not self._budget_allows():
                self.run.budget_exhausted = True
                return None
            self.in_flight += 1
            try:
                outcome = as_agent_review(await maybe_await(self.reviewer(triage, view.to_account360())))
            except ZohoCreditsExhaustedError:  # every read is over: stop the run, resumable (not rules)
                raise
            except Exception as exc:  # an agent failure must not sink the run: fall back to rules
                self.run.notes.append(
                    f"agent review of {triage.account_id} failed ({type(exc).__name__}: {str(exc)[:160]}); used rules"
                )
                return None
            finally:
                self.in_flight -= 1
        self.run.cost_usd += outcome.cost_usd
        self.run.model_calls += outcome.model_calls
        self.run.input_tokens += outcome.input_tokens
        self.run.output_tokens += outcome.output_tokens
        if outcome.error:
            self.run.notes.append(f"agent review of {triage.account_id}: {outcome.error}")
        return outcome

    def _evidence_suspicious(self, proposal: ProposedAction, view: AccountView) -> bool:
        cited = {c.record_id for c in proposal.evidence} | {proposal.target_id}
        texts = [
            " ".join(v for v in record.model_dump().values() if isinstance(v, str))
            for record in view.records()
            if record.id in cited
        ]  # every text field: notes, next steps, names
        texts += [c.excerpt for c in proposal.evidence if c.excerpt]
        return any(self.suspicious(t) for t in texts)

    async def review(self, triage: AccountTriage, view: AccountView) -> FlaggedAccount:
        outcome = await self._agent(triage, view) if self.reviewer is not None else None
        queued: list[QueuedProposal] = []
        if outcome is not None and (outcome.proposals or outcome.queued_ids):
            proposals, by, flag_all = outcome.proposals, "agent", outcome.suspicious
            self.run.agent_reviews += 1
            for rec_id in outcome.queued_ids:
                rec = self.store.get_recommendation(rec_id)
                if rec is not None:
                    self.run.proposals_created += 1
                    queued.append(QueuedProposal.of(rec.id, rec.proposal, created=True))
        else:
            kept = _without_dismissed(triage, outcome.dismissed if outcome is not None else [])
            proposals, by, flag_all = rules.propose_for(kept, today=self.today), "rules", False
            self.run.rule_reviews += 1
        held = self._queue(proposals, view, flag_all, queued)
        self.store.save_review_result(
            self.run.run_id,
            triage.account_id,
            triage.score,
            [s.model_dump(mode="json") for s in triage.signals],
            [q.id for q in queued],
        )
        crash_point("review.result_saved")
        return FlaggedAccount(triage=triage, proposals=queued, held=held, reviewed_by=by)  # type: ignore[arg-type]

    def _queue(
        self, proposals: list[ProposedAction], view: AccountView, flag_all: bool, queued: list[QueuedProposal]
    ) -> list[HeldProposal]:
        """Queue each proposal through the decisions' screening; returns the ones held back."""
        held: list[HeldProposal] = []
        records = list(view.records())
        own = [(r.module, r.id) for r in records]
        for proposal in proposals:
            if problem := outside_account(proposal, own):  # never queued: a change to another account
                self.run.notes.append(f"a proposal for {proposal.account_id} was not queued: {problem}")
                continue
            suspicious = flag_all or self._evidence_suspicious(proposal, view)
            outcome = queue_proposal(
                self.store,
                proposal,
                records=records,
                complete=True,
                now=self.now,
                window=self.window,
                run_id=self.run.run_id,
                suspicious=suspicious,
            )
            if outcome.recommendation is None:
                self.run.proposals_held += 1
                held.append(HeldProposal.of(outcome.screening))
                continue
            crash_point("review.proposal_queued")
            if outcome.created:
                self.run.proposals_created += 1
            else:
                self.run.proposals_existing += 1
            queued.append(QueuedProposal.of(outcome.recommendation.id, proposal, created=outcome.created))
            queued[-1].prior_decision = outcome.recommendation.prior_decision
        return held


def _earlier_result(
    store: ReviewStore, run_id: str, triage: AccountTriage, saved: dict[str, list[str]]
) -> FlaggedAccount:
    queued = []
    for rec_id in saved.get(triage.account_id, []):
        rec = store.get_recommendation(rec_id)
        if rec is not None:
            queued.append(QueuedProposal.of(rec.id, rec.proposal, created=False))
    by = "rules" if queued and all(q.origin == "rules" for q in queued) else ("agent" if queued else "none")
    return FlaggedAccount(triage=triage, proposals=queued, reviewed_by=by)  # type: ignore[arg-type]


def _without_dismissed(triage: AccountTriage, dismissed: list[tuple[str, str]]) -> AccountTriage:
    """The triage less the findings the agent dismissed: no rule-based proposal is made for them."""
    if not dismissed:
        return triage
    gone = set(dismissed)
    kept = [s for s in triage.signals if (s.kind, s.subject_id or "") not in gone]
    return triage.model_copy(update={"signals": kept})


@dataclass(frozen=True)
class _ReviewRequest:
    """What ``run_review`` was asked for, handed down its steps."""

    settings: Settings
    gateway: SyncGateway
    store: ReviewStore
    reviewer: Reviewer | None
    memory_sync: MemorySync | None
    owner: str | None
    since: datetime | None
    limit: int | None
    budget_usd: float | None
    concurrency: int | None
    progress: Progress | None
    thresholds: Thresholds
    clock: Callable[[], datetime]


async def run_review(
    settings: Settings,
    *,
    gateway: SyncGateway,
    store: ReviewStore,
    reviewer: Reviewer | None = None,
    memory_sync: MemorySync | None = None,
    owner: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    budget_usd: float | None = None,
    concurrency: int | None = None,
    progress: Progress | None = None,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    clock: Callable[[], datetime] = _utcnow,
) -> ReviewRun:
    """Run (or resume) one review. Raises ``ReviewAlreadyRunning`` when another review holds the lock."""
    lock_owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not store.acquire_run_lock(LOCK_NAME, owner=lock_owner, ttl_seconds=LOCK_TTL_SECONDS):
        raise ReviewAlreadyRunning(store.lock_holder(LOCK_NAME))
    try:
        return await _locked_review(
            _ReviewRequest(
                settings=settings,
                gateway=gateway,
                store=store,
                reviewer=reviewer,
                memory_sync=memory_sync,
                owner=owner,
                since=since,
                limit=limit,
                budget_usd=budget_usd,
                concurrency=concurrency,
                progress=progress,
                thresholds=thresholds,
                clock=clock,
            )
        )
    finally:
        store.release_run_lock(LOCK_NAME, lock_owner)


async def _locked_review(req: _ReviewRequest) -> ReviewRun:
    started = time.perf_counter()
    _, credits_before = gateway_usage(req.gateway)
    now = req.clock()
    run, last_success = _start_or_resume(req, now)
    crash_point("review.run_started")
    run.mode = "agents" if req.reviewer is not None else "rules"
    run.budget_usd = req.budget_usd if req.budget_usd is not None else req.settings.max_budget_usd
    baseline = req.since or (last_success.started_at if last_success is not None else None)
    run.changed_since = req.since
    try:
        await _steps(run, req, baseline=baseline, now=now)
    except BaseException as exc:
        req.store.finish_run(run.run_id, "interrupted", {"error": f"{type(exc).__name__}: {str(exc)[:300]}"})
        raise
    crash_point("review.before_finish")
    run.api_credits = max(0, gateway_usage(req.gateway)[1] - credits_before)
    run.finished_at = req.clock()
    run.total_seconds = time.perf_counter() - started
    req.store.finish_run(run.run_id, "succeeded", _run_summary(run))
    return run


def _start_or_resume(req: _ReviewRequest, now: datetime) -> tuple[ReviewRun, Any]:
    """The run to carry on (the last unfinished one, resumed) or a new one; with the last successful run
    (read before this one starts)."""
    params = {
        "owner": req.owner,
        "since": req.since.isoformat() if req.since else None,
        "limit": req.limit,
        "budget_usd": req.budget_usd,
        "mode": "agents" if req.reviewer else "rules",
    }
    unfinished = req.store.unfinished_run(RUN_KIND)
    last_success = req.store.last_successful_run(RUN_KIND)
    if unfinished is not None:
        req.store.resume_run(unfinished.id)
        return ReviewRun(run_id=unfinished.id, started_at=unfinished.started_at, resumed=True), last_success
    return ReviewRun(run_id=req.store.start_run(RUN_KIND, params), started_at=now), last_success


def _run_summary(run: ReviewRun) -> dict[str, Any]:
    return {
        "mode": run.mode,
        "accounts_triaged": run.accounts_triaged,
        "flagged": len(run.flagged),
        "flagged_by_kind": run.accounts_by_kind(),
        "proposals_created": run.proposals_created,
        "proposals_existing": run.proposals_existing,
        "proposals_held": run.proposals_held,
        "cost_usd": run.cost_usd,
        "api_calls": run.api_calls,
        "api_credits": run.api_credits,
    }


async def _steps(run: ReviewRun, req: _ReviewRequest, *, baseline: datetime | None, now: datetime) -> None:
    synced = await _sync(run, req, now)
    req = await _with_product_names(run, req)
    views, triages = _triage(run, req, synced, baseline=baseline, now=now)
    await _review_flagged(run, req, views, triages, now=now)


async def _sync(run: ReviewRun, req: _ReviewRequest, now: datetime) -> SyncResult:
    """Step 1: bring the local copy of the org up to date; memory is fed before the cursors move."""
    cache = SnapshotCache(req.settings.home / "review" / "snapshot")

    async def feed_memory(changed: dict[str, list[CrmRecord]], feed: MemorySync) -> None:
        """Before the review's cursors move: a run killed while feeding memory fetches the same records again."""
        try:
            note = await maybe_await(feed(changed))
            if isinstance(note, str):
                run.notes.append(note)
        except Exception as exc:  # memory is a helper of the review, never a reason to fail it
            run.notes.append(f"memory sync failed ({type(exc).__name__}: {str(exc)[:160]}); review went on")

    synced = await sync_org(
        req.gateway,
        ReviewCursors(req.store),
        cache,
        now=now,
        progress=req.progress,
        before_commit=None if req.memory_sync is None else partial(feed_memory, feed=req.memory_sync),
    )
    run.sync_full, run.records_fetched, run.records_changed = synced.full, synced.fetched, len(synced.updated_ids)
    run.notes.extend(synced.notes)
    if synced.deleted:
        run.notes.append(f"{synced.deleted} record(s) deleted in Zoho since the last run left the review")
    run.api_calls, run.sync_seconds = synced.api_calls, synced.seconds
    return synced


async def _with_product_names(run: ReviewRun, req: _ReviewRequest) -> _ReviewRequest:
    """The request with the org's active products joined to the setting's names (read once, after the sync: a run
    the sync stops spends nothing on them); a failed read is one note, and the triage goes on with the setting's."""
    names = await read_product_names(req.gateway, req.thresholds.product_names)
    run.product_names_source, run.product_names_origin = names.source, names.origin()
    if names.problem:
        run.notes.append(names.problem)
    return replace(req, thresholds=names.applied_to(req.thresholds))


def _triage(
    run: ReviewRun, req: _ReviewRequest, synced: SyncResult, *, baseline: datetime | None, now: datetime
) -> tuple[dict[str, AccountView], list[AccountTriage]]:
    """Step 2: every account (of ``owner``) scored, with its signals and whether it changed."""
    progress, owner = req.progress, req.owner
    if progress:
        progress("triage", 0, None)
    t0 = time.perf_counter()
    with young_collections_only():  # the index too: a full collection right after the sync costs ~0.2 s
        views = index_by_account(synced.records)
        triages = triage_accounts(views, today=now.date(), thresholds=req.thresholds, since=baseline, owner=owner)
    run.triage_seconds = time.perf_counter() - t0
    run.second_reader = req.thresholds.second_reader
    run.product_names = len(req.thresholds.product_names)
    run.accounts_triaged = len(triages)
    if owner is not None and not triages:  # never an empty, all-clear book: say why there is nothing
        run.notes.append(f"no account owned by {owner} in the synced copy of the org: nothing was reviewed")
    if not synced.full and req.since is None:  # changed = touched by what this run's sync brought that is new
        for t in triages:
            t.changed_since_last_run = any(r.id in synced.updated_ids for r in views[t.account_id].records())
    run.changed_accounts = sum(1 for t in triages if t.changed_since_last_run)
    run.scores = [t.score for t in triages]
    if progress:
        progress("triage", len(triages), len(triages))
    return views, triages


def _reviewing(run: ReviewRun, req: _ReviewRequest, now: datetime) -> _Reviewing:
    settings = req.settings
    return _Reviewing(
        run=run,
        store=req.store,
        reviewer=req.reviewer,
        now=now,
        window=settings.duplicate_window,
        budget_usd=run.budget_usd or settings.max_budget_usd,
        account_budget_usd=settings.account_budget_usd,
        concurrency=req.concurrency or settings.agent_concurrency,
        suspicious=_looks_suspicious(),
    )


async def _all_or_none(reviews: list[Coroutine[Any, Any, None]]) -> None:
    """Run the account reviews at once; the first to raise (e.g. Zoho's credits ran out) cancels the others and
    waits for them to wind down (their CLIs stopped) before it propagates: a stopped run leaves nothing running
    to queue proposals after it, or beside its resume (``asyncio.gather`` alone leaves the others running)."""
    tasks = [asyncio.ensure_future(review) for review in reviews]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


async def _review_flagged(
    run: ReviewRun,
    req: _ReviewRequest,
    views: dict[str, AccountView],
    triages: list[AccountTriage],
    *,
    now: datetime,
) -> None:
    """Steps 3–5: review the top flagged accounts (skipping those a resumed run already did), queue, persist;
    the rest of the flagged accounts are saved with their triage only."""
    store, progress = req.store, req.progress
    ranked = rank_flagged(triages)
    top_n = req.limit if req.limit is not None else req.settings.review_top_n
    top, rest = ranked[:top_n], ranked[top_n:]
    done = store.reviewed_account_ids(run.run_id) if run.resumed else set()
    saved: dict[str, list[str]] = {}
    if done:
        saved = {r.account_id: list(r.recommendation_ids) for r in store.review_results(run.run_id)}
    reviewing = _reviewing(run, req, now)
    results: dict[str, FlaggedAccount] = {}
    todo = [t for t in top if t.account_id not in done]
    for t in top:
        if t.account_id in done:
            results[t.account_id] = _earlier_result(store, run.run_id, t, saved)
    finished = len(results)
    if progress:
        progress("review", finished, len(top))

    async def one(triage: AccountTriage) -> None:
        nonlocal finished
        results[triage.account_id] = await reviewing.review(triage, views[triage.account_id])
        finished += 1
        if progress:
            progress("review", finished, len(top))

    await _all_or_none([one(t) for t in todo])
    if run.resumed and done:
        run.notes.append(
            f"resumed run {run.run_id}: {len(done & {t.account_id for t in top})} accounts "
            "were already reviewed and were skipped"
        )
    for triage in rest:
        if triage.account_id not in done:
            store.save_review_result(
                run.run_id, triage.account_id, triage.score, [s.model_dump(mode="json") for s in triage.signals], []
            )
        results[triage.account_id] = FlaggedAccount(triage=triage)
    run.flagged = [results[t.account_id] for t in ranked]


def reviewer_unavailable_reason(settings: Settings) -> str | None:
    """Why the run will use rules instead of agents (None when a model key is configured)."""
    return None if settings.has_model_key else "No model key: rule-based proposals"


__all__ = ["ReviewAlreadyRunning", "ReviewRun", "rank_flagged", "reviewer_unavailable_reason", "run_review"]
