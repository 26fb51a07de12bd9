"""``python main.py memory search QUERY [--account NAME|ID] [--limit N] [--json]``: account history by meaning.

Opens the memory read-only (never blocked by a running sync), so it answers while ``sync`` writes.
Every result names what it is (a note's title, a deal's name), its account and date, says what the record
says, and cites it: module, Zoho record id, account id. Exit codes: 0 results
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

from rich.text import Text

from briefs.resolve import looks_like_id
from config.settings import Settings
from domain.safe_text import safe_inline
from memory.interface import memory_built


def search(
    settings: Settings, *, query: str, account: str | None = None, limit: int = 10, as_json: bool = False
) -> int:
    from rich.console import Console

    err = Console(stderr=True)
    if not memory_built(settings):
        err.print("[yellow]The long-term memory is empty: run `python main.py sync` first.[/yellow]")
        return 1
    from memory.interface import MemoryError

    if account is not None and not looks_like_id(account):  # a name, as every other --account takes
        resolved, code = _account_id_of(settings, account, err)
        if resolved is None:
            return code
        account = resolved
    stdout = sys.stdout
    # cognee prints its migrations ("... table already exists"): stdout is the result, so keep them out
    try:
        with Path(os.devnull).open("w") as devnull, contextlib.redirect_stdout(devnull):
            hits = asyncio.run(_search(settings, query=query, account=account, limit=limit))
    except MemoryError as exc:  # e.g. the embedding model is not installed: the message has the command
        err.print(str(exc), markup=False, highlight=False)
        return 1
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
        for line in hit_lines(n, hit):
            out.print(line)
    return 0


def _account_id_of(settings: Settings, name: str, err: Any) -> tuple[str | None, int]:
    """The Zoho id of the account ``name`` means (looked up in Zoho, like ``audit --account``); else None and
    the exit code, the reason printed (2: no such account or several, 1: Zoho or the state store failed)."""
    from approvals.composition import open_gateway
    from briefs.resolve import ResolveError, resolve_account
    from cli.resolve_view import report_lookup_failure
    from integrations.zoho.errors import ZohoError
    from state.errors import StateStoreError
    from state.store import StateStore

    async def lookup(store: StateStore) -> str:
        async with open_gateway(settings, store) as gateway:
            return (await resolve_account(gateway, name)).id

    try:
        with StateStore.open(settings) as store:
            return asyncio.run(lookup(store)), 0
    except (ResolveError, ZohoError) as exc:
        return None, report_lookup_failure(err, exc)
    except StateStoreError as exc:
        err.print(Text(safe_inline(f"{exc} — {exc.hint}"), style="red"))
        return None, 1


_KIND_LABEL = {"Accounts": "Account", "Contacts": "Contact", "Deals": "Deal", "Tasks": "Task", "Notes": "Note"}


def hit_lines(n: int, hit: dict[str, Any]) -> list[Text]:
    """A hit for people: what it is and its name, the account's name, the date; what it says; the ids it cites."""
    cite = hit["citation"]
    when = (hit.get("at") or "")[:10] or "undated"
    head = Text(f"{n:>2}. ", style="bold")
    head.append(f"{hit['score']:.2f}  ", style="dim")
    if hit["kind"] == "record":
        head.append(f"{_KIND_LABEL.get(cite['module'], cite['module'])} ")
        head.append(safe_inline(hit.get("title") or cite["record_id"], limit=80), style="bold")
    else:
        head.append("Change" if hit["kind"] == "change" else "Decision", style="bold")
    account_name = hit.get("account_name")
    if account_name and not (hit["kind"] == "record" and cite["module"] == "Accounts"):
        head.append(" · ")
        head.append(safe_inline(account_name, limit=60))
    head.append(f" · {when}", style="dim")
    said = cite.get("excerpt") if hit["kind"] == "record" else hit["summary"]
    body = Text("    " + safe_inline(said or hit["summary"], limit=220))
    ids = f"    cites {cite['module']} {cite['record_id']}" + (
        f" · account {hit['account_id']}" if hit.get("account_id") else ""
    )
    return [head, body, Text(safe_inline(ids), style="dim")]


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
            "title": h.fact.title,
            "account_name": h.fact.account_name,
            "citation": h.fact.citation.model_dump(mode="json"),
        }
        for h in hits
    ]
