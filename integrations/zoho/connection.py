"""Where Zoho is for this run: real Zoho (credentials set) or the embedded sandbox (none set).

``with zoho_connection(settings) as conn:`` yields a ``ZohoConnectionInfo``; in sandbox mode it starts
``sandbox.embedded.start_sandbox`` for the duration of the block (every command uses this).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel, SecretStr

from config.settings import Settings


class ZohoConnectionInfo(BaseModel):
    """URLs and credentials of the Zoho to talk to. Secrets are ``SecretStr`` (hidden in repr/logs)."""

    api_url: str
    accounts_url: str
    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr
    mcp_url: str | None = None
    embedded: bool = False
    sandbox: Any = None  # the RunningSandbox when embedded (fault injection, stats), else None

    model_config = {"arbitrary_types_allowed": True}


def connection_from_settings(settings: Settings) -> ZohoConnectionInfo:
    """Real Zoho from settings (credentials must be set)."""
    api_url, accounts_url = settings.zoho_urls
    assert settings.zoho_client_id and settings.zoho_client_secret and settings.zoho_refresh_token
    return ZohoConnectionInfo(
        api_url=api_url,
        accounts_url=accounts_url,
        client_id=settings.zoho_client_id,
        client_secret=settings.zoho_client_secret,
        refresh_token=settings.zoho_refresh_token,
        mcp_url=settings.zoho_mcp_url,
        embedded=False,
    )


def connection_from_sandbox(running: Any, settings: Settings | None = None) -> ZohoConnectionInfo:
    mcp_url = settings.zoho_mcp_url if settings and settings.zoho_mcp_url else f"{running.base_url}/mcp"
    return ZohoConnectionInfo(
        api_url=running.base_url,
        accounts_url=running.base_url,
        client_id=running.client_id,
        client_secret=SecretStr(running.client_secret),
        refresh_token=SecretStr(running.refresh_token),
        mcp_url=mcp_url,
        embedded=True,
        sandbox=running,
    )


@contextmanager
def zoho_connection(settings: Settings) -> Iterator[ZohoConnectionInfo]:
    """Yield the connection; start (and stop) the embedded sandbox when no credentials are set."""
    if settings.zoho_mode == "zoho":
        yield connection_from_settings(settings)
        return
    from sandbox.embedded import start_sandbox

    kwargs: dict[str, Any] = {
        "accounts": settings.sandbox_accounts,
        "seed": settings.sandbox_seed,
        "edition": settings.sandbox_edition,
    }
    if settings.sandbox_port and "port" in inspect.signature(start_sandbox).parameters:
        kwargs["port"] = settings.sandbox_port
    data_dir = settings.sandbox_dir.expanduser()
    data_dir.mkdir(parents=True, exist_ok=True)
    with start_sandbox(data_dir, **kwargs) as running:
        yield connection_from_sandbox(running, settings)
