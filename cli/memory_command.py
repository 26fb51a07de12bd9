"""``python main.py memory search QUERY [--account ID] [--limit N] [--json]``: account history by meaning.

Opens the memory read-only (never blocked by a running sync), so it answers while ``sync`` writes.
Every result cites its record: module, Zoho record id, account and date. Exit codes: 0 results
(or none found), 1 the memory was never synced (run ``python main.py sync``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from config.settings import Settings
from memory.interface import memory_built


def search(
    settings: Settings, *, query: str, account: str | None = None, limit: int = 10, as_json: bool = False
) -> int:
    from rich.console import Console
    from rich.text import Text

    from domain.safe_text import safe_block, safe_inline

    err = Console(stderr=True)
    if not memory_built(settings):
        err.print("[yellow]The long-term memory is empty: run `python main.py sync` first.[/yellow]")
        return 1
    stdout = sys.stdout
    # cognee prints its migrations ("... table already exists"): stdout is the result, so keep them out
    with Path(os.devnull).open("w") as devnull, contextlib.redirect_stdout(devnull):
        hits = asyncio.run(_search(settings, query=query, account=account, limit=limit))
    if as_json:
        stdout.write(
            json.dumps(
                {"query": query, "account_id": account, "count": len(hits), "results": hits}, indent=2, default=str
            )
            + "\n"
        )
        return 0
    out = Console(file=stdout, highlight=False, soft_wrap=True)
    if not hits:
        none = f"Nothing in memory matches {query!r}" + (f" for account {account}." if account else ".")
        out.print(Text(safe_inline(none)))
        return 0
    for n, hit in enumerate(hits, 1):
        cite = hit["citation"]
        when = (hit.get("at") or "")[:10] or "undated"
        out.print(Text(f"{n}.", style="bold") + Text(f" {hit['score']:.2f}  {safe_block(hit['summary'])}"))
        cites = f"    cites {cite['module']} {cite['record_id']} · account {cite.get('account_id') or '-'} · {when}"
        out.print(Text(safe_inline(cites), style="dim"))
    return 0


async def _search(settings: Settings, *, query: str, account: str | None, limit: int) -> list[dict[str, Any]]:
    from memory.interface import open_memory

    memory = await open_memory(settings, read_only=True)
    try:
        hits = await memory.search(query, account_id=account, limit=limit)
    finally:
        await memory.aclose()
    return [
        {
            "score": h.score,
            "kind": h.fact.kind,
            "account_id": h.fact.account_id,
            "at": h.fact.at.isoformat() if h.fact.at else None,
            "summary": h.fact.summary,
            "citation": h.fact.citation.model_dump(mode="json"),
        }
        for h in hits
    ]
