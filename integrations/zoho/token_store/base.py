"""The token store interface: where OAuth tokens live between runs and processes.

One ``TokenRecord`` per (client id, refresh token). ``refresh_lock(key)`` serialises refreshes of one
token across threads *and* processes, so two workers never race two refreshes (Zoho caps how many
access tokens a refresh token may mint). Refresh tokens are Fernet-encrypted at rest when a key is
given. Secrets are ``SecretStr``: they never show in ``repr``, logs or exceptions.
"""

from __future__ import annotations

import hashlib
from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel, SecretStr

from integrations.zoho.errors import ZohoConfigError


class TokenRecord(BaseModel):
    """An OAuth identity and its current access token."""

    key: str
    client_id: str
    refresh_token: SecretStr
    access_token: SecretStr | None = None
    expires_at: datetime | None = None
    api_domain: str | None = None
    updated_at: datetime | None = None

    def valid_for(self, margin: timedelta = timedelta(seconds=60)) -> bool:
        """True when the access token is there and lives at least ``margin`` longer."""
        if self.access_token is None or self.expires_at is None:
            return False
        return self.expires_at - datetime.now(UTC) > margin


def token_key(client_id: str, refresh_token: str) -> str:
    """A stable, non-secret key for one identity (the refresh token is hashed, never stored in the key)."""
    digest = hashlib.sha256(f"{client_id}\n{refresh_token}".encode()).hexdigest()[:16]
    safe_client = "".join(c if c.isalnum() or c in "._-" else "_" for c in client_id)[:40]
    return f"{safe_client}-{digest}"


class SecretCodec:
    """Encrypts secrets with Fernet when a key is set; otherwise stores them as they are."""

    PREFIX = "fernet:"

    def __init__(self, key: SecretStr | str | None) -> None:
        raw = key.get_secret_value() if isinstance(key, SecretStr) else key
        try:
            self._fernet = Fernet(raw.encode()) if raw else None
        except (ValueError, TypeError) as exc:
            raise ZohoConfigError(
                "SERGAS_TOKEN_KEY is not a valid Fernet key",
                hint='Generate one with `python -c "from cryptography.fernet import '
                'Fernet; print(Fernet.generate_key().decode())"`.',
            ) from exc

    @property
    def encrypts(self) -> bool:
        return self._fernet is not None

    def encode(self, value: str) -> str:
        if self._fernet is None:
            return value
        return self.PREFIX + self._fernet.encrypt(value.encode()).decode()

    def decode(self, value: str) -> str:
        if not value.startswith(self.PREFIX):
            return value
        if self._fernet is None:
            raise ZohoConfigError(
                "stored refresh token is encrypted but SERGAS_TOKEN_KEY is not set",
                hint="Set SERGAS_TOKEN_KEY to the key used when the token was saved.",
            )
        try:
            return self._fernet.decrypt(value[len(self.PREFIX) :].encode()).decode()
        except InvalidToken as exc:
            raise ZohoConfigError(
                "stored refresh token cannot be decrypted with SERGAS_TOKEN_KEY",
                hint="Use the key the token was saved with, or delete the token store "
                "and let it be re-created from SERGAS_ZOHO_REFRESH_TOKEN.",
            ) from exc


COLUMNS = ("key", "client_id", "refresh_token", "access_token", "expires_at", "api_domain", "updated_at")


def upsert_sql(table: str, placeholder: str) -> str:
    """INSERT ... ON CONFLICT (key) DO UPDATE for the token columns (SQLite and PostgreSQL)."""
    values = ", ".join(placeholder for _ in COLUMNS)
    updates = ", ".join(f"{c}=excluded.{c}" for c in COLUMNS[1:])
    return f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({values}) ON CONFLICT (key) DO UPDATE SET {updates}"


def record_to_row(record: TokenRecord, codec: SecretCodec) -> dict[str, Any]:
    """Flatten a record for storage; secrets encrypted (refresh token) as the codec says."""
    return {
        "key": record.key,
        "client_id": record.client_id,
        "refresh_token": codec.encode(record.refresh_token.get_secret_value()),
        "access_token": codec.encode(record.access_token.get_secret_value()) if record.access_token else None,
        "expires_at": record.expires_at.isoformat() if record.expires_at else None,
        "api_domain": record.api_domain,
        "updated_at": datetime.now(UTC).isoformat(),
    }


def row_to_record(row: dict[str, Any], codec: SecretCodec) -> TokenRecord:
    def _dt(value: Any) -> datetime | None:
        if value in (None, ""):
            return None
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))

    access = row.get("access_token")
    return TokenRecord(
        key=row["key"],
        client_id=row["client_id"],
        refresh_token=SecretStr(codec.decode(row["refresh_token"])),
        access_token=SecretStr(codec.decode(access)) if access else None,
        expires_at=_dt(row.get("expires_at")),
        api_domain=row.get("api_domain"),
        updated_at=_dt(row.get("updated_at")),
    )


class TokenStore(ABC):
    """get / save / delete token records, and a cross-process lock per key for refreshing."""

    kind: str = "abstract"

    @abstractmethod
    def get(self, key: str) -> TokenRecord | None: ...

    @abstractmethod
    def save(self, record: TokenRecord) -> None: ...

    @abstractmethod
    def delete(self, key: str) -> None: ...

    @abstractmethod
    def refresh_lock(self, key: str, *, timeout: float = 60.0) -> AbstractContextManager[None]:
        """Held while one refresh of ``key`` runs; other threads and processes wait for it."""

    def keys(self) -> list[str]:  # pragma: no cover - optional
        return []

    def close(self) -> None:  # noqa: B027 - optional hook, most stores hold nothing
        """Release connections (no-op for stores without any)."""

    def describe(self) -> str:
        """Where tokens live, for `doctor` (no secrets)."""
        return self.kind

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"
