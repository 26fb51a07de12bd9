"""What the web inbox needs to know, built once by ``cli.serve_command`` from the settings and the Zoho
connection: the public URL (redirect URL = public URL + ``CALLBACK_PATH``), the OAuth client people sign in
with, who the admins are, how long sessions and ownership reads last, and the cookie flags."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from config.settings import DC_DOMAINS, Settings
from integrations.zoho.connection import ZohoConnectionInfo
from integrations.zoho.signin import SignInClient
from review.thresholds import DEFAULT_THRESHOLDS, Thresholds, thresholds_for

CALLBACK_PATH = "/auth/callback"
# Zoho CRM's web UI per data centre (record links: <web>/crm/org<zgid>/tab/<Module>/<id>).
CRM_WEB: dict[str, str] = {
    "us": "crm.zoho.com",
    "eu": "crm.zoho.eu",
    "in": "crm.zoho.in",
    "au": "crm.zoho.com.au",
    "cn": "crm.zoho.com.cn",
    "jp": "crm.zoho.jp",
    "ca": "crm.zohocloud.ca",
    "sa": "crm.zoho.sa",
}
SANDBOX_WEB_UI = "/__sandbox/web"  # the sandbox answers web UI record links with the record's JSON


class PublicUrlError(ValueError):
    """``--public-url`` is not an http(s) URL with a host (and nothing after the path)."""


class WebConfig(BaseModel):
    public_url: str  # no trailing slash
    signin: SignInClient
    session_seconds: float
    owner_cache_seconds: float
    admins: frozenset[str]  # lower-case emails and Zoho user ids
    web_ui_base: str  # https://crm.zoho.eu, or the sandbox's <base>/__sandbox/web
    web_ui_is_sandbox: bool
    reports_dir: Path
    page_size: int = 50  # proposals per inbox page
    thresholds: Thresholds = DEFAULT_THRESHOLDS  # the review's (``thresholds_for``): the brief finds what it found

    @property
    def secure(self) -> bool:
        """Behind HTTPS: cookies get ``Secure`` (and the ``__Host-`` prefix)."""
        return self.public_url.startswith("https://")

    @property
    def session_cookie(self) -> str:
        return "__Host-sergas_session" if self.secure else "sergas_session"

    @property
    def signin_cookie(self) -> str:
        return "__Host-sergas_signin" if self.secure else "sergas_signin"

    @property
    def redirect_uri(self) -> str:
        return self.public_url + CALLBACK_PATH

    @property
    def origin(self) -> str:
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"


def normalize_public_url(value: str) -> str:
    """``https://inbox.example.com/`` → ``https://inbox.example.com``; raises ``PublicUrlError``."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise PublicUrlError(
            f"--public-url must be http(s)://host[:port][/path] (got {value!r}), e.g. https://inbox.example.com"
        )
    return value.strip().rstrip("/")


def web_ui_base(settings: Settings, connection: ZohoConnectionInfo) -> tuple[str, bool]:
    """Zoho's CRM web UI for real Zoho; the sandbox's record JSON when Zoho is the sandbox."""
    zoho_accounts = {urlsplit(accounts).hostname for _, accounts in DC_DOMAINS.values()}
    if connection.embedded or urlsplit(connection.accounts_url).hostname not in zoho_accounts:
        return connection.api_url.rstrip("/") + SANDBOX_WEB_UI, True
    web = CRM_WEB[settings.zoho_dc]
    if settings.zoho_environment == "sandbox":
        web = "crmsandbox." + web.removeprefix("crm.")
    return f"https://{web}", False


def build_web_config(settings: Settings, connection: ZohoConnectionInfo, *, public_url: str) -> WebConfig:
    client_id = settings.inbox_client_id or connection.client_id
    secret = settings.inbox_client_secret or connection.client_secret
    base, is_sandbox = web_ui_base(settings, connection)
    return WebConfig(
        public_url=normalize_public_url(public_url),
        signin=SignInClient(
            client_id=client_id, client_secret=secret, accounts_url=connection.accounts_url, api_url=connection.api_url
        ),
        session_seconds=settings.inbox_session_hours * 3600,
        owner_cache_seconds=settings.inbox_owner_cache_seconds,
        admins=settings.admin_refs,
        web_ui_base=base,
        web_ui_is_sandbox=is_sandbox,
        reports_dir=settings.reports_dir,
        thresholds=thresholds_for(settings),
    )
