"""The one exception tree for everything that crosses the state-store boundary.

    StateStoreError              any failure reading or writing the state store; ``hint`` says what to do
    ├── StateStoreConfigError    the operator's mistake: bad SERGAS_DATABASE_URL, unreadable state dir
    ├── StateStoreUnavailable    the database cannot be reached (PostgreSQL down, disk gone)
    ├── StateStoreLocked         another process holds the database (SQLite busy / PostgreSQL lock
    │                            timeout) for longer than the busy timeout
    ├── NotFoundError            no run / recommendation with that id
    └── InvalidTransition        the recommendation is not in a state that allows this (e.g. approving
                                 an executed one, rejecting without a reason)

Only ``state/`` raises or translates these: SQLAlchemy and driver exceptions are mapped in
``state.engine.translate_errors``; code above ``state/`` catches ``StateStoreError`` (or a child).
"""

from __future__ import annotations


class StateStoreError(Exception):
    """Base: something went wrong with the state store."""

    default_hint = "Check SERGAS_HOME / SERGAS_DATABASE_URL and run `python main.py doctor`."

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint or self.default_hint


class StateStoreConfigError(StateStoreError):
    """The store cannot work with this configuration (malformed URL, unwritable directory)."""

    default_hint = "Fix SERGAS_DATABASE_URL (postgresql://user@host/db) or SERGAS_HOME."


class StateStoreUnavailable(StateStoreError):
    """The database server could not be reached or refused the connection."""

    default_hint = "Start PostgreSQL or check SERGAS_DATABASE_URL; then retry."


class StateStoreLocked(StateStoreError):
    """Another process held the database longer than the busy timeout."""

    default_hint = (
        "Another sergas command (a review or an approve) is writing; retry when it finishes, or stop the stuck process."
    )


class NotFoundError(StateStoreError):
    """No record with that id in the state store."""

    default_hint = "List ids with `python main.py approve --list`."


class InvalidTransition(StateStoreError):
    """The recommendation's current status does not allow this step."""

    default_hint = "See the recommendation's status with `python main.py approve --list --json`."


__all__ = [
    "InvalidTransition",
    "NotFoundError",
    "StateStoreConfigError",
    "StateStoreError",
    "StateStoreLocked",
    "StateStoreUnavailable",
]
