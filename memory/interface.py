"""The memory the rest of the application uses: ``AccountMemory`` and ``open_memory``.

Nothing outside ``memory/`` imports cognee; everything else codes against this protocol.

    memory = await open_memory(settings)                 # the writer (the sync): takes the writer lock
    await memory.remember_records(records)               # only new/changed records are stored
    memory = await open_memory(settings, read_only=True) # chat, search, agents: never blocked by a sync
    hits = await memory.search("customer unhappy with support", account_id="123")
    await memory.aclose()
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from config.settings import Settings
from integrations.zoho.models import CrmRecord
from memory.models import ChangeEvent, MemoryFact, MemoryHit, MemoryStats, RememberResult

LEDGER_FILE = "ledger.sqlite3"  # the memory's own SQLite ledger: hashes, cursors, change events, decisions


def memory_built(settings: Settings) -> bool:
    """Whether a memory sync ever ran (its ledger exists). Cheap: no cognee import."""
    return (settings.memory_dir.expanduser() / LEDGER_FILE).exists()


class MemoryError(Exception):  # noqa: A001 - the memory package's base error
    """Base of memory failures."""


class MemoryBusyError(MemoryError):
    """Another process holds the memory writer lock (a sync is running). Wait for it, or open read-only."""


class MemoryNotReadyError(MemoryError):
    """The memory has never been synced. Run ``python main.py sync`` first."""


class MemoryModelMissingError(MemoryError):
    """The local embedding model is not installed (e.g. after a plain ``pip install .``). The message is one
    line with the exact install command."""


def check_embedding_model() -> str:
    """Where the local embedding model's files are; raises ``MemoryModelMissingError`` (one line: the install
    command) when they are not there. Cheap: imports neither cognee nor the weights."""
    from memory.embedding.minilm import ModelNotInstalledError, model_dir

    try:
        return str(model_dir())
    except ModelNotInstalledError as exc:
        raise MemoryModelMissingError(str(exc)) from None


class AccountMemory(Protocol):
    async def remember_records(self, records: Sequence[CrmRecord]) -> RememberResult: ...

    async def remember_changes(self, events: Sequence[ChangeEvent]) -> int: ...

    async def record_decision(self, recommendation: Any, decision: str, reason: str | None) -> MemoryFact: ...

    async def timeline(
        self, account_id: str, *, since: datetime | None = None, limit: int = 50
    ) -> list[MemoryFact]: ...

    async def search(self, query: str, *, account_id: str | None = None, limit: int = 10) -> list[MemoryHit]: ...

    async def similar_situations(self, text: str, *, limit: int = 5) -> list[MemoryHit]: ...

    async def stats(self) -> MemoryStats: ...

    # The sync's cursors (``integrations.zoho.gateway.CursorStore``), kept with the memory itself.
    def get_cursor(self, module: str) -> datetime | None: ...

    def set_cursor(self, module: str, value: datetime) -> None: ...

    async def aclose(self) -> None: ...


async def open_memory(settings: Settings, *, read_only: bool = False, lock_timeout: float = 5.0) -> AccountMemory:
    """Open the long-term memory under ``settings.memory_dir``.

    The writer (``read_only=False``) takes the writer lock or raises ``MemoryBusyError`` after
    ``lock_timeout`` seconds. Readers take no lock: they read the ledger (SQLite, WAL) and the last
    committed version of the vector index, so a running sync never makes them fail. Raises
    ``MemoryModelMissingError`` when the local embedding model is not installed.
    """
    from memory.account_memory import CogneeAccountMemory

    check_embedding_model()  # before cognee: one clear line instead of a traceback from deep inside a write
    return await CogneeAccountMemory.open(settings, read_only=read_only, lock_timeout=lock_timeout)
