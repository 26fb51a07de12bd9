"""The listener as one running thing: HTTP app on uvicorn + worker + channel keeper + notes poller, over
one data dir. Zoho watches Accounts, Deals, Contacts and Tasks (each module subscribed on its own; one Zoho
refuses is reported in ``/health``); Notes, which Zoho cannot watch, are polled (``listener.notes_poll``).

    async with ListenerService(paths, deps, options) as service:   # serves, subscribes, works
        print(service.notify_url)

Every collaborator is injected (``ListenerDeps``), so tests run it against the real sandbox with
recording fakes for the review, and the CLI composes it with the real gateway and review pipeline.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType

import uvicorn

from listener.app import create_app
from listener.callback_queue import CallbackQueue
from listener.ledger import DailyLedger
from listener.models import POLLED_MODULES, WATCHED_MODULES, ChannelHealth, Health
from listener.notes_poll import NotesPoller
from listener.renewal import ChannelKeeper, Clock, utc_now
from listener.resolver import (
    AccountResolver,
    FetchRecords,
    RecordAccountCache,
    ResolveAccounts,
    rest_fetcher,
)
from listener.rest import ZohoRestCall
from listener.watch_client import SAFE_CHANNEL_LIFETIME, WatchClient
from listener.worker import ReviewAccounts, SyncRecords, Worker

log = logging.getLogger(__name__)


@dataclass
class ListenerDeps:
    """What the listener needs from the rest of the product."""

    sync_records: SyncRecords
    review_accounts: ReviewAccounts
    rest: ZohoRestCall | None = None  # None: serve and work, but do not subscribe (e.g. Zoho set up by hand)
    # None: an AccountResolver with a persisted record → account cache, reading records through
    # ``fetch_records`` (e.g. ``gateway_fetcher(manager)``), else through ``rest``
    resolve_accounts: ResolveAccounts | None = None
    fetch_records: FetchRecords | None = None
    usage: Callable[[], tuple[int, int]] | None = None  # (API calls, credits) of the gateway, for /health


@dataclass
class ListenerOptions:
    host: str = "127.0.0.1"
    port: int = 8780  # 0 picks a free port
    public_url: str | None = None  # what Zoho calls; default http://{host}:{port}
    token: str = ""
    daily_budget_usd: float = 5.0
    debounce_seconds: float = 5.0
    max_wait_seconds: float | None = None
    retry_base_seconds: float = 2.0
    channel_lifetime: timedelta = SAFE_CHANNEL_LIFETIME
    renewal_interval_seconds: float = 60.0
    modules: tuple[str, ...] = field(default=WATCHED_MODULES)
    polled_modules: tuple[str, ...] = field(default=POLLED_MODULES)
    notes_poll_seconds: float = 300.0
    agent_available: bool = True  # False: no model key, the review proposes from rules only
    clock: Callable[[], float] = time.time
    channel_clock: Clock = utc_now


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: the owner of the event loop decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class ListenerService:
    def __init__(self, listener_dir: Path, deps: ListenerDeps, options: ListenerOptions) -> None:
        if not options.token:
            raise ValueError("ListenerOptions.token is empty: pass load_or_create_token(...)")
        self.listener_dir = listener_dir
        self.deps = deps
        self.options = options
        self.queue: CallbackQueue | None = None
        self._cache: RecordAccountCache | None = None
        self.ledger: DailyLedger | None = None
        self.keeper: ChannelKeeper | None = None
        self.notes_poller: NotesPoller | None = None
        self.worker: Worker | None = None
        self._server: _Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()
        self.port: int | None = None

    # --- addresses -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.options.host}:{self.port}"

    @property
    def notify_url(self) -> str:
        root = (self.options.public_url or self.base_url).rstrip("/")
        return f"{root}/zoho/notify"

    # --- lifecycle -----------------------------------------------------------------------------
    async def start(self, *, subscribe: bool = True) -> None:
        opts = self.options
        self.queue = CallbackQueue(self.listener_dir / "queue.db")
        self.ledger = DailyLedger(
            self.listener_dir / "queue.db", daily_budget_usd=opts.daily_budget_usd, clock=opts.clock
        )
        self.worker = Worker(
            self.queue,
            self.ledger,
            resolve_accounts=self._account_resolver(),
            sync_records=self.deps.sync_records,
            review_accounts=self.deps.review_accounts,
            debounce_seconds=opts.debounce_seconds,
            max_wait_seconds=opts.max_wait_seconds,
            retry_base_seconds=opts.retry_base_seconds,
            clock=opts.clock,
        )
        await self._serve_http(self.queue, self.ledger, self.worker)
        self._stop.clear()
        self._tasks.append(asyncio.create_task(self.worker.run(self._stop), name="listener-worker"))
        if self.deps.rest is not None:
            await self._watch_zoho(self.deps.rest, self.queue, self.worker, subscribe=subscribe)

    def _account_resolver(self) -> ResolveAccounts:
        """``deps.resolve_accounts``, or one that looks records up (``fetch_records`` or the REST client)
        through a cache beside the queue."""
        if self.deps.resolve_accounts is not None:
            return self.deps.resolve_accounts
        fetch = self.deps.fetch_records
        if fetch is None:
            if self.deps.rest is None:
                raise ValueError("ListenerDeps needs resolve_accounts, fetch_records or rest")
            fetch = rest_fetcher(self.deps.rest)
        self._cache = RecordAccountCache(self.listener_dir / "queue.db")
        return AccountResolver(fetch, self._cache)

    async def _serve_http(self, queue: CallbackQueue, ledger: DailyLedger, worker: Worker) -> None:
        """Start the callback endpoint and wait until it listens (a bind error is raised); sets ``port``."""
        opts = self.options
        app = create_app(queue, ledger, token=opts.token, health=self.health, on_queued=worker.notify, clock=opts.clock)
        config = uvicorn.Config(
            app,
            host=opts.host,
            port=opts.port,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=5,
        )
        self._server = _Server(config)
        serve = asyncio.create_task(self._server.serve(), name="listener-http")
        while not self._server.started:
            if serve.done():
                serve.result()  # raises the bind error
                raise RuntimeError(f"the listener could not listen on {opts.host}:{opts.port}")
            await asyncio.sleep(0.01)
        self._tasks.append(serve)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def _watch_zoho(self, rest: ZohoRestCall, queue: CallbackQueue, worker: Worker, *, subscribe: bool) -> None:
        """Subscribe the watch channels (renewed in the background) and poll Notes, which Zoho does not notify."""
        opts = self.options
        watch = WatchClient(rest, notify_url=self.notify_url, token=opts.token)
        self.keeper = ChannelKeeper(
            watch, queue, clock=opts.channel_clock, lifetime=opts.channel_lifetime, modules=opts.modules
        )
        if subscribe:
            try:
                await self.keeper.subscribe()
            except BaseException:
                await self.stop()
                raise
            self._tasks.append(
                asyncio.create_task(
                    self.keeper.run(self._stop, interval_seconds=opts.renewal_interval_seconds),
                    name="listener-renewal",
                )
            )
        if "Notes" in opts.polled_modules:
            self.notes_poller = NotesPoller(
                rest, queue, every_seconds=opts.notes_poll_seconds, on_queued=worker.notify, clock=opts.clock
            )
            self._tasks.append(asyncio.create_task(self.notes_poller.run(self._stop), name="listener-notes-poll"))

    async def stop(self, *, disable_channels: bool = False) -> None:
        """Stop taking callbacks, stop the worker (a review in flight stays queued), close the files."""
        self._stop.set()
        if self.worker is not None:
            self.worker.notify()
        if disable_channels and self.keeper is not None and self.keeper.channels:
            try:
                await self.keeper.disable_all()
            except Exception as exc:  # best effort on the way out; the channels expire by themselves
                log.warning("could not disable the watch channels: %s", exc)
        if self._server is not None:
            self._server.should_exit = True
        for task in self._tasks:
            if task.get_name() != "listener-http":
                task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        if self.queue is not None:
            self.queue.close()
        for closable in (self.ledger, self._cache):
            if closable is not None:
                closable.close()

    async def __aenter__(self) -> ListenerService:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- observability -------------------------------------------------------------------------
    def health(self) -> Health:
        assert self.queue is not None and self.ledger is not None, "start() first"
        now = self.options.channel_clock()
        zoho_now = self.keeper.zoho_now(now) if self.keeper else now
        shortened = self.keeper.shortened if self.keeper else {}
        channels = [
            ChannelHealth(
                channel_id=c.channel_id,
                module=c.module,
                expiry=c.expiry,
                seconds_left=round((c.expiry - zoho_now).total_seconds(), 1),
                shortened=shortened.get(c.module),
            )
            for c in (self.keeper.channels.values() if self.keeper else [])
        ]
        last = self.queue.last_callback_at()
        remaining = self.ledger.remaining_today()
        calls, credits = self.deps.usage() if self.deps.usage is not None else (0, 0)
        return Health(
            queue_depth=self.queue.depth(),
            accounts_waiting=self.queue.accounts_waiting(),
            channels=channels,
            last_callback_at=datetime.fromtimestamp(last, UTC) if last is not None else None,
            refused_callbacks=self.ledger.refused_today(),
            reviews_today=self.ledger.reviews_today(),
            budget_usd=self.ledger.daily_budget_usd,
            budget_spent_today_usd=round(self.ledger.spent_today(), 4),
            review_mode=(
                "rules only (no agent reviewer)"
                if not self.options.agent_available
                else "agent review of flagged accounts"
                if remaining > 0
                else "triage + rule proposals only (daily budget reached)"
            ),
            worker_error=self.worker.last_error if self.worker else None,
            channels_error=self.keeper.last_error if self.keeper else None,
            modules_refused=dict(self.keeper.refused) if self.keeper else {},
            modules_polled=[self.notes_poller.health()] if self.notes_poller else [],
            zoho_api_calls=calls,
            zoho_api_credits=credits,
        )
