"""The sandbox's records: in-memory dicts for speed, written through to SQLite so a restart keeps writes.

Records are kept in Zoho's wire shape (field API names, lookups as ``{"name","id"}``, owners as
``{"name","id","email"}``, datetimes ISO with offset). Every write goes through ``create`` /
``update`` / ``delete``, which validate, stamp the system fields, persist and then tell listeners
with a ``ChangeEvent`` (notifications, bulk and MCP build on this).

    store = SandboxStore.open(data_dir, accounts=50, seed=7)
    user = store.default_user
    task = store.create("Tasks", {"Subject": "Call", "What_Id": {"id": acc_id}, "$se_module": "Accounts"})
    store.update("Accounts", acc_id, {"Rating": "Hot"}, user)
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import marshal
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from sandbox.clock import Clock, iso, parse_iso, utc_now
from sandbox.schema import RECORD_MODULES, STAGE_PROBABILITY
from sandbox.validation import RecordError, normalize

log = logging.getLogger(__name__)

Operation = Literal["insert", "update", "delete"]
ID_BASE = 6421000001000000000  # record ids: 19-digit numeric strings above this


@dataclass(frozen=True)
class ChangeEvent:
    """One write, as Zoho's notifications describe it."""

    module: str
    operation: Operation
    ids: list[str]
    affected_fields: list[str] = field(default_factory=list)


Listener = Callable[[ChangeEvent], None]


@dataclass
class SeededOrg:
    """What the seeder hands the store: users, org, records per module, ground truth."""

    users: list[dict[str, Any]]
    org: dict[str, Any]
    records: dict[str, list[dict[str, Any]]]
    manifest: dict[str, Any]


# The seeded org is one marshal blob (fast to write and read); later writes go to ``records``, an
# overlay applied on load (``data`` NULL = deleted). A large overlay is folded into a new snapshot.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshot (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS records (module TEXT NOT NULL, id TEXT NOT NULL, data TEXT,
                                    PRIMARY KEY (module, id));
CREATE TABLE IF NOT EXISTS deleted (module TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,
                                    PRIMARY KEY (module, id));
