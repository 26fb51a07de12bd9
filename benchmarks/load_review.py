"""Load: one review of a big org with N concurrent agent sessions against a sandbox whose edition
concurrency limit is 10, the agents on the real claude-agent-sdk and the scripted model.

    python -m benchmarks.load_review                      # 5,000 accounts, 8 sessions, limit 10
    python -m benchmarks.load_review --accounts 300 --review-top 8 --json

Prints what the issue asks to hold: no 429 reached the user (agent tool errors, run notes, failed agent
reviews), the run completed, the budget held; and figures: sandbox 429s absorbed, peak sessions and
peak requests in flight, API calls, wall time. ``run_load`` is what ``tests/test_load_review.py`` calls.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

PROMPT = "Review this account for the nightly review and propose the next best actions.\nAccount: {account_id}"


class LoadFigures(BaseModel):
    accounts: int
    sessions: int
    concurrency_limit: int
    review_top: int
    latency_ms: int = 0
    other_clients: int = 0
    rate_limit_ratio: float = 0.0  # share of calls answered 429 as if the org's limit were hit elsewhere
    other_clients_429s: int = 0
    completed: bool = False
    accounts_triaged: int = 0
    flagged: int = 0
    agent_reviews: int = 0
    rule_reviews: int = 0
    failed_agent_reviews: int = 0
    proposals_queued: int = 0
    cost_usd: float = 0.0
    budget_usd: float = 0.0
    budget_held: bool = False
    peak_sessions: int = 0
    peak_requests_in_flight: int = 0
    sandbox_429s: int = 0
    product_429s: int = 0  # 429s the product's own calls met (all absorbed by retries / fallback)
    rate_limit_errors_to_user: list[str] = Field(default_factory=list)
    api_calls: int = 0
    sync_seconds: float = 0.0
    wall_seconds: float = 0.0
    error: str | None = None


@contextmanager
def counting_sandbox_429s() -> Iterator[dict[str, int]]:
    """Count the 429s the sandbox answers (instrumenting the counterpart, not the product)."""
    import sandbox.middleware as middleware

    counts = {"429": 0, "in_flight": 0, "peak": 0}
    original_send_json = middleware.send_json
    original_call = middleware.SandboxMiddleware.__call__

    async def send_json(send: Any, status: int, payload: Any) -> None:
        if status == 429:
            counts["429"] += 1
        await original_send_json(send, status, payload)

    async def call(self: Any, scope: Any, receive: Any, send: Any) -> None:
        counts["peak"] = max(counts["peak"], self.in_flight + 1)
        await original_call(self, scope, receive, send)

    middleware.send_json = send_json
    middleware.SandboxMiddleware.__call__ = call  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        middleware.send_json = original_send_json
        middleware.SandboxMiddleware.__call__ = original_call  # type: ignore[method-assign]


@contextmanager
def other_clients(sb: Any, clients: int) -> Iterator[dict[str, int]]:
    """``clients`` other integrations of the same org, each keeping one slow request in flight: the
    edition's concurrency limit is shared, so the product's own calls meet 429s near the limit."""
    import threading

    import httpx

    stop = threading.Event()
    sent = {"requests": 0, "429": 0}
    token = httpx.post(
        f"{sb.base_url}/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
            "refresh_token": sb.refresh_token,
        },
    ).json()["access_token"]

    def loop() -> None:
        with httpx.Client(
            base_url=sb.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=30
        ) as http:
            while not stop.is_set():
                try:
                    reply = http.get("/crm/v8/Users", params={"type": "AllUsers"})
                except httpx.HTTPError:
                    return
                sent["requests"] += 1
                if reply.status_code == 429:
                    sent["429"] += 1
                    stop.wait(0.05)

    threads = [threading.Thread(target=loop, daemon=True, name=f"other-client-{i}") for i in range(clients)]
    for thread in threads:
        thread.start()
    try:
        yield sent
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=35)


_RATE_LIMIT = re.compile(r"\b429\b|rate.?limit|too_many_requests", re.IGNORECASE)


def _is_rate_limit(text: str) -> bool:
    """A rate-limit error text (only the error: a random tool_use_id may well contain "429")."""
    return bool(_RATE_LIMIT.search(text))


async def run_load(
    work: Path,
    *,
    accounts: int = 5000,
    sessions: int = 8,
    concurrency_limit: int = 10,
    review_top: int = 24,
    budget_usd: float = 5.0,
    seed: int = 42,
    latency_ms: int = 150,
    other_clients_count: int = 8,
    rate_limit_ratio: float = 0.15,
) -> LoadFigures:
    from sandbox.embedded import start_sandbox
    from scripted_model import ScriptedModelServer
    from scripted_model.scripts import obedient_reviewer

    figures = LoadFigures(
        accounts=accounts,
        sessions=sessions,
        concurrency_limit=concurrency_limit,
        review_top=review_top,
        budget_usd=budget_usd,
        latency_ms=latency_ms,
        other_clients=other_clients_count,
        rate_limit_ratio=rate_limit_ratio,
    )
    started = time.perf_counter()
    with (
        counting_sandbox_429s() as counts,
        start_sandbox(work / "sandbox", accounts=accounts, seed=seed, concurrency_limit=concurrency_limit) as sb,
        ScriptedModelServer(obedient_reviewer) as model,
        contextlib.ExitStack() as stack,
    ):
        if latency_ms:  # a real Zoho round trip, so that the sessions' calls overlap at the edition limit
            sb.inject_fault(kind="latency", latency_ms=latency_ms, ratio=1.0, seconds=24 * 3600.0, path_prefix="/crm")
        for prefix in ("/crm", "/mcp") if rate_limit_ratio else ():
            sb.inject_fault(kind="429", ratio=rate_limit_ratio, seconds=24 * 3600.0, path_prefix=prefix)
        noise = stack.enter_context(other_clients(sb, other_clients_count))
        await _review_under_load(figures, work, sb, model.env())
        figures.other_clients_429s = noise["429"]
    figures.sandbox_429s = counts["429"]
    figures.product_429s = figures.sandbox_429s - figures.other_clients_429s
    figures.peak_requests_in_flight = counts["peak"]
    figures.wall_seconds = round(time.perf_counter() - started, 1)
    return figures


def _load_settings(figures: LoadFigures, work: Path, sb: Any) -> Any:
    from config import load_settings

    settings = load_settings(
        home=work / "home",
        zoho_api_url=sb.base_url,
        zoho_accounts_url=sb.base_url,
        zoho_client_id=sb.client_id,
        zoho_client_secret=sb.client_secret,
        zoho_refresh_token=sb.refresh_token,
        zoho_concurrency=figures.concurrency_limit,
        agent_concurrency=figures.sessions,
        review_top_n=figures.review_top,
        max_budget_usd=figures.budget_usd,
    )
    settings.ensure_home()
    return settings


async def _review_under_load(figures: LoadFigures, work: Path, sb: Any, model_env: dict[str, str]) -> None:
    """One review of the sandbox's org with agent sessions on the scripted model; its figures recorded."""
    from integrations.zoho.connection import connection_from_sandbox
    from integrations.zoho.factory import build_gateway
    from review.pipeline import run_review
    from state.store import StateStore

    settings = _load_settings(figures, work, sb)
    calls: list[dict[str, Any]] = []
    gateway = build_gateway(settings, connection=connection_from_sandbox(sb, settings), audit=calls.append)
    store = StateStore.open(settings)
    reviewer = _agent_reviewer(figures, settings, gateway, store, model_env)
    try:
        run = await run_review(
            settings,
            gateway=gateway,
            store=store,
            reviewer=reviewer,
            concurrency=figures.sessions,
            limit=figures.review_top,
            budget_usd=figures.budget_usd,
        )
        _record_run(figures, run, store)
    except Exception as exc:  # reported in the figures: the load run did not complete
        figures.error = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        figures.api_calls = gateway.api_calls()
        store.close()
        await gateway.aclose()
    figures.rate_limit_errors_to_user += [
        f"{c['operation']} via {c['tier']}: {c['error']}"
        for c in calls
        # REST is the last tier: its errors reach the caller. A refused Bulk Read job is the exception:
        # the manager pages on with COQL (the run's completion and triage count prove the fetch).
        if c["outcome"] == "error"
        and _is_rate_limit(str(c["error"]))
        and c["tier"] == "rest"
        and c["operation"] != "bulk_read"
    ]


