"""``python main.py serve [--host 127.0.0.1] [--port 8080] [--public-url URL]``: the web inbox.

Account managers sign in with Zoho and decide the proposals for their own accounts, on the same state
store and through the same executor as ``approve``. Without Zoho credentials it runs on the embedded
sandbox (sign in as one of its demo users). Behind a reverse proxy give ``--public-url https://...``:
cookies become Secure and Zoho's redirect URL is ``PUBLIC_URL/auth/callback``.

Exit codes: 0 stopped; 1 the state store or Zoho could not be opened; 2 bad options or the port is busy.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import httpx
import uvicorn
from rich.console import Console
from rich.text import Text

from config.settings import Settings
from state.errors import StateStoreError
from state.store import StateStore
from web.config import PublicUrlError, WebConfig, build_web_config, normalize_public_url

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); pick another --port") from None
    sock.listen(128)
    return sock


def _announce(out: Console, config: WebConfig, sandbox: bool) -> None:
    out.print(Text(f"Inbox: {config.public_url}/inbox", style="bold"))
    out.print(f"Zoho OAuth client redirect URL: {config.redirect_uri}")
    if sandbox:
        out.print("Zoho is the embedded sandbox: sign in as one of its demo users.")
    if not config.secure:
        out.print(
            "Served over plain HTTP: put it behind an HTTPS proxy and pass --public-url https://... for real use."
        )
    out.print("Press Ctrl-C to stop.")


async def _serve(settings: Settings, sock: socket.socket, public_url: str, out: Console, err: Console) -> int:
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.factory import build_gateway
    from web.app import create_app
    from web.context import WebContext
    from web.memory_access import MemoryAccess

    try:
        store = StateStore.open(settings)
    except StateStoreError as exc:
        err.print(Text(f"{exc} — {exc.hint}", style="red"))
        return EXIT_FAILED
    try:
        with zoho_connection(settings) as connection:
            config = build_web_config(settings, connection, public_url=public_url)

            def audit(event: dict[str, Any]) -> None:
                store.record_audit(event)

            gateway = build_gateway(settings, connection=connection, audit=audit)
            async with httpx.AsyncClient(timeout=settings.zoho_timeout_seconds) as http:
                ctx = WebContext.build(config, store, gateway, http=http, memory=MemoryAccess(settings))
                server = uvicorn.Server(
                    uvicorn.Config(
                        create_app(ctx),
                        log_level=settings.log_level.lower(),
                        access_log=False,  # ours (web.security) never writes query strings
                        proxy_headers=True,
                        lifespan="on",
                        timeout_graceful_shutdown=5,
                    )
                )
                _announce(out, config, connection.embedded)
                try:
                    await server.serve(sockets=[sock])
                finally:
                    await gateway.aclose()
    finally:
        store.close()
    return EXIT_OK


def run(settings: Settings, *, host: str = "127.0.0.1", port: int = 8080, public_url: str | None = None) -> int:
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    try:
        sock = _bind(host, port)
    except OSError as exc:
        err.print(Text(str(exc), style="red"))
        return EXIT_USAGE
    bound = sock.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    try:
        url = normalize_public_url(public_url or f"http://{shown_host}:{bound}")
    except PublicUrlError as exc:
        sock.close()
        err.print(Text(str(exc), style="red"))
        return EXIT_USAGE
    settings.ensure_home()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry request URLs
    try:
        return asyncio.run(_serve(settings, sock, url, out, err))
    except KeyboardInterrupt:
        return EXIT_OK
