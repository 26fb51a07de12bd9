"""Benchmark the scheduled review on a seeded sandbox.

    .venv/bin/python benchmarks/review_run.py [--accounts 5000] [--seed 42] [--second-reader] [--json]

Starts the embedded sandbox with ``--accounts`` accounts, runs ``run_review`` through the real gateway in
rules mode (no model key), and prints: sync and triage seconds, recall and false-flag rate against the
sandbox manifest (same account and kind), the language findings scored per finding (right kind AND right
subject: ``review.scoring.score_findings``), cited records that do not exist, and a second run's duplicate
proposals. With ``--agents N`` a third run reviews the top N flagged accounts with the product's agents
(``agents.review_account``: the real claude-agent-sdk and its CLI) on the scripted model, and prints model
calls, tokens and cost per reviewed account. ``--second-reader``: triage with the fine-tuned second reader on
(``Thresholds.second_reader``); the second run then starts with a new reader, as the next night's process would,
and finds the first run's scores in the score file (``review.language.score_store``), though the rest of the
process's memory is warm; ``next_night`` is a third review in a new process, as cron starts it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.sandbox_env import sandbox_env  # noqa: E402
from config import load_settings  # noqa: E402
from integrations.zoho.connection import connection_from_sandbox  # noqa: E402
from integrations.zoho.factory import build_gateway  # noqa: E402
from review.language.fine_tuned import shared_reader  # noqa: E402
from review.pipeline import run_review  # noqa: E402
from review.scoring import score_against_manifest, score_findings  # noqa: E402
from review.snapshot_cache import SnapshotCache  # noqa: E402
from review.thresholds import thresholds_for  # noqa: E402
from sandbox.embedded import start_sandbox  # noqa: E402
from state.store import StateStore  # noqa: E402

USE_SDK = False  # the REST tier; the SDK tier is measured by the integration benchmarks


async def _review(settings: Any, running: Any, store: Any, **options: Any) -> Any:
    gateway = build_gateway(
        settings, connection=connection_from_sandbox(running, settings), use_mcp=False, use_sdk=USE_SDK
    )
    try:
        return await run_review(settings, gateway=gateway, store=store, **options)
    finally:
        await gateway.aclose()


async def _agent_review(settings: Any, running: Any, store: Any, top: int) -> dict[str, Any]:
    from agents import review_account
    from approvals.agent_door import store_approvals
    from scripted_model import ScriptedModelServer
    from scripted_model.scripts import obedient_reviewer

    gateway = build_gateway(
        settings, connection=connection_from_sandbox(running, settings), use_mcp=False, use_sdk=USE_SDK
    )
    try:
        with ScriptedModelServer(obedient_reviewer) as model:
            env = model.env()

            async def reviewer(triage: Any, account360: Any) -> Any:
                return await review_account(
                    triage,
                    account360,
                    settings=settings,
                    gateway=gateway,
                    approvals=store_approvals(settings, store, gateway),
                    model_env=env,
                )

            started = time.perf_counter()
            run = await run_review(
                settings, gateway=gateway, store=store, reviewer=reviewer, limit=top, budget_usd=settings.max_budget_usd
            )
            seconds = time.perf_counter() - started
    finally:
        await gateway.aclose()
    reviewed = max(run.agent_reviews, 1)
    return {
        "agent_reviews": run.agent_reviews,
        "rule_reviews": run.rule_reviews,
        "seconds": round(seconds, 2),
        "proposals_created": run.proposals_created,
        "cost_usd": round(run.cost_usd, 4),
        "per_account": {
            "model_calls": round(run.model_calls / reviewed, 2),
            "input_tokens": round(run.input_tokens / reviewed),
            "output_tokens": round(run.output_tokens / reviewed),
            "cost_usd": round(run.cost_usd / reviewed, 5),
            "seconds": round(seconds / reviewed, 2),
        },
    }


def _runs(first: Any, second: Any) -> dict[str, dict[str, Any]]:
    """The two runs' figures: the first (full sync, every sentence new) and the next night's."""
    return {
        "first_run": {
            "sync_seconds": round(first.sync_seconds, 2),
            "triage_seconds": round(first.triage_seconds, 3),
            "total_seconds": round(first.total_seconds, 2),
            "api_calls": first.api_calls,
            "flagged_accounts": len(first.flagged),
            "proposals_created": first.proposals_created,
        },
        "second_run": {
            "sync_seconds": round(second.sync_seconds, 2),
            "triage_seconds": round(second.triage_seconds, 3),
            "total_seconds": round(second.total_seconds, 2),
            "api_calls": second.api_calls,
            "records_fetched": second.records_fetched,
            "proposals_created": second.proposals_created,
        },
    }


def _next_night(settings: Any, running: Any, second_reader: bool) -> dict[str, Any]:
    """A third review as the nightly job runs it: ``main.py review --json`` in a new process (nothing in memory: the
    note readers' caches and the second reader are cold; its score file is on disk)."""
    env = sandbox_env(running, settings.home, SERGAS_SECOND_READER=str(second_reader).lower())
    main = Path(__file__).resolve().parents[1] / "main.py"
    done = subprocess.run(
        [sys.executable, str(main), "review", "--json"], env=env, capture_output=True, text=True, timeout=900
    )
    if done.returncode != 0:
        raise SystemExit(f"the next night's review failed: {done.stderr.strip()[-500:]}")
    run = json.loads(done.stdout)
    return {"triage_seconds": run["triage_seconds"], "second_reader": run["second_reader"]}


def measure(accounts: int, seed: int, agents: int = 0, *, second_reader: bool = False) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="review-bench-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        with start_sandbox(root / "sandbox", accounts=accounts, seed=seed) as running:
            seeded = time.perf_counter() - started
            settings = load_settings(
                home=root / "home",
                zoho_api_url=running.base_url,
                zoho_accounts_url=running.base_url,
                zoho_client_id=running.client_id,
                zoho_client_secret=running.client_secret,
                zoho_refresh_token=running.refresh_token,
            )
            settings.ensure_home()
            thresholds = thresholds_for(settings).model_copy(update={"second_reader": second_reader})
            with StateStore.open(settings) as store:
                first = asyncio.run(_review(settings, running, store, thresholds=thresholds))
                shared_reader.cache_clear()  # the next night is a new process: only the score file remembers
                second = asyncio.run(_review(settings, running, store, thresholds=thresholds))
                agent_figures = asyncio.run(_agent_review(settings, running, store, agents)) if agents else None
            night = _next_night(settings, running, second_reader)
            cached = SnapshotCache(settings.home / "review" / "snapshot").load() or {}
            existing = {rid for by_id in cached.values() for rid in by_id}
            score = score_against_manifest(first.to_json()["flagged"], running.manifest(), existing)
            findings = score_findings(first.to_json()["flagged"], running.manifest())
    records = sum(len(v) for v in cached.values())
    return {
        "accounts": accounts,
        "records": records,
        "seed_seconds": round(seeded, 2),
        **_runs(first, second),
        "next_night": night,
        "recall": round(score["recall"], 4),
        "false_flag_rate": round(score["false_flag_rate"], 4),
        "missing_evidence": len(score["missing_evidence"]),
        "planted": score["planted"],
        "flagged_pairs": score["flagged_pairs"],
        "per_kind": score["per_kind"],
        "findings": {
            "precision": round(findings["precision"], 4),
            "recall": round(findings["recall"], 4),
            "per_kind": findings["per_kind"],
            "missed_sample": findings["missed"][:10],
            "false_sample": findings["false_findings"][:10],
        },
        "missed_sample": score["missed"][:10],
        "false_flag_sample": score["false_flags"][:10],
        **({"agents": agent_figures} if agent_figures else {}),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--agents",
        type=int,
        default=0,
        metavar="N",
        help="also review the top N accounts with the agents on the scripted model",
    )
    parser.add_argument("--second-reader", action="store_true", help="triage with the fine-tuned second reader")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args()
    figures = measure(args.accounts, args.seed, args.agents, second_reader=args.second_reader)
    if args.json:
        print(json.dumps(figures, default=str))
        return 0
    for key, value in figures.items():
        print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