"""
# sandbox-2: the org has a Products catalogue; an org saved before it is seeded again
SNAPSHOT_FORMAT = f"sandbox-2-py{sys.version_info[0]}.{sys.version_info[1]}"
COMPACT_AFTER = 5000


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building ~100k small dicts triggers the cyclic GC over and over; pause it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def owner_ref(user: dict[str, Any]) -> dict[str, Any]:
    """The ``{"name","id","email"}`` lookup of a user record."""
    return {
        "name": user.get("full_name") or user.get("name"),
        "id": str(user["id"]),
        "email": user.get("email"),
    }


class SandboxStore:
    """All records of the sandbox org. Thread-safe; reads return copies.

    Public API: ``list_records``, ``get``, ``create``, ``update``, ``delete``, ``deleted_records``, ``add_listener``,
    ``users``, ``org``, ``manifest``, ``anchor``, ``default_user``, ``user``, ``last_modified``.
    """

    def __init__(
        self, db_path: Path | None, org: SeededOrg, *, clock: Clock = utc_now, persist_seed: bool = True
    ) -> None:
        self._lock = threading.RLock()
        self._clock = clock
        self._listeners: list[Listener] = []
        self._records: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in RECORD_MODULES}
        # the recycle bin: what ``GET /crm/v8/{module}/deleted`` lists (kept apart from the snapshot)
        self._deleted: dict[str, dict[str, dict[str, Any]]] = {m: {} for m in RECORD_MODULES}
        self.users: list[dict[str, Any]] = org.users
        self.org: dict[str, Any] = org.org
        self.manifest: dict[str, Any] = org.manifest
        self._users_by_id = {str(u["id"]): u for u in self.users}
        self._last_modified: dict[str, str] = {}
        max_id = ID_BASE
        for module, records in org.records.items():
            bucket = self._records[module]
            for record in records:
                bucket[record["id"]] = record
                max_id = max(max_id, int(record["id"]))
            stamps = [r.get("Modified_Time") or "" for r in records]
            self._last_modified[module] = max(stamps, default="")
        self._next_id = max_id + 1
        self._db: sqlite3.Connection | None = None
        self._persist_thread: threading.Thread | None = None
        if db_path is not None:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(db_path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            for module, record_id, data in self._db.execute("SELECT module, id, data FROM deleted"):
                self._deleted[module][record_id] = json.loads(data)
            if persist_seed:
                # the snapshot is written in the background so the server can start at once; every write
                # takes the same lock, so nothing written meanwhile is lost
                self._persist_thread = threading.Thread(target=self._persist_all, name="sandbox-snapshot", daemon=True)
                self._persist_thread.start()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        accounts: int = 50,
        seed: int = 7,
        anchor: datetime | None = None,
        reset: bool = False,
        clock: Clock = utc_now,
    ) -> SandboxStore:
        """Load the org saved under ``data_dir``, or seed a new one (also when ``reset`` or when the
        saved org was seeded with other ``accounts``/``seed``/``anchor``)."""
        with gc_paused():
            return cls._open(data_dir, accounts=accounts, seed=seed, anchor=anchor, reset=reset, clock=clock)

    @classmethod
    def _open(
        cls, data_dir: Path, *, accounts: int, seed: int, anchor: datetime | None, reset: bool, clock: Clock
    ) -> SandboxStore:
        """``open``'s work (``open`` pauses the garbage collector around it)."""
        db_path = Path(data_dir) / "sandbox.sqlite3"
        if not reset and db_path.exists():
            loaded = cls._load(db_path)
            if loaded is not None:
                saved, overlay = loaded
                meta = saved.org.get("$sandbox", {})
                same = meta.get("accounts") == accounts and meta.get("seed") == seed
                if same and (anchor is None or meta.get("anchor") == iso(anchor)):
                    return cls(db_path, saved, clock=clock, persist_seed=overlay > COMPACT_AFTER)
        if db_path.exists():
            for suffix in ("", "-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
        from sandbox.seed import build_org

        org = build_org(accounts=accounts, seed=seed, anchor=anchor or clock())
        return cls(db_path, org, clock=clock)

    @staticmethod
    def _load(db_path: Path) -> tuple[SeededOrg, int] | None:
        """The saved org with its overlay applied, and the overlay's size; None when unreadable."""
        db = sqlite3.connect(str(db_path))
        try:
            row = db.execute("SELECT data FROM snapshot WHERE key = ?", (SNAPSHOT_FORMAT,)).fetchone()
            if row is None:
                return None
            blob = marshal.loads(row[0])
            records: dict[str, dict[str, dict[str, Any]]] = {
                m: {r["id"]: r for r in blob["records"].get(m, [])} for m in RECORD_MODULES
            }
            overlay = 0
            for module, record_id, data in db.execute("SELECT module, id, data FROM records"):
                overlay += 1
                if data is None:
                    records[module].pop(record_id, None)
                else:
                    records[module][record_id] = json.loads(data)
            ordered = {
                m: sorted(b.values(), key=lambda r: r["id"]) if overlay else list(b.values())
                for m, b in records.items()
            }
            org = SeededOrg(users=blob["users"], org=blob["org"], records=ordered, manifest=blob["manifest"])
            return org, overlay
        except (sqlite3.DatabaseError, ValueError, EOFError, TypeError, KeyError):
            return None
        finally:
            db.close()

    def _persist_all(self) -> None:
        """Write the whole org as a fresh snapshot and empty the overlay."""
        with self._lock:
            if self._db is None:
                return
            blob = marshal.dumps(
                {
                    "users": self.users,
                    "org": self.org,
                    "manifest": self.manifest,
                    "records": {m: list(b.values()) for m, b in self._records.items()},
                }
            )
            db = self._db
            db.execute("BEGIN")
            db.execute("DELETE FROM records")
            db.execute("DELETE FROM snapshot")
            db.execute("INSERT INTO snapshot (key, data) VALUES (?, ?)", (SNAPSHOT_FORMAT, blob))
            db.execute("COMMIT")

    def _save(self, module: str, records: Iterable[dict[str, Any]]) -> None:
        if self._db is None:
            return
        self._db.executemany(
            "INSERT OR REPLACE INTO records (module, id, data) VALUES (?, ?, ?)",
            [(module, r["id"], json.dumps(r, separators=(",", ":"))) for r in records],
        )

    def close(self) -> None:
        """Finish writing the snapshot (if one is being written) and close the database."""
        if self._persist_thread is not None:
            self._persist_thread.join()
            self._persist_thread = None
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ------------------------------------------------------------------ org and users
    @property
    def anchor(self) -> datetime:
        return parse_iso(str(self.manifest["anchor"]))

    @property
    def default_user(self) -> dict[str, Any]:
        """The administrator: the user every sandbox token belongs to."""
        return self.users[0]

    def user(self, user_id: str) -> dict[str, Any] | None:
        return self._users_by_id.get(str(user_id))

    def now(self) -> datetime:
        return self._clock()

    # ------------------------------------------------------------------ reads
    def list_records(self, module: str) -> list[dict[str, Any]]:
        """Copies of every record of ``module`` (ids ascending)."""
        with self._lock:
            return [dict(r) for r in self._records[module].values()]

    def iter_live(self, module: str) -> list[dict[str, Any]]:
        """The stored dicts themselves, for fast read-only scans. Do not mutate them."""
        with self._lock:
            return list(self._records[module].values())

    def get(self, module: str, record_id: str) -> dict[str, Any] | None:
        with self._lock:
            record = self._records.get(module, {}).get(str(record_id))
            return dict(record) if record is not None else None

    def exists(self, module: str, record_id: str) -> bool:
        return str(record_id) in self._records.get(module, {})

    def count(self, module: str) -> int:
        return len(self._records[module])

    def last_modified(self, module: str) -> datetime | None:
        """The latest Modified_Time (or deletion time) in ``module``."""
        stamp = self._last_modified.get(module)
        return parse_iso(stamp) if stamp else None

    def display_name(self, module: str, record_id: str) -> str | None:
        record = self._records.get(module, {}).get(str(record_id))
        if record is None:
            return None
        if module == "Accounts":
            return str(record.get("Account_Name") or "")
        if module == "Contacts":
            return str(record.get("Full_Name") or record.get("Last_Name") or "")
        if module == "Deals":
            return str(record.get("Deal_Name") or "")
        if module == "Tasks":
            return str(record.get("Subject") or "")
        if module == "Products":
            return str(record.get("Product_Name") or "")
        return str(record.get("Note_Title") or "")

    # ------------------------------------------------------------------ writes
    def add_listener(self, fn: Listener) -> None:
        """Call ``fn(ChangeEvent)`` after every write (outside the store's lock; errors are logged)."""
        self._listeners.append(fn)

    def remove_listener(self, fn: Listener) -> None:
        if fn in self._listeners:
            self._listeners.remove(fn)

    def _emit(self, event: ChangeEvent) -> None:
        for fn in list(self._listeners):
            try:
                fn(event)
            except Exception:  # a listener's bug must not fail the write
                log.exception("sandbox change listener failed")

    def _user_ref(self, user: dict[str, Any] | None) -> dict[str, Any]:
        return owner_ref(user or self.default_user)

    def _resolve_user(self, user_id: str) -> dict[str, Any] | None:
        user = self._users_by_id.get(str(user_id))
        return owner_ref(user) if user else None

    def _normalize(self, module: str, data: dict[str, Any], partial: bool) -> dict[str, Any]:
        return normalize(module, data, partial=partial, resolve=self.display_name, resolve_user=self._resolve_user)

    def new_id(self) -> str:
        with self._lock:
            value = self._next_id
            self._next_id += 1
            return str(value)

    def create(self, module: str, record: dict[str, Any], user: dict[str, Any] | None = None) -> dict[str, Any]:
        """Validate and insert one record; returns the stored record. Raises ``RecordError``."""
        self._check_module(module)
        with self._lock:
            values = self._normalize(module, record, partial=False)
            now = iso(self._clock())
            ref = self._user_ref(user)
            stored: dict[str, Any] = {"id": self.new_id(), "Owner": ref}
            stored.update({k: v for k, v in values.items() if v is not None or k != "Owner"})
            stored.update({"Created_Time": now, "Modified_Time": now, "Created_By": ref, "Modified_By": ref})
            if module in ("Accounts", "Contacts", "Deals"):
                stored.setdefault("Last_Activity_Time", now)
            self._derive(module, stored, now)
            self._records[module][stored["id"]] = stored
            touched = self._touch_parent(module, stored, now)
            self._save(module, [stored])
            for parent_module, parent in touched:
                self._save(parent_module, [parent])
            self._last_modified[module] = now
            result = dict(stored)
        self._emit(ChangeEvent(module, "insert", [result["id"]], sorted(k for k in values if not k.startswith("$"))))
        return result

    def update(
        self, module: str, record_id: str, fields: dict[str, Any], user: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Validate and apply ``fields`` to one record; returns the stored record. Raises ``RecordError``."""
        self._check_module(module)
        record_id = str(record_id)
        with self._lock:
            current = self._records[module].get(record_id)
            if current is None:
                raise RecordError(
                    "INVALID_DATA", "the id given seems to be invalid", {"id": record_id, "api_name": "id"}
                )
            values = self._normalize(module, {k: v for k, v in fields.items() if k != "id"}, partial=True)
            if module == "Tasks" and "What_Id" in values and "$se_module" not in fields:
                values["$se_module"] = current.get("$se_module", "Accounts")
            changed = sorted(k for k, v in values.items() if current.get(k) != v and not k.startswith("$"))
            now = iso(self._clock())
            updated = dict(current)
            updated.update(values)
            if updated.get("Owner") is None:
                updated["Owner"] = current.get("Owner")
            updated["Modified_Time"] = now
            updated["Modified_By"] = self._user_ref(user)
            self._derive(module, updated, now, previous=current)
            self._records[module][record_id] = updated
            self._save(module, [updated])
            self._last_modified[module] = now
            result = dict(updated)
        self._emit(ChangeEvent(module, "update", [record_id], changed))
        return result

    def delete(self, module: str, record_id: str) -> None:
        """Delete one record. Raises ``RecordError`` INVALID_DATA for an unknown id."""
        self._check_module(module)
        record_id = str(record_id)
        with self._lock:
            if record_id not in self._records[module]:
                raise RecordError(
                    "INVALID_DATA", "the id given seems to be invalid", {"id": record_id, "api_name": "id"}
                )
            name = self.display_name(module, record_id)
            record = self._records[module].pop(record_id)
            now = iso(self._clock())
            by = {k: v for k, v in owner_ref(self.default_user).items() if k != "email"}
            created_by = record.get("Created_By") or by
            entry = {
                "deleted_by": by,
                "id": record_id,
                "display_name": name,
                "type": "recycle",
                "created_by": {"name": created_by.get("name"), "id": created_by.get("id")},
                "deleted_time": now,
            }
            self._deleted[module][record_id] = entry
            if self._db is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO records (module, id, data) VALUES (?, ?, NULL)",
                    (module, record_id),
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO deleted (module, id, data) VALUES (?, ?, ?)",
                    (module, record_id, json.dumps(entry)),
                )
            self._last_modified[module] = now
        self._emit(ChangeEvent(module, "delete", [record_id], []))

    def deleted_records(self, module: str, *, since: str | None = None) -> list[dict[str, Any]]:
        """The recycle bin of ``module``, oldest deletion first; ``since``: deleted after that ISO time."""
        self._check_module(module)
        with self._lock:
            entries = [dict(e) for e in self._deleted[module].values() if since is None or e["deleted_time"] > since]
        return sorted(entries, key=lambda e: (e["deleted_time"], e["id"]))

    @staticmethod
    def _check_module(module: str) -> None:
        if module not in RECORD_MODULES:
            raise RecordError("INVALID_MODULE", "the module name given seems to be invalid", {}, 400)

    @staticmethod
    def _derive(module: str, record: dict[str, Any], now: str, previous: dict[str, Any] | None = None) -> None:
        """Fields Zoho computes: Full_Name, Probability, Expected_Revenue, Closed_Time."""
        if module == "Contacts":
            record["Full_Name"] = " ".join(p for p in (record.get("First_Name"), record.get("Last_Name")) if p)
        elif module == "Deals":
            stage_changed = previous is None or previous.get("Stage") != record.get("Stage")
            if record.get("Probability") is None or (
                stage_changed and previous is not None and record.get("Probability") == previous.get("Probability")
            ):
                record["Probability"] = STAGE_PROBABILITY.get(str(record.get("Stage")), 10)
            amount = record.get("Amount")
            record["Expected_Revenue"] = (
                round(float(amount) * int(record["Probability"]) / 100, 2) if amount is not None else None
            )
        elif module == "Tasks":
            if record.get("Status") == "Completed" and not record.get("Closed_Time"):
                record["Closed_Time"] = now
            elif record.get("Status") != "Completed":
                record["Closed_Time"] = None

    def _touch_parent(self, module: str, record: dict[str, Any], now: str) -> list[tuple[str, dict[str, Any]]]:
        """A new note or task is activity on its parent record (and on the account of a deal)."""
        parent: tuple[str, str] | None = None
        if module == "Notes" and isinstance(record.get("Parent_Id"), dict):
            parent = (record["Parent_Id"]["module"]["api_name"], record["Parent_Id"]["id"])
        elif module == "Tasks" and isinstance(record.get("What_Id"), dict):
            parent = (str(record.get("$se_module") or "Accounts"), record["What_Id"]["id"])
        touched: list[tuple[str, dict[str, Any]]] = []
        while parent is not None:
            parent_module, parent_id = parent
            target = self._records.get(parent_module, {}).get(parent_id)
            parent = None
            if target is None or parent_module not in ("Accounts", "Contacts", "Deals"):
                break
            target["Last_Activity_Time"] = now
            touched.append((parent_module, target))
            if parent_module == "Deals" and isinstance(target.get("Account_Name"), dict):
                parent = ("Accounts", target["Account_Name"]["id"])
        return touched
