"""How many Zoho API calls and credits a full sync costs: the seed's naive way vs ours, on one sandbox org.

    .venv/bin/python benchmarks/sync_calls.py [--accounts 5000] [--seed 42] [--json]

(a) naive: list Accounts page by page (200 per call), then each account's related Contacts, Deals,
    Notes and activities (Activities and Activities_History: Zoho has no Tasks related list), one call
    each.
(b) ours: ``ZohoManager.fetch_module`` for the five modules — COQL pages of 2,000 (the last one at the
    cheapest LIMIT the remembered volume allows) or a Bulk Read job, whichever costs fewer *credits* for the
    volume, and Notes through ``GET /Notes`` (200 a call). Measured cold (first sync ever: volumes unknown)
    and warm (volumes remembered, the steady state).
min calls: the fewest a standard-profile user with the README's scopes can make, per module
     min(ceil(n / 2000) COQL calls, 3 Bulk Read calls per 200,000 records), except Notes: COQL on Notes is
     for administrators and Bulk Read refuses Notes, so ceil(n / 200) calls of the notes list; summed.
min credits: per module min(COQL: 3 per full 2,000-page + the cheapest LIMIT tier for the rest (1 up to
     200, 2 up to 1,000, 3 up to 2,000); Bulk Read: 50 + 1 status + 1 download per 200,000), except Notes
     (1 credit per 200); summed. Reading records pages (200 a call, 1 credit) costs 5 per 1,000 records
     against COQL's 1.5, so it never wins where COQL is allowed.
Also: an incremental fetch with nothing changed (target: at most 1 call and 1 credit per module), and one
reconciliation of note ids (how deleted notes are found: the recycle bin refuses Notes).
The sandbox runs as Zoho does by default (standard profile, the README's scopes). API calls and credits
are counted by the sandbox (OAuth calls are not API calls; the SDK's own metadata reads are, as Zoho
charges them); ``credits (ours)`` is what the product's own meter counted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import load_settings  # noqa: E402
from integrations.zoho.connection import connection_from_sandbox  # noqa: E402
from integrations.zoho.factory import build_gateway  # noqa: E402
from integrations.zoho.gateway import InMemoryCursors  # noqa: E402
from integrations.zoho.manager import ZohoManager, min_calls_for, min_credits_for  # noqa: E402
from integrations.zoho.models import Account, Contact, Deal, Note, Task  # noqa: E402

MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
RELATED = (
    ("Contacts", Contact.FIELDS),
    ("Deals", Deal.FIELDS),
    ("Notes", Note.FIELDS),
    ("Activities", Task.FIELDS),
    ("Activities_History", Task.FIELDS),
)


def _measure(sandbox: Any) -> tuple[int, int]:
    stats = sandbox.stats()
    return int(stats["calls"]), int(stats["credits"])


async def naive_sync(gw: ZohoManager) -> int:
    """The seed's way: get_records page by page, then related lists per account."""
    rest = gw.rest
    accounts = [a async for page in rest.list_pages("Accounts", Account.FIELDS) for a in page]
    semaphore = asyncio.Semaphore(8)
    records = len(accounts)

    async def related(account_id: str, rel: str, fields: tuple[str, ...]) -> int:
        async with semaphore:
            return len(await rest.related("Accounts", account_id, rel, fields))

    jobs = [related(a["id"], rel, fields) for a in accounts for rel, fields in RELATED]
    for start in range(0, len(jobs), 400):
        records += sum(await asyncio.gather(*jobs[start : start + 400]))
    return records


async def our_sync(gw: ZohoManager) -> dict[str, int]:
    counts: dict[str, int] = {}
    for module in MODULES:
        total = 0
        async for page in gw.fetch_module(module):  # type: ignore[arg-type]
            total += len(page)
        counts[module] = total
    return counts


async def run(accounts: int, seed: int) -> dict[str, Any]:
    from sandbox.embedded import start_sandbox

    root = Path(tempfile.mkdtemp(prefix="sergas-bench-"))
    started = time.perf_counter()
    with start_sandbox(root / "sandbox", accounts=accounts, seed=seed, concurrency_limit=25) as sandbox:
        boot = time.perf_counter() - started
        counts = {m: sandbox.store.count(m) for m in MODULES}
        settings = load_settings(home=root / "home", zoho_concurrency=8)
        gw = build_gateway(settings, connection=connection_from_sandbox(sandbox, settings), use_mcp=False)
        try:
            await gw.rest.tokens.access_token()
            assert gw.sdk is not None
            await gw.sdk.get_records_by_ids("Accounts", [])  # import the SDK before timing
            ours = await _our_full_syncs(gw, sandbox, counts)
            incremental = await _incremental_and_notes(gw, sandbox, counts)
            seed_way = await _seed_sync(gw, sandbox)
        finally:
            await gw.aclose()
    return {
        "accounts": accounts,
        "records": counts,
        "sandbox_boot_seconds": round(boot, 1),
        **seed_way,
        **ours,
        "min_calls": sum(min_calls_for(n, m) for m, n in counts.items()),
        "min_calls_by_module": {m: min_calls_for(n, m) for m, n in counts.items()},
        "min_credits": sum(min_credits_for(n, m) for m, n in counts.items()),
        **incremental,
        "incremental_modules": len(MODULES),
    }


