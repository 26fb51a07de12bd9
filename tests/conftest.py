"""Shared fixtures. Nothing in the suite reaches beyond 127.0.0.1: a guard refuses other addresses."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from config import Settings
    from integrations.zoho.manager import ZohoManager
    from sandbox.embedded import RunningSandbox
    from state.store import StateStore


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--run-slow", action="store_true", default=False, help="also run tests marked slow (end-to-end); CI does"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


_real_connect = socket.socket.connect


def _is_local(address: Any) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0] if isinstance(address, tuple) else address
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    if not _is_local(address):
        raise ConnectionRefusedError(f"test network guard: refusing to connect to {address!r} (not loopback)")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any connection to a non-loopback address (real Zoho, real Anthropic, hubs)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer credentials leak into tests; each test gets its own data directory and cwd."""
    import os

    for key in list(os.environ):
        if key.startswith(("SERGAS_", "ANTHROPIC_", "CLAUDE_CODE_USE_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("SERGAS_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[RunningSandbox]:
    """A running Zoho sandbox on 127.0.0.1 with a small seeded org (50 accounts)."""
    from sandbox.embedded import start_sandbox

    with start_sandbox(data_dir=tmp_path / "sandbox", accounts=50, seed=7) as running:
        yield running


@pytest.fixture
def sandbox_settings(sandbox: RunningSandbox, tmp_path: Path) -> Settings:
    """Settings pointing at the running sandbox as if it were real Zoho (credentials set)."""
    from cli_support import sandbox_settings_for

    return sandbox_settings_for(sandbox, tmp_path / "home")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A ``SERGAS_HOME`` for a CLI subprocess (``cli_support.sandbox_cli_env``) and the test's own store."""
    return tmp_path / "home"


@pytest.fixture
def settings(home: Path) -> Settings:
    """Settings with the test's own ``home`` and nothing else configured (no Zoho, no model key)."""
    from config import load_settings

    return load_settings(home=home)


@pytest.fixture
def store(settings: Settings) -> Iterator[StateStore]:
    """The state store of ``settings`` (SQLite under ``home``), as a CLI subprocess on ``home`` sees it."""
    from state.store import StateStore

    with StateStore.open(settings) as opened:
        yield opened


@pytest.fixture
def audit_events() -> list[dict[str, Any]]:
    """What the ``gateway`` fixture's Zoho calls audited (tier, operation, outcome, ...), in order."""
    return []


@pytest.fixture
async def gateway(
    sandbox: RunningSandbox, sandbox_settings: Settings, audit_events: list[dict[str, Any]]
) -> AsyncIterator[ZohoManager]:
    """The real Zoho client (MCP, SDK and REST tiers) talking to ``sandbox``, with quick retries."""
    from integrations.zoho.connection import connection_from_sandbox
    from integrations.zoho.factory import build_gateway

    manager = build_gateway(
        sandbox_settings,
        connection=connection_from_sandbox(sandbox, sandbox_settings),
        audit=audit_events.append,
        backoff_base=0.01,
    )
    yield manager
    await manager.aclose()
