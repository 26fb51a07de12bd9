"""Proposals put to the user inside the chat, through the ``approve`` command's own session.

After a turn, only the proposals that turn queued are shown (same panel, diff, choices and
exactly-once executor as ``python main.py approve``); ``/approve`` walks every pending one and
``/pending`` lists them. The chat's open gateway is lent to the approval session, never closed by it.
"""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractAsyncContextManager

from rich.console import Console

from cli.approve_command import ApproveSession, GatewayFactory, fixed_gateway
from config.settings import Settings
from domain.recommendations import Recommendation
from integrations.zoho.gateway import ZohoGateway
from state.store import StateStore


class _OnlyThese(ApproveSession):
    """An approve session restricted to some recommendation ids (those a turn just queued)."""

    def __init__(
        self,
        settings: Settings,
        store: StateStore,
        console: Console,
        *,
        ids: Collection[str],
        gateway_factory: GatewayFactory,
    ) -> None:
        super().__init__(
            settings, store, console, account=None, kind=None, gateway_factory=gateway_factory, on_decision=None
        )
        self.only_ids = set(ids)

    def pending(self, *, include_failed: bool = False) -> list[Recommendation]:
        return [r for r in super().pending(include_failed=include_failed) if r.id in self.only_ids]


class ChatApprovals:
    def __init__(self, settings: Settings, store: StateStore, gateway: ZohoGateway, console: Console) -> None:
        self.settings = settings
        self.store = store
        self.gateway = gateway
        self.console = console

    def _lend_gateway(self, _settings: Settings, _store: StateStore) -> AbstractAsyncContextManager[ZohoGateway]:
        return fixed_gateway(self.gateway)

    def _session(self, ids: Collection[str] | None = None, account: str | None = None) -> ApproveSession:
        if ids is None:
            return ApproveSession(
                self.settings,
                self.store,
                self.console,
                account=account,
                kind=None,
                gateway_factory=self._lend_gateway,
                on_decision=None,
            )
        return _OnlyThese(self.settings, self.store, self.console, ids=ids, gateway_factory=self._lend_gateway)

    def still_pending(self, ids: Collection[str]) -> list[str]:
        return [r.id for r in self._session(ids).pending(include_failed=False)]

    async def decide_on(self, ids: Collection[str]) -> int:
        """Put these proposals to the user now, then execute what was approved. Returns 0/1 like approve."""
        if not self.still_pending(ids):
            return 0
        return await self._session(ids).main(approve_all=False, reject_all=None, execute_only=False, interactive=True)

    async def decide_all(self, account: str | None = None) -> int:
        return await self._session(account=account).main(
            approve_all=False, reject_all=None, execute_only=False, interactive=True
        )

    async def list_pending(self, account: str | None = None) -> None:
        await self._session(account=account).list_pending(as_json=False)

    def pending_count(self, account: str | None = None) -> int:
        return len(self._session(account=account).pending())


__all__ = ["ChatApprovals"]
