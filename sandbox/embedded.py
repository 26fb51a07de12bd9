"""Run the sandbox in-process: uvicorn in a daemon thread, returning once it accepts connections.

with start_sandbox(tmp_path / "sandbox", accounts=50, seed=7) as sb:
    httpx.post(f"{sb.base_url}/oauth/v2/token", data={...})
    sb.inject_fault(kind="429", count=1)
    sb.manifest()["situations"]
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import uvicorn

from sandbox.app import build_app
from sandbox.clock import Clock, SandboxClock, utc_now
from sandbox.credentials import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from sandbox.credits import DEFAULT_EDITION, DEFAULT_LICENSES
from sandbox.credits import edition as credit_edition
from sandbox.faults import FaultSpec
from sandbox.scopes import DEFAULT_SCOPES, parse_scopes
from sandbox.state import SandboxConfig, SandboxState
from sandbox.store import SandboxStore


class SandboxStartError(RuntimeError):
    """The sandbox could not start (port busy, bad data directory). The message says which."""


@dataclass
class RunningSandbox:
    """A live sandbox. ``base_url`` serves API, OAuth and ``/__sandbox`` alike."""

    base_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    state: SandboxState
    startup_seconds: float = 0.0
    _server: uvicorn.Server | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def store(self) -> SandboxStore:
        return self.state.store

    @property
    def accounts_url(self) -> str:
        """The SDK's "accounts URL": the full token endpoint."""
        return f"{self.base_url}/oauth/v2/token"

    def manifest(self) -> dict[str, Any]:
        return dict(self.state.store.manifest)

    def access_token(self) -> str:
        """A fresh access token for the demo refresh token, as the token endpoint would grant it."""
        form = {
            "grant_type": "refresh_token",
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "refresh_token": self.refresh_token,
        }
        return str(self.state.tokens.grant(form)["access_token"])

    def inject_fault(self, **spec: Any) -> None:
        """Same as ``POST /__sandbox/faults``: ``inject_fault(kind="429", count=2, path_prefix="/crm")``."""
        parsed = FaultSpec.model_validate(spec)
        if parsed.kind == "expire_tokens":
            self.state.tokens.expire_all()
        else:
            self.state.faults.add(parsed)

    def clear_faults(self) -> None:
        self.state.faults.clear()

    def stats(self) -> dict[str, Any]:
        return self.state.stats.snapshot()

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.state.store.close()


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def launch(state: SandboxState, host: str, port: int) -> tuple[uvicorn.Server, threading.Thread, str]:
    """Bind ``host:port`` (0 = any free port), serve in a daemon thread, return once ready."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise SandboxStartError(f"port {port} on {host} is busy ({exc.strerror}); pick another with --port") from None
    sock.listen(128)
    bound_port = sock.getsockname()[1]
    state.base_url = f"http://{host}:{bound_port}"
    config = uvicorn.Config(
        build_app(state),
        log_level="warning",
        access_log=False,
        lifespan="on",
        ws="none",
        timeout_graceful_shutdown=2,
        date_header=False,  # the middleware dates every answer by the sandbox clock
    )
    server = uvicorn.Server(config)

    def serve() -> None:
        asyncio.run(server.serve(sockets=[sock]))

    thread = threading.Thread(target=serve, name="zoho-sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SandboxStartError("the sandbox server did not start; see the log above")
        time.sleep(0.005)
    return server, thread, state.base_url


def serve(
    store: SandboxStore,
    config: SandboxConfig,
    clock: SandboxClock,
    data_dir: Path,
    address: tuple[str, int],
    started: float,
) -> RunningSandbox:
    """The org of ``store`` served by ``config`` at ``address`` (host, port); the store is closed when that fails.
    ``started``: when starting began (``time.perf_counter``), for ``startup_seconds``."""
    try:
        state = SandboxState.create(store, config, clock, data_dir=data_dir)
    except ValueError as exc:
        store.close()
        raise SandboxStartError(str(exc)) from None
    try:
        server, thread, base_url = launch(state, *address)
    except BaseException:
        store.close()
        raise
    return RunningSandbox(
        base_url=base_url,
        client_id=config.client_id,
        client_secret=config.client_secret,
        refresh_token=config.refresh_token,
        state=state,
        startup_seconds=time.perf_counter() - started,
        _server=server,
        _thread=thread,
    )


@contextlib.contextmanager
def start_sandbox(
    data_dir: Path,
    accounts: int = 50,
    seed: int = 7,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    client_id: str | None = None,
    client_secret: str | None = None,
    refresh_token: str | None = None,
    token_ttl_seconds: float = 3600,
    reset: bool = False,
    anchor: datetime | None = None,
    concurrency_limit: int | None = None,
    scopes: str | Sequence[str] | None = None,
    profile: str = "standard",
    notes_list_admin_only: bool = False,
    clock: Clock = utc_now,
    edition: str = DEFAULT_EDITION,
    user_licenses: int = DEFAULT_LICENSES,
    addon_credits: int = 0,
) -> Iterator[RunningSandbox]:
    """Seed (or load) the org under ``data_dir`` and serve it until the block exits. ``clock`` is the org's
    time (Created_Time/Modified_Time of writes, the credit window, channel expiry): a test moves it to play
    several days (``POST /__sandbox/clock`` moves it too).

    ``edition`` (free|standard|professional|enterprise|ultimate), ``user_licenses`` and ``addon_credits``
    size the org's rolling 24-hour API credits by Zoho's figures (``sandbox.credits``); the concurrency
    limit defaults to the edition's. ``scopes`` (default: the README's list) are what every token is
    granted; ``client_id``, ``client_secret`` and ``refresh_token`` default to the sandbox's demo ones
    (``sandbox.credentials``); ``profile`` (``administrator`` or ``standard``) is the profile of the user the
    tokens belong to; ``notes_list_admin_only`` refuses ``GET /Notes`` to other profiles (a v2-era reading of
    Zoho's docs)."""
    started = time.perf_counter()
    plan = credit_edition(edition)  # ValueError naming the choices, before anything is opened
    org_clock = SandboxClock(clock)
    store = SandboxStore.open(Path(data_dir), accounts=accounts, seed=seed, anchor=anchor, reset=reset, clock=org_clock)
    config = SandboxConfig(
        client_id=client_id or DEMO_CLIENT_ID,
        client_secret=client_secret or DEMO_CLIENT_SECRET,
        refresh_token=refresh_token or DEMO_REFRESH_TOKEN,
        token_ttl_seconds=token_ttl_seconds,
        concurrency_limit=concurrency_limit or plan.concurrency,
        edition=plan.name,
        user_licenses=user_licenses,
        addon_credits=addon_credits,
        scopes=DEFAULT_SCOPES if scopes is None else parse_scopes(scopes),
        profile=profile,
        notes_list_admin_only=notes_list_admin_only,
    )
    running = serve(store, config, org_clock, Path(data_dir), (host, port), started)
    try:
        yield running
    finally:
        running.stop()
