"""``build_gateway``: wire tiers, token store and breakers from settings into one ``ZohoManager``."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from config.settings import Settings
from domain.staged_files import OUTBOX_DIR
from integrations.zoho.auth import ZohoAuth
from integrations.zoho.connection import ZohoConnectionInfo
from integrations.zoho.credits import CreditMeter
from integrations.zoho.errors import ZohoConfigError
from integrations.zoho.manager import AuditFn, ZohoManager
from integrations.zoho.mcp_tier import McpTier
from integrations.zoho.oauth import OAuthClient, TokenManager
from integrations.zoho.rest_tier import RestTier
from integrations.zoho.sdk_tier import SdkTier
from integrations.zoho.token_store import TokenStore, build_token_store


def build_gateway(
    settings: Settings,
    *,
    base_url_override: str | None = None,
    audit: AuditFn | None = None,
    connection: ZohoConnectionInfo | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    token_store: TokenStore | None = None,
    use_sdk: bool = True,
    use_mcp: bool | None = None,
    backoff_base: float = 0.25,
) -> ZohoManager:
    """A ready ``ZohoManager``.

    URLs/credentials come from ``connection`` (see ``zoho_connection``), else ``base_url_override`` (API
    and accounts on one host, e.g. ``python main.py sandbox``), else the settings (real Zoho).
    ``transport`` replaces the network for the REST/OAuth HTTP clients (tests)."""
    conn = connection or _connection(settings, base_url_override)
    store = token_store or build_token_store(settings)
    meter = CreditMeter(settings.zoho_credit_budget)  # one per gateway: every tier draws on it
    oauth_http = httpx.AsyncClient(transport=transport, timeout=settings.zoho_timeout_seconds)
    tokens = TokenManager(
        OAuthClient(
            accounts_url=conn.accounts_url,
            client_id=conn.client_id,
            client_secret=conn.client_secret,
            refresh_token=conn.refresh_token,
        ),
        store,
        http=oauth_http,
    )
    rest = RestTier(
        conn.api_url,
        tokens,
        transport=transport,
        timeout=settings.zoho_timeout_seconds,
        max_retries=settings.zoho_max_retries,
        concurrency=settings.zoho_concurrency,
        backoff_base=backoff_base,
        rate_limit_patience=settings.zoho_rate_limit_patience_seconds,
        meter=meter,
    )
    explicit = conn.embedded or base_url_override is not None or settings.zoho_api_url is not None
    sdk = _sdk_tier(conn, settings, tokens, meter, explicit=explicit) if use_sdk and transport is None else None
    with_mcp = use_mcp if use_mcp is not None else True
    mcp = _mcp_tier(conn.mcp_url, settings, tokens, meter) if conn.mcp_url and with_mcp else None
    return ZohoManager(
        meter=meter,
        rest=rest,
        sdk=sdk,
        mcp=mcp,
        breaker_fail_max=settings.breaker_fail_max,
        breaker_reset_seconds=settings.breaker_reset_seconds,
        audit=audit,
        volume_hints_path=settings.home.expanduser() / "zoho-volumes.json",
        attachment_outbox=settings.home.expanduser() / OUTBOX_DIR,
        owned_clients=(oauth_http,),
    )


def _sdk_tier(
    conn: ZohoConnectionInfo, settings: Settings, tokens: TokenManager, meter: CreditMeter, *, explicit: bool
) -> SdkTier:
    """The SDK tier; ``explicit``: the URLs were given (sandbox, override), else the SDK derives them from the DC."""
    return SdkTier(
        tokens,
        resource_path=settings.home.expanduser() / "zoho-sdk",
        api_url=conn.api_url if explicit else None,
        accounts_url=conn.accounts_url if explicit else None,
        dc=settings.zoho_dc,
        environment=settings.zoho_environment,
        timeout=settings.zoho_timeout_seconds,
        meter=meter,
    )


def _mcp_tier(url: str, settings: Settings, tokens: TokenManager, meter: CreditMeter) -> McpTier:
    timeout = settings.zoho_timeout_seconds
    fixed = settings.zoho_mcp_auth_header
    if fixed is not None:
        return McpTier(url, headers={"Authorization": fixed.get_secret_value()}, timeout=timeout, meter=meter)
    return McpTier(url, auth=ZohoAuth(tokens), timeout=timeout, meter=meter)


def _connection(settings: Settings, base_url_override: str | None) -> ZohoConnectionInfo:
    from config.settings import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN

    if base_url_override:
        base = base_url_override.rstrip("/")
        if settings.zoho_mode == "zoho":
            assert settings.zoho_client_id and settings.zoho_client_secret and settings.zoho_refresh_token
            cid, secret = settings.zoho_client_id, settings.zoho_client_secret
            refresh = settings.zoho_refresh_token
        else:
            cid, secret = SANDBOX_CLIENT_ID, SecretStr(SANDBOX_CLIENT_SECRET)
            refresh = SecretStr(SANDBOX_REFRESH_TOKEN)
        return ZohoConnectionInfo(
            api_url=base,
            accounts_url=base,
            client_id=cid,
            client_secret=secret,
            refresh_token=refresh,
            mcp_url=settings.zoho_mcp_url or f"{base}/mcp",
            embedded=False,
        )
    if settings.zoho_mode == "zoho":
        from integrations.zoho.connection import connection_from_settings

        return connection_from_settings(settings)
    raise ZohoConfigError(
        "no Zoho credentials and no sandbox URL",
        hint="Use `with zoho_connection(settings) as conn: build_gateway(settings, "
        "connection=conn)` to start the embedded sandbox, or set SERGAS_ZOHO_* "
        "credentials.",
    )
