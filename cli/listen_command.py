"""``sergas listen``: near-real-time reviews from Zoho notifications.

Starts the listener (``POST /zoho/notify``, ``GET /health``) on ``host:port``, subscribes the watch
channels with ``notify_url = public_url + "/zoho/notify"``, and reviews each changed account a few
seconds after its last change. Ctrl-C stops it cleanly; the channels stay subscribed (they expire by
themselves, and the next start takes them over) unless ``disable_on_exit``.

Exit codes: 0 stopped; 1 Zoho or the state store failed (the message says what to do); 2 bad option.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from config.settings import Settings
from domain.safe_text import safe_inline
from integrations.zoho.credits import gateway_usage
from integrations.zoho.errors import ZohoError
from listener.resolver import gateway_fetcher
from listener.rest import tier_rest_call
from listener.review_adapter import ListenerReviewResult, PipelineReview
from listener.service import ListenerDeps, ListenerOptions, ListenerService
from listener.verification_token import TokenTooLong, load_or_create_token

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def listener_dir(settings: Settings) -> Path:
    return settings.home / "listener"


def build_listener(
    settings: Settings,
    *,
    gateway: Any,
    store: Any,
    reviewer: Any | None,
    memory_sync: Any | None,
    host: str,
    port: int,
    public_url: str | None,
    token: str,
    debounce_seconds: float = 5.0,
    on_review: Callable[[ListenerReviewResult], None] | None = None,
) -> ListenerService:
    """The composition: the listener over the real gateway (``build_gateway``), state store, review
    pipeline parts and memory sync. Tests and other front ends call this with their own parts.
    ``on_review`` hears of each account reviewed (``listen`` prints a line for it)."""
    review = PipelineReview(settings, gateway=gateway, store=store, reviewer=reviewer, memory_sync=memory_sync)

    async def review_accounts(account_ids: list[str], *, agent_budget_usd: float) -> list[ListenerReviewResult]:
        results = list(await review.review_accounts(account_ids, agent_budget_usd=agent_budget_usd))
        if on_review is not None:
            for result in results:
                on_review(result)
        return results

    deps = ListenerDeps(
        sync_records=review.sync_records,
        review_accounts=review_accounts,
        rest=tier_rest_call(gateway.rest),
        fetch_records=gateway_fetcher(gateway),
        usage=lambda: gateway_usage(gateway),
    )
    options = ListenerOptions(
        host=host,
        port=port,
        public_url=public_url,
        token=token,
        daily_budget_usd=settings.listener_daily_budget_usd,
        notes_poll_seconds=settings.listener_notes_poll_seconds,
        debounce_seconds=debounce_seconds,
        agent_available=reviewer is not None,
    )
    return ListenerService(listener_dir(settings), deps, options)


def review_line(result: ListenerReviewResult, *, at: datetime | None = None) -> Text:
    """One line per account the listener reviewed: when, which account, the outcome, what was queued."""
    when = (at or datetime.now().astimezone()).strftime("%H:%M:%S")
    line = Text(f"{when} reviewed ")
    line.append(safe_inline(result.account_name or result.account_id, limit=60), style="bold")
    line.append(f" ({result.account_id}): health {result.score:.0f}")
    if not result.flagged:
        line.append(", nothing flagged")
    else:
        queued = len(result.recommendation_ids)
        new = queued - result.already_queued
        line.append(f", {'agent' if result.reviewed_by == 'agent' else 'rule-based'} review: ")
        line.append(f"{new} proposal(s) queued" if queued else "no proposal")
        if result.already_queued:
            line.append(f", {result.already_queued} already waiting")
        if result.cost_usd:
            line.append(f", ${result.cost_usd:.4f}")
    if result.note:
        line.append(f" ({safe_inline(result.note, limit=200)})", style="yellow")
    return line


def _channels_table(service: ListenerService) -> Table:
    """One row per module: its watch channel, or why there is none (polled; refused by Zoho)."""
    table = Table(title="Watch channels", show_header=True)
    for column in ("module", "channel id", "expires"):
        table.add_column(column)
    for channel in service.keeper.channels.values() if service.keeper else []:
        table.add_row(channel.module, channel.channel_id, channel.expiry.isoformat(timespec="seconds"))
    if service.notes_poller is not None:
        every = service.notes_poller.every_seconds
        table.add_row("Notes", f"polled every {every:.0f} s", "(Zoho cannot watch Notes)")
    for module, why in service.keeper.refused.items() if service.keeper else []:
        table.add_row(module, Text("refused by Zoho"), Text(safe_inline(why)))
    return table


def _announce(service: ListenerService, connection: Any, out: Console, err: Console) -> None:
    out.print(f"Listening on {service.base_url} (health: {service.base_url}/health)")
    out.print(f"Zoho calls: {service.notify_url}")
    out.print(f"Zoho: {connection.api_url}" + (" (embedded sandbox)" if connection.embedded else ""))
    loopback = service.notify_url.startswith(("http://127.", "http://localhost"))
    if not connection.embedded and loopback:
        err.print(
            "[yellow]Zoho cannot reach a loopback address: pass --public-url with the HTTPS URL of your proxy.[/yellow]"
        )
    out.print(_channels_table(service))
    out.print("Press Ctrl-C to stop.")


async def _serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    public_url: str | None,
    token: str,
    disable_on_exit: bool,
    out: Console,
    err: Console,
) -> int:
    from cli.review_command import build_memory_sync, build_reviewer
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway
    from state.store import StateStore

    try:
        store = StateStore.open(settings)
    except Exception as exc:  # the store's own errors say how to fix them
        err.print(f"[red]State store: {exc}[/red]")
        return EXIT_FAILED
    try:
        with zoho_connection(settings) as connection:
            gateway = build_gateway(settings, connection=connection)
            try:
                reviewer, why_rules = build_reviewer(settings, gateway=gateway, store=store)
                if why_rules:
                    err.print(why_rules)
                service = build_listener(
                    settings,
                    gateway=gateway,
                    store=store,
                    reviewer=reviewer,
                    memory_sync=build_memory_sync(settings),
                    host=host,
                    port=port,
                    public_url=public_url,
                    token=token,
                    on_review=lambda result: out.print(review_line(result)),
                )
                try:
                    await service.start()
                except ZohoError as exc:
                    err.print(f"[red]Could not subscribe to Zoho notifications: {exc}[/red]\n{exc.hint}")
                    return EXIT_FAILED
                except OSError as exc:
                    err.print(f"[red]Could not listen on {host}:{port}: {exc}[/red]")
                    return EXIT_USAGE
                _announce(service, connection, out, err)
                await _until_signal()
                out.print("Stopping…")
                await service.stop(disable_channels=disable_on_exit)
                kept = " Channels stay subscribed until they expire; the next start takes them over."
                out.print("Stopped." + ("" if disable_on_exit else kept))
                return EXIT_OK
            finally:
                await gateway.aclose()
    finally:
        store.close()


async def _until_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(Exception):
                loop.remove_signal_handler(sig)


def run(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8780,
    public_url: str | None = None,
    disable_on_exit: bool = False,
) -> int:
    out, err = Console(highlight=False), Console(stderr=True)
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        err.print("--public-url must start with https:// (or http:// for a local test).")
        return EXIT_USAGE
    settings.ensure_home()
    configured = settings.listener_token.get_secret_value() if settings.listener_token else None
    try:
        token = load_or_create_token(listener_dir(settings), configured)
    except TokenTooLong as exc:
        err.print(str(exc))
        return EXIT_USAGE
    return asyncio.run(
        _serve(
            settings,
            host=host,
            port=port,
            public_url=public_url,
            token=token,
            disable_on_exit=disable_on_exit,
            out=out,
            err=err,
        )
    )