def _agent_reviewer(figures: LoadFigures, settings: Any, gateway: Any, store: Any, model_env: dict[str, str]) -> Any:
    """A reviewer running one agent session per account, counting the sessions in flight."""
    from agents.runner import run_orchestrator
    from agents.session import build_session_options
    from approvals.agent_door import store_approvals
    from review.ports import AgentReview

    in_flight = 0

    async def reviewer(triage: Any, _view: Any) -> AgentReview:
        nonlocal in_flight
        in_flight += 1
        figures.peak_sessions = max(figures.peak_sessions, in_flight)
        try:
            options = build_session_options(
                settings,
                gateway=gateway,
                approvals=store_approvals(settings, store, gateway),
                model_env=model_env,
                max_budget_usd=settings.account_budget_usd,
            )
            result = await run_orchestrator(options, PROMPT.format(account_id=triage.account_id))
        finally:
            in_flight -= 1
        error = None if result.ok else f"{result.stopped_reason}: {result.error or ''}"
        if error:
            figures.failed_agent_reviews += 1
        return AgentReview(
            queued_ids=result.proposals,
            cost_usd=result.cost_usd,
            model_calls=result.num_turns,
            input_tokens=result.input_tokens,
            output_tokens=result.output_tokens,
            error=error,
        )

    return reviewer


