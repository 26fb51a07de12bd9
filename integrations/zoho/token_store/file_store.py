"""Token store in one JSON file per identity under a directory (0600 files, 0700 directory).

Writes go to a temporary file that replaces the old one atomically; ``refresh_lock`` is a ``filelock``
lock file next to it, so it works across processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from integrations.zoho.errors import ZohoUnavailableError
from integrations.zoho.token_store.base import (
    SecretCodec,
    TokenRecord,
    TokenStore,
    record_to_row,
    row_to_record,
)


class FileTokenStore(TokenStore):
    kind = "file"

    def __init__(self, directory: Path, *, codec: SecretCodec | None = None) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            self.directory.chmod(0o700)
        self._codec = codec or SecretCodec(None)

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> TokenRecord | None:
        path = self._path(key)
        try:
            row = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None
        return row_to_record(row, self._codec)

    def save(self, record: TokenRecord) -> None:
        data = json.dumps(record_to_row(record, self._codec), indent=1)
        fd, tmp = tempfile.mkstemp(prefix=".tok-", dir=self.directory)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            Path(tmp).replace(self._path(record.key))
        except BaseException:
            with contextlib.suppress(OSError):
                Path(tmp).unlink()
            raise

    def delete(self, key: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._path(key).unlink()

    def keys(self) -> list[str]:
        return sorted(p.stem for p in self.directory.glob("*.json"))

    @contextlib.contextmanager
    def refresh_lock(self, key: str, *, timeout: float = 60.0) -> Iterator[None]:
        lock = FileLock(str(self.directory / f"{key}.lock"), timeout=timeout, thread_local=False)
        try:
            lock.acquire()
        except Timeout as exc:
            raise ZohoUnavailableError(
                "timed out waiting for another process refreshing the Zoho token", code="TOKEN_LOCK_TIMEOUT"
            ) from exc
        try:
            yield None
        finally:
            lock.release()

    def describe(self) -> str:
        return f"file {self.directory}{' (encrypted)' if self._codec.encrypts else ''}"
