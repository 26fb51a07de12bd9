"""The running sandbox's state: the one object every API family shares (``sandbox.api``).

state.store        SandboxStore: records, users, org, manifest
state.config       SandboxConfig: credentials it accepts, token TTL, concurrency limit
state.tokens       TokenRegistry: OAuth tokens
state.faults       FaultInjector
state.stats        Stats: ``state.stats.record("GET /crm/v8/{module}", credits)``
state.page_tokens  PageTokens
state.clock        SandboxClock: the sandbox's "now" (credit window, channel expiry, Date header)
state.credits      CreditWindow: the org's rolling 24-hour API credits (``--edition``)
state.base_url     "http://127.0.0.1:PORT" once the server is bound
state.data_dir     where the families keep their files (attachments, channels); a temporary one when unset
state.services     per-family services by name ("attachments", "notifications", "bulk", "mcp")
state.admit(authorization, method, path) -> Caller, or raises ZohoHTTPError (401): the middleware's gate
state.caller(request) -> the Caller the gate admitted (``sandbox.access``)
state.token_user   the user every token belongs to: the org's first user of ``config.profile``
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.requests import Request

from sandbox.access import Caller, admit, admitted
from sandbox.auth import TokenRegistry
from sandbox.clock import SandboxClock
from sandbox.credentials import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN
from sandbox.credits import DEFAULT_EDITION, DEFAULT_LICENSES, CreditWindow, edition
from sandbox.faults import FaultInjector
from sandbox.page_tokens import PageTokens
from sandbox.responses import ZohoHTTPError, zoho_error, zoho_json
from sandbox.scopes import DEFAULT_SCOPES
from sandbox.stats import Stats
from sandbox.store import SandboxStore

__all__ = ["SandboxConfig", "SandboxState", "zoho_error", "zoho_json", "ZohoHTTPError"]

PUBLIC_PREFIXES = ("/__sandbox", "/oauth")
PROFILES = {"administrator": "Administrator", "standard": "Standard"}


@dataclass
class SandboxConfig:
    """What the sandbox accepts and how strict it is."""

    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    refresh_token: str = DEMO_REFRESH_TOKEN
    token_ttl_seconds: float = 3600
    concurrency_limit: int = 10
    page_token_ttl_seconds: float = 86_400
    scopes: tuple[str, ...] = DEFAULT_SCOPES  # what every token is granted (default: the README's list)
    profile: str = "standard"  # administrator | standard: the profile of the user the tokens belong to
    # the v2-era reading "GET /Notes is for administrators" (403 NOT_SUPPORTED); v3-v8 pages do not say it
    notes_list_admin_only: bool = False
    edition: str = DEFAULT_EDITION
    user_licenses: int = DEFAULT_LICENSES
    addon_credits: int = 0

    @property
    def credit_limit(self) -> int:
        """The org's credits per rolling 24 hours, by Zoho's published figures for the edition."""
        return edition(self.edition).limit(self.user_licenses, self.addon_credits)


@dataclass
class SandboxState:
    store: SandboxStore
    config: SandboxConfig
    tokens: TokenRegistry
    faults: FaultInjector = field(default_factory=FaultInjector)
    stats: Stats = field(default_factory=Stats)
    page_tokens: PageTokens = field(default_factory=PageTokens)
    base_url: str = ""
    public_prefixes: list[str] = field(default_factory=lambda: list(PUBLIC_PREFIXES))
    services: dict[str, Any] = field(default_factory=dict)
    clock: SandboxClock = field(default_factory=SandboxClock)
    credits: CreditWindow | None = None
    data_dir: Path | None = None

    @classmethod
    def create(
        cls,
        store: SandboxStore,
        config: SandboxConfig | None = None,
        clock: SandboxClock | None = None,
        data_dir: Path | None = None,
    ) -> SandboxState:
        config = config or SandboxConfig()
        now = clock or SandboxClock()
        credits = CreditWindow(config.credit_limit, now, edition_name=edition(config.edition).name)
        tokens = TokenRegistry(
            config.client_id,
            config.client_secret,
            config.refresh_token,
            str(user_of_profile(store, config.profile)["id"]),
            ttl_seconds=config.token_ttl_seconds,
            scopes=tuple(config.scopes),
            clock=lambda: time.time() + now.offset_seconds,
        )
        return cls(
            store=store,
            config=config,
            tokens=tokens,
            stats=Stats(window=credits),
            page_tokens=PageTokens(config.page_token_ttl_seconds),
            clock=now,
            credits=credits,
            data_dir=data_dir,
        )

    @property
    def token_user(self) -> dict[str, Any]:
        return user_of_profile(self.store, self.config.profile)

    def is_public(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.public_prefixes)

    def admit(self, authorization: str | None, method: str, path: str) -> Caller:
        """The caller of an API call, authenticated and scope-checked; raises ZohoHTTPError (401)."""
        return admit(self.tokens, self.store, authorization, method, path)

    def caller(self, request: Request) -> Caller:
        """Who calls: the caller the middleware's gate admitted (admitted here when no gate ran)."""
        found = admitted(request)
        if found is not None:
            return found
        return self.admit(request.headers.get("authorization"), request.method, request.url.path)

    def files_dir(self) -> Path:
        """``data_dir`` (created), or a private temporary folder for a sandbox without one."""
        if self.data_dir is None:
            self.data_dir = Path(tempfile.mkdtemp(prefix="sandbox-"))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return self.data_dir

    def configure(
        self,
        *,
        concurrency_limit: int | None = None,
        token_ttl_seconds: float | None = None,
        page_token_ttl_seconds: float | None = None,
    ) -> SandboxConfig:
        if concurrency_limit is not None:
            self.config.concurrency_limit = concurrency_limit
        if token_ttl_seconds is not None:
            self.config.token_ttl_seconds = token_ttl_seconds
            self.tokens.ttl_seconds = token_ttl_seconds
        if page_token_ttl_seconds is not None:
            self.config.page_token_ttl_seconds = page_token_ttl_seconds
            self.page_tokens.ttl_seconds = page_token_ttl_seconds
        return self.config


def user_of_profile(store: SandboxStore, profile: str) -> dict[str, Any]:
    """The org's first user with the profile (``administrator`` or ``standard``)."""
    name = PROFILES.get(profile.lower())
    if name is None:
        raise ValueError(f"unknown profile {profile!r}: use administrator or standard")
    for user in store.users:
        if (user.get("profile") or {}).get("name") == name:
            return dict(user)
    return dict(store.default_user)
