"""The application's settings: one pydantic-settings class, built once in ``main.py`` and passed down.

Every setting is read from the environment with the ``SERGAS_`` prefix (or a ``.env`` file in the
working directory); the model key keeps its usual names (``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``).
No module below ``main.py`` reads the environment itself.

When no Zoho credentials are set the product runs against its own embedded Zoho sandbox
(``zoho_mode == "sandbox"``); with credentials it derives the real data-centre URLs from
``SERGAS_ZOHO_DC`` and ``SERGAS_ZOHO_ENVIRONMENT`` unless the URLs are given explicitly.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import httpx
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from config.home import prepare_home

ZohoDC = Literal["us", "eu", "in", "au", "cn", "jp", "ca", "sa"]
ZohoEnvironment = Literal["production", "sandbox", "developer"]

# Data centre → (API domain, accounts server). Source: the SDK's DataCenter classes.
DC_DOMAINS: dict[str, tuple[str, str]] = {
    "us": ("https://www.zohoapis.com", "https://accounts.zoho.com"),
    "eu": ("https://www.zohoapis.eu", "https://accounts.zoho.eu"),
    "in": ("https://www.zohoapis.in", "https://accounts.zoho.in"),
    "au": ("https://www.zohoapis.com.au", "https://accounts.zoho.com.au"),
    "cn": ("https://www.zohoapis.com.cn", "https://accounts.zoho.com.cn"),
    "jp": ("https://www.zohoapis.jp", "https://accounts.zoho.jp"),
    "ca": ("https://www.zohoapis.ca", "https://accounts.zohocloud.ca"),
    "sa": ("https://www.zohoapis.sa", "https://accounts.zoho.sa"),
}
# Zoho's sandbox and developer environments live on their own API hosts.
ENVIRONMENT_API_PREFIX: dict[str, str] = {
    "production": "https://www.",
    "sandbox": "https://sandbox.",
    "developer": "https://developer.",
}

# The sandbox's documented demo credentials (not secrets: they only open the local emulator). The sandbox owns
# them (sandbox/credentials.py); this is the product's copy, for a sandbox served by another process (no
# RunningSandbox to ask), kept equal by tests/test_sandbox_credentials.py.
SANDBOX_CLIENT_ID = "1000.SANDBOXDEMOCLIENT"
SANDBOX_CLIENT_SECRET = "sandbox-demo-secret"
SANDBOX_REFRESH_TOKEN = "1000.sandbox-demo-refresh.token"


HOME_FOLDERS = ("state", "memory", "tokens", "reports", "sandbox")  # what the product keeps under SERGAS_HOME


MAX_PRODUCT_NAME = 80  # characters: a longer "name" is a description, not a name


def is_product_name(name: str) -> bool:
    """Whether ``name`` can be a product's name (``SERGAS_PRODUCT_NAMES``, Zoho's Products): short, with a letter or
    digit in it."""
    return 0 < len(name) <= MAX_PRODUCT_NAME and any(c.isalnum() for c in name)


class Settings(BaseSettings):
    """Every knob of the product. See ``.env.example`` for a commented list."""

    model_config = SettingsConfigDict(
        env_prefix="SERGAS_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- where data lives -------------------------------------------------------------------
    home: Path = Field(default=Path(".sergas"), description="Data directory: state, tokens, memory, reports.")
    database_url: SecretStr | None = Field(
        default=None, description="State store URL (postgresql://...). Default: SQLite under SERGAS_HOME."
    )

    # --- Zoho -------------------------------------------------------------------------------
    zoho_dc: ZohoDC = "us"
    zoho_environment: ZohoEnvironment = "production"
    zoho_api_url: str | None = None
    zoho_accounts_url: str | None = None
    zoho_client_id: str | None = None
    zoho_client_secret: SecretStr | None = None
    zoho_refresh_token: SecretStr | None = None
    zoho_mcp_url: str | None = None
    zoho_mcp_auth_header: SecretStr | None = Field(
        default=None, description="Value of the Authorization header sent to the Zoho MCP endpoint."
    )
    zoho_concurrency: int = Field(default=10, ge=1, le=100, description="Zoho edition concurrency limit.")
    zoho_timeout_seconds: float = Field(default=30.0, gt=0)
    zoho_max_retries: int = Field(default=5, ge=0, le=20, description="Retries after a 5xx or a dropped connection.")
    zoho_rate_limit_patience_seconds: float = Field(
        default=60.0, ge=0, le=900, description="How long a call keeps retrying 429 TOO_MANY_REQUESTS with backoff."
    )
    zoho_credit_budget: int | None = Field(
        default=None,
        ge=1,
        description="Most Zoho API credits one run (sync, review, listen, ask) may spend; unset: no cap. "
        "The org's own limit is a rolling 24 hours by edition (free: 5,000).",
    )
    token_store: Literal["file", "sqlite", "postgres"] = "file"
    token_key: SecretStr | None = Field(default=None, description="Fernet key: encrypt refresh tokens at rest.")

    # --- circuit breakers -------------------------------------------------------------------
    breaker_fail_max: int = Field(default=5, ge=1)
    breaker_reset_seconds: float = Field(default=30.0, gt=0)

    # --- embedded sandbox -------------------------------------------------------------------
    sandbox_accounts: int = Field(default=5000, ge=1, le=100_000)
    sandbox_seed: int = 42
    sandbox_port: int = Field(default=0, ge=0, le=65535, description="0 picks a free port.")
    sandbox_edition: Literal["free", "standard", "professional", "enterprise", "ultimate"] = Field(
        default="enterprise", description="Zoho edition whose API credits and concurrency the embedded sandbox has."
    )

    # --- the model --------------------------------------------------------------------------
    anthropic_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SERGAS_ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY")
    )
    anthropic_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("SERGAS_ANTHROPIC_BASE_URL", "ANTHROPIC_BASE_URL")
    )
    use_bedrock: bool = Field(default=False, validation_alias=AliasChoices("CLAUDE_CODE_USE_BEDROCK"))
    use_vertex: bool = Field(default=False, validation_alias=AliasChoices("CLAUDE_CODE_USE_VERTEX"))
    model: str = "claude-sonnet-4-5"
    max_turns: int = Field(default=30, ge=1)
    max_budget_usd: float = Field(default=5.0, gt=0, description="Budget for one run (review or ask).")
    account_budget_usd: float = Field(default=0.50, gt=0, description="Budget for one account's review.")
    agent_concurrency: int = Field(default=4, ge=1, le=32)
    review_top_n: int = Field(default=25, ge=0, description="How many flagged accounts the agents review.")
    second_reader: bool = Field(
        default=True,
        description="Also read notes with the fine-tuned model shipped in review/language/ (churn and expansion "
        "findings: right more often on text it was not trained on). ~4 ms per new sentence; each sentence's scores "
        "are kept under the state folder, so a nightly triage scores only new notes. false: the rules alone.",
    )
    product_names: str = Field(
        default="",
        description="Comma-separated names of what you sell besides the active products of your Zoho Products module "
        "(read by every review), e.g. 'Yard, RouteX, SLA Guard'. Notes are read with both: 'wants Yard for the new "
        "depot' is a wish for more, 'Yard comes off at renewal' a risk. Empty: Zoho's products alone.",
    )
    duplicate_window_days: int = Field(
        default=30,
        ge=0,
        description="Days during which an executed action counts as done: the executor refuses to create a "
        "second identical record for the same situation, and the review does not propose it again when its "
        "result cannot be checked.",
    )

    # --- memory -----------------------------------------------------------------------------
    memory_backend: Literal["cognee"] = "cognee"
    memory_graph_provider: str = "kuzu"
    memory_vector_provider: str = "lancedb"
    memory_db_provider: Literal["sqlite", "postgres"] = "sqlite"

    # --- listener (notifications) -----------------------------------------------------------
    listener_token: SecretStr | None = Field(default=None, description="Verification token for callbacks.")
    listener_daily_budget_usd: float = Field(default=5.0, gt=0)
    listener_notes_poll_seconds: float = Field(
        default=300.0,
        ge=10,
        le=86_400,
        description="How often `listen` polls Zoho for changed notes (Zoho cannot watch Notes); 1 credit a poll.",
    )

    # --- the web inbox (python main.py serve) ------------------------------------------------
    admins: str = Field(
        default="",
        description="Comma-separated emails or Zoho user ids who see and decide every account's proposals.",
    )
    inbox_client_id: str | None = Field(
        default=None, description="Zoho OAuth client (server-based) for signing in; default SERGAS_ZOHO_CLIENT_ID."
    )
    inbox_client_secret: SecretStr | None = None
    inbox_session_hours: float = Field(default=8.0, gt=0, le=24 * 30, description="A sign-in lasts this long.")
    inbox_owner_cache_seconds: float = Field(
        default=60.0, ge=0, le=3600, description="How long an account's owner read from Zoho is trusted."
    )

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @field_validator("zoho_api_url", "zoho_accounts_url", "zoho_mcp_url", "anthropic_base_url")
    @classmethod
    def _url_shape(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError when out of range or not a number
            httpx.URL(value)  # the client that will use it: rejects hosts it cannot encode
        except (ValueError, httpx.InvalidURL) as exc:
            raise ValueError(f"is not a valid URL ({exc})") from None
        if not parts.hostname or any(c.isspace() for c in value):
            raise ValueError("is not a valid URL: give a host, e.g. https://www.zohoapis.com")
        return value.rstrip("/")

    @field_validator("product_names")
    @classmethod
    def _product_names_shape(cls, value: str) -> str:
        for name in (part.strip() for part in value.split(",")):
            if name and not is_product_name(name):
                raise ValueError(
                    f"has a name that is not a product name ({name[:40]!r}): give names separated by commas, "
                    "e.g. 'Yard, RouteX, SLA Guard'"
                )
        return value

    @model_validator(mode="after")
    def _credentials_complete(self) -> Settings:
        given = {
            "SERGAS_ZOHO_CLIENT_ID": self.zoho_client_id,
            "SERGAS_ZOHO_CLIENT_SECRET": self.zoho_client_secret,
            "SERGAS_ZOHO_REFRESH_TOKEN": self.zoho_refresh_token,
        }
        present = [k for k, v in given.items() if v]
        if present and len(present) != len(given):
            missing = ", ".join(k for k in given if k not in present)
            raise ValueError(
                f"Zoho credentials are incomplete: also set {missing} (or unset all three to use the embedded sandbox)"
            )
        return self

    # --- derived values ---------------------------------------------------------------------
    @property
    def duplicate_window(self) -> timedelta:
        return timedelta(days=self.duplicate_window_days)

    @property
    def zoho_mode(self) -> Literal["sandbox", "zoho"]:
        """``sandbox`` when no credentials are configured: the embedded emulator is used."""
        return "zoho" if self.zoho_client_id else "sandbox"

    @property
    def zoho_urls(self) -> tuple[str, str]:
        """(API base, accounts server base) for real Zoho, from explicit URLs or DC + environment."""
        api_domain, accounts = DC_DOMAINS[self.zoho_dc]
        if self.zoho_environment != "production":
            api_domain = api_domain.replace("https://www.", ENVIRONMENT_API_PREFIX[self.zoho_environment])
        return (self.zoho_api_url or api_domain, self.zoho_accounts_url or accounts)

    @property
    def admin_refs(self) -> frozenset[str]:
        """``SERGAS_ADMINS`` as a set of lower-case emails and user ids."""
        return frozenset(part.strip().lower() for part in self.admins.split(",") if part.strip())

    @property
    def products(self) -> tuple[str, ...]:
        """``product_names`` as a tuple, each name once, in the order given."""
        return tuple(dict.fromkeys(part.strip() for part in self.product_names.split(",") if part.strip()))

    @property
    def has_model_key(self) -> bool:
        return bool(self.anthropic_api_key) or self.use_bedrock or self.use_vertex

    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    @property
    def memory_dir(self) -> Path:
        return self.home / "memory"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def tokens_dir(self) -> Path:
        return self.home / "tokens"

    @property
    def sandbox_dir(self) -> Path:
        return self.home / "sandbox"

    def ensure_home(self) -> Path:
        """Create the data directory (0700) and return its absolute path.

        Raises ``config.errors.HomeNotUsableError`` (one line with the fix) when it cannot hold data."""
        home = prepare_home(self.home, HOME_FOLDERS)
        self.home = home
        return home
