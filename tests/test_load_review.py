"""Load, scaled down from ``benchmarks/load_review.py`` (5,000 accounts): a review of 300 accounts whose top
flagged accounts are reviewed by 8 concurrent agent sessions (real claude-agent-sdk, scripted model) against
a sandbox whose edition concurrency limit is 10, every Zoho call taking 150 ms, 8 other integrations of the
same org keeping 8 of the 10 slots busy (the product alone stays under the limit: its MCP and SDK tiers are
single-worker) and 30% of calls (REST, SDK and MCP) answered 429. The product's calls meet 429s; none
reaches the user (agent tool results, run notes, failed reads), the run completes, the budget holds."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from cli_support import ROOT

pytestmark = [pytest.mark.faults, pytest.mark.slow]


def _load_review() -> Any:
    spec = importlib.util.spec_from_file_location("load_review", ROOT / "benchmarks" / "load_review.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_review_of_300_accounts_with_8_agent_sessions_at_concurrency_10(tmp_path: Path) -> None:
    figures = await _load_review().run_load(
        tmp_path,
        accounts=300,
        sessions=8,
        concurrency_limit=10,
        review_top=8,
        budget_usd=5.0,
        seed=42,
        latency_ms=150,
        other_clients_count=8,
        rate_limit_ratio=0.3,
    )
    print(figures.model_dump_json(indent=2))
    assert figures.error is None and figures.completed
    assert figures.accounts_triaged == 300
    assert figures.agent_reviews == 8 and figures.failed_agent_reviews == 0 and figures.rule_reviews == 0
    assert figures.peak_sessions == 8, "the sessions did not run concurrently"
    assert figures.rate_limit_errors_to_user == []
    assert figures.budget_held and 0 < figures.cost_usd <= 5.0
    assert figures.product_429s > 0, "the product never met the concurrency limit: the test proves nothing"
    assert figures.proposals_queued >= 8
