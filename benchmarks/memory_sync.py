"""Long-term memory on a sandbox org: full ingest, incremental sync of 1% changes, search latency.

    .venv/bin/python benchmarks/memory_sync.py [--accounts 5000] [--seed 42] [--queries 50] [--profile] [--json]

The sandbox runs in this process; each sync and the searches run in a fresh worker process (this
script with ``--worker``), as ``python main.py sync`` would, so peak RSS is the sync's own
(``ru_maxrss`` of the worker) and every phase pays its real start-up (cognee import included).
Reported per sync: wall time, peak RSS, records fetched/stored/unchanged, change events, API calls,
and where the time went: fetch, describe+classify, ledger, embedding (MiniLM, numpy) and cognee's own
share of the push (graph + vector writes = push − embedding). ``--profile`` adds the top functions
(cumulative time) of the full ingest from cProfile. Targets (2 cores): full ≤ 300 s, incremental
1% ≤ 15 s, search p95 ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
QUERIES = (
    "customer is thinking about leaving for a competitor",
    "they may not renew the contract",
    "unhappy with support response times",
    "budget cuts, they want to reduce seats",
    "interested in buying more licenses",
    "expansion to a new region",
    "price increase complaint",
    "champion left the company",
    "deal stalled, no reply for weeks",
    "asked for cancellation terms",
    "happy with the new dashboard",
    "security review before renewal",
    "invoice dispute",
    "wants a discount to stay",
    "evaluating other vendors",
    "new project could use our platform",
    "executive sponsor changed",
    "integration problems with their IT",
    "usage dropped sharply",
    "positive quarterly business review",
)
TARGETS = {"full_seconds": 300.0, "incremental_seconds": 15.0, "search_p95_ms": 500.0}


# ---------------------------------------------------------------------------------------------- worker
def _settings(home: Path) -> Any:
    from config import load_settings

    return load_settings(home=home)  # the Zoho URL and credentials come from SERGAS_ZOHO_* in the environment


async def _worker_sync(home: Path, *, full: bool) -> dict[str, Any]:
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway
    from memory.embedding.cognee_engine import EMBED_STATS
    from memory.embedding.minilm import shared_encoder
    from memory.interface import open_memory
    from memory.sync import sync_memory
    from state.store import StateStore

    settings = _settings(home)
    settings.ensure_home()
    started = time.perf_counter()
    memory = await open_memory(settings)
    opened = time.perf_counter() - started
    store = StateStore.open(settings)
    try:
        with zoho_connection(settings) as connection:
            gateway = build_gateway(settings, connection=connection)
            try:
                summary = await sync_memory(gateway, memory, memory, full=full, decisions=store)
            finally:
                await gateway.aclose()
    finally:
        store.close()
        timings = dict(getattr(memory, "timings", {}))
        await memory.aclose()
    seconds = time.perf_counter() - started
    push = timings.get("push", 0.0)
    embedding = shared_encoder().busy_seconds
    work = timings.get("classify", 0.0) + timings.get("ledger", 0.0) + push
    return {
        "seconds": round(seconds, 2),
        "open_seconds": round(opened, 2),
        "fetched": summary.fetched,
        "stored": summary.stored,
        "unchanged": summary.unchanged,
        "change_events": summary.change_events,
        "api_calls": summary.api_calls,
        "phases": {
            "open (cognee import, engines)": round(opened, 2),
            "fetch (bulk tier, sandbox)": round(summary.seconds - work, 2),
            "describe + classify": round(timings.get("classify", 0.0), 2),
            "ledger writes": round(timings.get("ledger", 0.0), 2),
            "embedding (MiniLM numpy, compute)": round(embedding, 2),
            "cognee graph + vector writes (push - embedding)": round(push - embedding, 2),
            "  of which graph nodes": round(timings.get("graph_nodes", 0.0), 2),
            "  of which vector upserts (less embedding)": round(timings.get("vectors", 0.0) - embedding, 2),
            "  of which graph edges": round(timings.get("graph_edges", 0.0), 2),
        },
        "embedded_texts": int(EMBED_STATS["texts"]),
    }


async def _worker_search(home: Path, queries: int, seed: int) -> dict[str, Any]:
    from memory.interface import open_memory

    settings = _settings(home)
    started = time.perf_counter()
    memory = await open_memory(settings, read_only=True)
    opened = time.perf_counter() - started
    rng = random.Random(seed)
    await memory.search("warm-up", limit=1)  # loads the encoder and opens the collections: not a query
    latencies: list[float] = []
    hits = 0
    try:
        accounts = _some_accounts(settings, 10)
        for i in range(queries):
            query = QUERIES[i % len(QUERIES)]
            account = rng.choice(accounts) if accounts and i % 5 == 4 else None  # every 5th: one account
            t = time.perf_counter()
            found = await memory.search(query, account_id=account, limit=10)
            latencies.append((time.perf_counter() - t) * 1000)
            hits += bool(found)
    finally:
        await memory.aclose()
    latencies.sort()
    return {
        "open_seconds": round(opened, 2),
        "queries": queries,
        "answered": hits,
        "p50_ms": round(statistics.median(latencies), 1),
        "p95_ms": round(latencies[max(0, int(len(latencies) * 0.95) - 1)], 1),
        "max_ms": round(latencies[-1], 1),
    }


def _some_accounts(settings: Any, count: int) -> list[str]:
    import sqlite3

    db = sqlite3.connect(str(settings.memory_dir / "ledger.sqlite3"))
    try:
        return [r[0] for r in db.execute("SELECT record_id FROM records WHERE module = 'Accounts' LIMIT ?", (count,))]
    finally:
        db.close()


def _worker(args: argparse.Namespace) -> int:
    home = Path(args.home)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    if args.worker == "search":
        result = asyncio.run(_worker_search(home, args.queries, args.seed))
    else:
        result = asyncio.run(_worker_sync(home, full=args.worker == "full"))
    if profiler is not None:
        import io
        import pstats

        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
        result["profile_top"] = _trim_profile(out.getvalue())
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("RESULT " + json.dumps(result))
    return 0


def _trim_profile(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
    site = str(Path(sys.prefix) / "lib")
    return [line.replace(site, "…").replace(str(ROOT) + "/", "") for line in lines[start : start + 41] if line]


# ---------------------------------------------------------------------------------------------- driver
def _run_worker(
    kind: str, home: Path, env: dict[str, str], args: argparse.Namespace, profile: bool = False
) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        kind,
        "--home",
        str(home),
        "--queries",
        str(args.queries),
        "--seed",
        str(args.seed),
    ]
    if profile:
        command.append("--profile")
    started = time.perf_counter()
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False)
    wall = time.perf_counter() - started
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"worker {kind} failed ({proc.returncode}): {proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(line[len("RESULT ") :])
    result["process_seconds"] = round(wall, 2)
    return result


def _change_one_percent(store: Any, seed: int) -> dict[str, int]:
    """Edit 1% of each module's records the way users do (a note rewritten, a stage moved...)."""
    rng = random.Random(seed)
    edits = {
        "Accounts": lambda r: {"Rating": rng.choice(["Hot", "Warm", "Cold"]) if r.get("Rating") != "Hot" else "Cold"},
        "Contacts": lambda r: {"Title": f"{r.get('Title') or 'Manager'} (updated)"},
        "Deals": lambda r: {"Next_Step": f"Follow up on revised proposal {rng.randint(1, 999)}"},
        "Tasks": lambda r: {"Priority": "High" if r.get("Priority") != "High" else "Low"},
        "Notes": lambda r: {"Note_Content": (r.get("Note_Content") or "") + " Customer asked about a discount."},
    }
    changed: dict[str, int] = {}
    for module in MODULES:
        records = store.list_records(module)
        sample = rng.sample(records, max(1, len(records) // 100))
        for record in sample:
            store.update(module, record["id"], edits[module](record))
        changed[module] = len(sample)
    return changed


def _disk_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6, 1)


def run(args: argparse.Namespace) -> dict[str, Any]:
    from benchmarks.sandbox_env import sandbox_env
    from sandbox.embedded import start_sandbox

    root = Path(tempfile.mkdtemp(prefix="sergas-memory-bench-"))
    home = root / "home"
    started = time.perf_counter()
    with start_sandbox(root / "sandbox", accounts=args.accounts, seed=args.seed) as sandbox:
        boot = time.perf_counter() - started
        counts = {m: sandbox.store.count(m) for m in MODULES}
        env = sandbox_env(sandbox, home)
        full = _run_worker("full", home, env, args, profile=args.profile)
        disk = _disk_mb(home / "memory")
        unchanged = _run_worker("incremental", home, env, args)
        changed = _change_one_percent(sandbox.store, args.seed)
        incremental = _run_worker("incremental", home, env, args)
        search = _run_worker("search", home, env, args)
    return {
        "accounts": args.accounts,
        "records": counts,
        "total_records": sum(counts.values()),
        "sandbox_boot_seconds": round(boot, 1),
        "cpus": os.cpu_count(),
        "full": {**full, "disk_mb": disk},
        "incremental_nothing_changed": unchanged,
        "changed_records": changed,
        "incremental_1pct": incremental,
        "search": search,
        "targets": TARGETS,
        "meets": {
            "full": full["seconds"] <= TARGETS["full_seconds"],
            "incremental": incremental["seconds"] <= TARGETS["incremental_seconds"],
            "search_p95": search["p95_ms"] <= TARGETS["search_p95_ms"],
        },
        "data_dir": str(root),
    }


def _print(result: dict[str, Any]) -> None:
    full, inc, search = result["full"], result["incremental_1pct"], result["search"]
    print(
        f"org: {result['accounts']} accounts, {result['total_records']} records {result['records']}; "
        f"{result['cpus']} CPUs"
    )
    print(
        f"full ingest:      {full['seconds']:>7.1f} s (target ≤ {TARGETS['full_seconds']:.0f})  "
        f"peak RSS {full['peak_rss_mb']:.0f} MB  disk {full['disk_mb']:.0f} MB  "
        f"stored {full['stored']}  API calls {full['api_calls']}"
    )
    for phase, seconds in full["phases"].items():
        print(f"    {phase:<48}{seconds:>8.1f} s")
    print(f"    embedded texts {full['embedded_texts']}")
    nothing = result["incremental_nothing_changed"]
    print(f"incremental, 0%:  {nothing['seconds']:>7.1f} s  fetched {nothing['fetched']} stored {nothing['stored']}")
    print(
        f"incremental, 1%:  {inc['seconds']:>7.1f} s (target ≤ {TARGETS['incremental_seconds']:.0f})  "
        f"fetched {inc['fetched']} stored {inc['stored']} unchanged {inc['unchanged']} "
        f"change events {inc['change_events']} API calls {inc['api_calls']} (open {inc['open_seconds']} s)"
    )
    print(
        f"search ({search['queries']} queries): p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms "
        f"(target ≤ {TARGETS['search_p95_ms']:.0f}), max {search['max_ms']} ms, answered {search['answered']}"
    )
    for line in full.get("profile_top", []):
        print("    " + line)
    print(f"meets targets: {result['meets']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--profile", action="store_true", help="cProfile the full ingest")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", choices=("full", "incremental", "search"), help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return _worker(args)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        _print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