async def _our_full_syncs(gw: ZohoManager, sandbox: Any, counts: dict[str, int]) -> dict[str, Any]:
    """Our full sync twice: cold (volumes unknown), then warm (volumes remembered)."""
    c0, k0 = _measure(sandbox)
    m0 = gw.api_credits()
    t0 = time.perf_counter()
    cold = await our_sync(gw)
    our_cold_seconds = time.perf_counter() - t0
    c1, k1 = _measure(sandbox)
    m1 = gw.api_credits()
    t1 = time.perf_counter()
    warm = await our_sync(gw)
    our_seconds = time.perf_counter() - t1
    c2, k2 = _measure(sandbox)
    assert cold == counts == warm, (cold, warm, counts)
    return {
        "our_calls": c2 - c1,
        "our_credits": k2 - k1,
        "our_seconds": round(our_seconds, 2),
        "our_cold_calls": c1 - c0,
        "our_cold_credits": k1 - k0,
        "our_cold_credits_metered": m1 - m0,
        "our_cold_seconds": round(our_cold_seconds, 2),
        "strategies": dict(gw.last_strategy),
    }


async def _incremental_and_notes(gw: ZohoManager, sandbox: Any, counts: dict[str, int]) -> dict[str, int]:
    """An incremental fetch of every module with nothing changed (after a first one that sets the
    cursors), then one reconciliation of the live note ids."""
    cursors = InMemoryCursors()
    for module in MODULES:
        await gw.fetch_incremental(module, cursors)  # type: ignore[arg-type]
    c3, k3 = _measure(sandbox)
    for module in MODULES:
        await gw.fetch_incremental(module, cursors)  # type: ignore[arg-type]
    c4a, k4a = _measure(sandbox)
    live_notes = await gw.note_ids()
    c4, k4 = _measure(sandbox)
    assert len(live_notes) == counts["Notes"]
    return {
        "note_reconciliation_calls": c4 - c4a,
        "note_reconciliation_credits": k4 - k4a,
        "incremental_unchanged_calls": c4a - c3,
        "incremental_unchanged_credits": k4a - k3,
    }


async def _seed_sync(gw: ZohoManager, sandbox: Any) -> dict[str, Any]:
    """The seed's naive sync (pages, then related lists per account)."""
    c4, k4 = _measure(sandbox)
    t2 = time.perf_counter()
    naive_records = await naive_sync(gw)
    seed_seconds = time.perf_counter() - t2
    c5, k5 = _measure(sandbox)
    return {
        "seed_calls": c5 - c4,
        "seed_credits": k5 - k4,
        "seed_records": naive_records,
        "seed_seconds": round(seed_seconds, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = asyncio.run(run(args.accounts, args.seed))
    if args.json:
        keys = ("seed_calls", "our_calls", "min_calls", "our_credits", "min_credits", "seed_seconds", "our_seconds")
        print(json.dumps({**{k: result[k] for k in keys}, "details": result}, indent=2))
        return 0
    print(f"org: {result['accounts']} accounts, records {result['records']}")
    print(f"{'':28}{'calls':>10}{'credits':>10}{'seconds':>10}")
    print(
        f"{'(a) seed: pages + related':28}{result['seed_calls']:>10}{result['seed_credits']:>10}"
        f"{result['seed_seconds']:>10}"
    )
    print(
        f"{'(b) ours, cold (1st sync)':28}{result['our_cold_calls']:>10}{result['our_cold_credits']:>10}"
        f"{result['our_cold_seconds']:>10}"
    )
    print(f"{'(b) ours, warm':28}{result['our_calls']:>10}{result['our_credits']:>10}{result['our_seconds']:>10}")
    print(f"{'minimum Zoho allows':28}{result['min_calls']:>10}{result['min_credits']:>10}")
    print(f"minimum calls by module: {result['min_calls_by_module']}")
    print(f"strategies: {result['strategies']}")
    print(
        f"ours vs min: {result['our_calls'] / result['min_calls']:.2f}x (cold "
        f"{result['our_cold_calls'] / result['min_calls']:.2f}x); seed vs ours: "
        f"{result['seed_calls'] / max(result['our_calls'], 1):.0f}x"
    )
    print(
        f"credits: ours vs min {result['our_credits'] / result['min_credits']:.2f}x (cold "
        f"{result['our_cold_credits'] / result['min_credits']:.2f}x; the product's meter counted "
        f"{result['our_cold_credits_metered']} of the cold {result['our_cold_credits']})"
    )
    print(
        f"incremental, nothing changed: {result['incremental_unchanged_calls']} calls, "
        f"{result['incremental_unchanged_credits']} credits for {result['incremental_modules']} modules"
    )
    print(
        f"reconciling note ids (deleted notes): {result['note_reconciliation_calls']} calls, "
        f"{result['note_reconciliation_credits']} credits"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
