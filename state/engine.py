"""Build the SQLAlchemy engine for the state store and map database errors into ``StateStoreError``.

SQLite (the default) lives at ``<state_dir>/state.db``: WAL journal, a busy timeout, file mode 0600,
and write transactions opened with ``BEGIN IMMEDIATE`` so two writers queue on the busy timeout instead
of failing on a lock upgrade. PostgreSQL is used when ``SERGAS_DATABASE_URL`` is set (psycopg 3).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from state.errors import StateStoreConfigError, StateStoreError, StateStoreLocked, StateStoreUnavailable

SQLITE_FILE = "state.db"


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` → ``postgresql+psycopg://`` (psycopg 3); others unchanged."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def sqlite_engine(state_dir: Path, *, busy_timeout_seconds: float) -> Engine:
    state_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        state_dir.chmod(0o700)
    path = state_dir / SQLITE_FILE
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    with contextlib.suppress(OSError):
        path.chmod(0o600)
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        connect_args={"timeout": busy_timeout_seconds, "check_same_thread": False},
    )
    busy_ms = int(busy_timeout_seconds * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def postgres_engine(url: str, *, busy_timeout_seconds: float) -> Engine:
    try:
        parsed = make_url(normalise_url(url))
    except ArgumentError as exc:
        raise StateStoreConfigError(f"SERGAS_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() != "postgresql":
        raise StateStoreConfigError(
            f"SERGAS_DATABASE_URL must be a postgresql:// URL (got {parsed.get_backend_name()}://); "
            "unset it to use SQLite under SERGAS_HOME"
        )
    lock_ms = int(busy_timeout_seconds * 1000)
    return create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": max(1, int(busy_timeout_seconds)), "options": f"-c lock_timeout={lock_ms}"},
    )


def _is_locked(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.OperationalError):
        msg = str(orig).lower()
        return "locked" in msg or "busy" in msg
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate in ("55P03", "40P01")  # lock_not_available, deadlock_detected


def _is_unreachable(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    if isinstance(orig, sqlite3.OperationalError):
        msg = str(orig).lower()
        return "unable to open" in msg or "disk i/o" in msg or "readonly" in msg
    sqlstate = getattr(orig, "sqlstate", None)
    return getattr(exc, "connection_invalidated", False) or sqlstate is None or str(sqlstate).startswith("08")


@contextlib.contextmanager
def translate_errors(where: str) -> Iterator[None]:
    """Map SQLAlchemy/driver errors to the ``StateStoreError`` tree. ``IntegrityError`` passes through
    unchanged: the store turns it into a domain answer (a duplicate) where it expects one."""
    try:
        yield
    except IntegrityError:
        raise
    except OperationalError as exc:
        if _is_locked(exc):
            raise StateStoreLocked(
                f"The state store ({where}) is locked by another process; retry in a moment or stop the "
                "other sergas command that is writing"
            ) from exc
        if _is_unreachable(exc):
            raise StateStoreUnavailable(f"The state store ({where}) cannot be reached: {exc.orig}") from exc
        raise StateStoreError(f"State store error ({where}): {exc.orig}") from exc
    except DBAPIError as exc:
        if _is_locked(exc):
            raise StateStoreLocked(
                f"The state store ({where}) is locked by another process; retry in a moment or stop the "
                "other sergas command that is writing"
            ) from exc
        raise StateStoreError(f"State store error ({where}): {exc.orig}") from exc
    except SQLAlchemyError as exc:
        raise StateStoreError(f"State store error ({where}): {exc}") from exc
