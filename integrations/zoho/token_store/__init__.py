"""OAuth token persistence: one interface (``TokenStore``), three homes (file, SQLite, PostgreSQL).

``build_token_store(settings)`` picks the one ``SERGAS_TOKEN_STORE`` names; sandbox mode always uses
the file store under ``SERGAS_HOME/tokens``.
"""

from __future__ import annotations

from config.settings import Settings
from integrations.zoho.errors import ZohoConfigError
from integrations.zoho.token_store.base import SecretCodec, TokenRecord, TokenStore, token_key
from integrations.zoho.token_store.file_store import FileTokenStore
from integrations.zoho.token_store.sqlite_store import SqliteTokenStore


def build_token_store(settings: Settings) -> TokenStore:
    """The configured token store (file in sandbox mode)."""
    codec = SecretCodec(settings.token_key)
    home = settings.home.expanduser()
    if settings.zoho_mode == "sandbox" or settings.token_store == "file":
        return FileTokenStore(home / "tokens", codec=codec)
    if settings.token_store == "sqlite":
        return SqliteTokenStore(home / "tokens" / "tokens.sqlite3", codec=codec)
    if settings.database_url is None:
        raise ZohoConfigError(
            "SERGAS_TOKEN_STORE=postgres needs SERGAS_DATABASE_URL",
            hint="Set SERGAS_DATABASE_URL=postgresql://user:password@host:5432/db or use SERGAS_TOKEN_STORE=file.",
        )
    from integrations.zoho.token_store.postgres_store import PostgresTokenStore

    return PostgresTokenStore(settings.database_url.get_secret_value(), codec=codec)


__all__ = [
    "FileTokenStore",
    "SecretCodec",
    "SqliteTokenStore",
    "TokenRecord",
    "TokenStore",
    "build_token_store",
    "token_key",
]
