"""``python main.py sandbox``: serve the local Zoho CRM v8 sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from config.settings import Settings
from sandbox.credits import DEFAULT_EDITION, DEFAULT_LICENSES, EDITIONS
from sandbox.embedded import RunningSandbox, SandboxStartError, port_is_free, start_sandbox


def env_lines(base_url: str, client_id: str, client_secret: str, refresh_token: str) -> list[str]:
    """The exact environment lines that point the app at this sandbox."""
    return [
        f"SERGAS_ZOHO_API_URL={base_url}",
        f"SERGAS_ZOHO_ACCOUNTS_URL={base_url}",
        f"SERGAS_ZOHO_CLIENT_ID={client_id}",
        f"SERGAS_ZOHO_CLIENT_SECRET={client_secret}",
        f"SERGAS_ZOHO_REFRESH_TOKEN={refresh_token}",
        f"SERGAS_ZOHO_MCP_URL={base_url}/mcp",
    ]


def _print_banner(sb: RunningSandbox, seconds: float, data_dir: Path, profile: str) -> None:
    """What is running, where, with which tokens and limits, and how to point the app at it."""
    client_id, client_secret, refresh_token = sb.client_id, sb.client_secret, sb.refresh_token
    counts = {m: sb.store.count(m) for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes")}
    print(f"Zoho CRM sandbox running at {sb.base_url} (started in {seconds:.2f} s)")
    print("Records: " + ", ".join(f"{n} {m}" for m, n in counts.items()))
    print(f"Data: {data_dir}  (--reset reseeds)")
    user = sb.state.token_user
    print(f"Tokens: {profile} profile ({user['email']}), scopes {' '.join(sb.state.config.scopes)}")
    credits = sb.state.credits.snapshot() if sb.state.credits else {}
    print(
        f"Edition: {sb.state.config.edition}, {credits.get('limit')} API credits per rolling 24 hours, "
        f"concurrency {sb.state.config.concurrency_limit}"
    )
    print(f"Demo credentials: client id {client_id}, client secret {client_secret}, refresh token {refresh_token}")
    print("Point the app at it with:")
    for line in env_lines(sb.base_url, client_id, client_secret, refresh_token):
        print(f"  {line}")
    print(f"Ground truth: {sb.base_url}/__sandbox/manifest   Stats: {sb.base_url}/__sandbox/stats")


def _refusal(edition: str, host: str, port: int) -> str | None:
    """Why the sandbox cannot start as asked (an unknown edition, a busy port), or None."""
    if edition.strip().lower() not in EDITIONS:
        return f"--edition {edition!r} is not a Zoho CRM edition; choose one of {', '.join(EDITIONS)}."
    if port and not port_is_free(host, port):
        return f"Port {port} on {host} is already in use; choose another with --port (0 picks a free one)."
    return None


def _serve_until_stopped(stop_event: threading.Event | None) -> None:
    print("Press Ctrl-C to stop.", flush=True)
    event = stop_event or threading.Event()
    try:
        while not event.wait(0.5):
            pass
    except KeyboardInterrupt:
        print("Stopping the sandbox.")


def run(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    accounts: int = 5000,
    seed: int = 42,
    client_id: str | None = None,
    client_secret: str | None = None,
    refresh_token: str | None = None,
    reset: bool = False,
    scopes: str | None = None,
    profile: str = "standard",
    edition: str = DEFAULT_EDITION,
    user_licenses: int = DEFAULT_LICENSES,
    addon_credits: int = 0,
    stop_event: threading.Event | None = None,
    **_: Any,
) -> int:
    """Start the sandbox and block until Ctrl-C (or ``stop_event``). Exit code 2 when the port is busy
    or the edition is unknown."""
    refusal = _refusal(edition, host, port)
    if refusal is not None:
        print(refusal)
        return 2
    data_dir = settings.sandbox_dir
    data_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        with start_sandbox(
            data_dir,
            accounts=accounts,
            seed=seed,
            host=host,
            port=port,
            client_id=client_id or None,  # None: the sandbox's own demo credentials
            client_secret=client_secret or None,
            refresh_token=refresh_token or None,
            reset=reset,
            scopes=scopes,
            profile=profile,
            edition=edition,
            user_licenses=user_licenses,
            addon_credits=addon_credits,
        ) as sb:
            _print_banner(sb, time.perf_counter() - started, data_dir, profile)
            _serve_until_stopped(stop_event)
    except SandboxStartError as exc:
        print(str(exc))
        return 2
    return 0