def _record_run(figures: LoadFigures, run: Any, store: Any) -> None:
    figures.completed = True
    figures.accounts_triaged = run.accounts_triaged
    figures.flagged = len(run.flagged)
    figures.agent_reviews, figures.rule_reviews = run.agent_reviews, run.rule_reviews
    figures.proposals_queued = run.proposals_created
    figures.cost_usd = round(run.cost_usd, 4)
    figures.budget_held = run.cost_usd <= figures.budget_usd + 1e-9
    figures.sync_seconds = round(run.sync_seconds, 2)
    figures.rate_limit_errors_to_user += [n for n in run.notes if _is_rate_limit(n)]
    audit = store.list_audit(limit=100_000)
    figures.rate_limit_errors_to_user += [
        f"{e.kind} {e.tool}: {e.detail}"
        for e in audit
        if e.outcome == "error" and _is_rate_limit(str((e.detail or {}).get("error", "")))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--concurrency-limit", type=int, default=10)
    parser.add_argument("--review-top", type=int, default=24, help="accounts the agents review")
    parser.add_argument("--budget", type=float, default=5.0)
    parser.add_argument("--latency-ms", type=int, default=150, help="added to every Zoho API call")
    parser.add_argument(
        "--rate-limit-ratio",
        type=float,
        default=0.15,
        help="share of Zoho calls answered 429 (the org's limit hit by others)",
    )
    parser.add_argument(
        "--other-clients", type=int, default=8, help="other integrations keeping a request in flight on the same org"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="load-review-") as tmp:
        figures = asyncio.run(
            run_load(
                Path(tmp),
                accounts=args.accounts,
                sessions=args.sessions,
                concurrency_limit=args.concurrency_limit,
                review_top=args.review_top,
                budget_usd=args.budget,
                latency_ms=args.latency_ms,
                other_clients_count=args.other_clients,
                rate_limit_ratio=args.rate_limit_ratio,
            )
        )
    if args.json:
        print(figures.model_dump_json(indent=2))
        return
    for name, value in figures.model_dump().items():
        print(f"{name:>26}: {value}")


if __name__ == "__main__":
    main()
