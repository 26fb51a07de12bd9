"""Long-term memory for the agents and briefs, opened read-only, and its adapter to the agents' memory
tools. Light on purpose (no claude-agent-sdk, no cognee until a synced memory is opened): the keyless
commands use it too.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from config.settings import Settings
from memory.interface import memory_built

if TYPE_CHECKING:
    from agents.tools.memory_tools import MemoryReader


def _fact_dict(fact: Any, score: float | None = None) -> dict[str, Any]:
    """A ``memory.models.MemoryFact`` as the memory tools hand it to the model, with its citation."""
    citation = fact.citation
    out: dict[str, Any] = {
        "citation": citation.record_id,
        "module": citation.module,
        "kind": fact.kind,
        "account_id": fact.account_id,
        "at": fact.at.isoformat() if fact.at else None,
        "text": fact.summary,
    }
    if citation.excerpt and citation.excerpt != fact.summary:
        out["excerpt"] = citation.excerpt[:500]
    if score is not None:
        out["score"] = round(float(score), 3)
    return {k: v for k, v in out.items() if v is not None}


class AccountMemoryReader:
    """``MemoryReader`` (what the agents' memory tools call) over ``memory.interface.AccountMemory``."""

    def __init__(self, memory: Any) -> None:
        self.memory = memory

    async def timeline(self, account_id: str) -> list[dict[str, Any]]:
        return [_fact_dict(f) for f in await self.memory.timeline(account_id, limit=50)]

    async def search(self, query: str, account_id: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
        hits = await self.memory.search(query, account_id=account_id, limit=limit)
        return [_fact_dict(h.fact, h.score) for h in hits]

    async def similar_situations(self, text: str, limit: int = 5) -> list[dict[str, Any]]:
        hits = await self.memory.similar_situations(text, limit=limit)
        return [_fact_dict(h.fact, h.score) for h in hits]


def as_memory_reader(memory: Any) -> MemoryReader | None:
    """An ``AccountMemory`` wrapped for the tools; a ``MemoryReader`` (e.g. a test fake) as it is."""
    if memory is None:
        return None
    if hasattr(memory, "remember_records") or hasattr(memory, "stats"):
        return AccountMemoryReader(memory)
    return memory


def memory_synced(settings: Settings) -> bool:
    """Whether a memory sync ever ran (cheap: no cognee import)."""
    return memory_built(settings)


async def open_read_only_memory(settings: Settings) -> Any:
    """``memory.interface.open_memory(settings, read_only=True)``; raises ``MemoryNotReadyError`` when the
    memory was never synced (nothing to read: run ``python main.py sync``)."""
    from memory.interface import MemoryNotReadyError, open_memory

    if not memory_synced(settings):
        raise MemoryNotReadyError("the long-term memory has never been synced: run `python main.py sync`")
    memory = await open_memory(settings, read_only=True)
    try:
        stats = await memory.stats()
    except Exception:
        stats = None
    if stats is not None and not sum(stats.records.values()) and not stats.decisions:
        await memory.aclose()
        raise MemoryNotReadyError("the long-term memory is empty: run `python main.py sync`")
    return memory


@contextlib.asynccontextmanager
async def read_only_memory(settings: Settings, *, notes: list[str] | None = None) -> AsyncIterator[Any]:
    """The memory opened read-only, or None when it is not built yet or fails to open (the reason is
    appended to ``notes``). Closed on exit."""
    memory = None
    try:
        memory = await open_read_only_memory(settings)
    except Exception as exc:  # memory is optional for every caller
        if notes is not None:
            notes.append(f"long-term memory unavailable: {exc}")
    try:
        yield memory
    finally:
        if memory is not None:
            with contextlib.suppress(Exception):
                await memory.aclose()
