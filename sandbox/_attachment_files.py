"""Attachment storage: metadata in `<data_dir>/attachments.sqlite3`, bytes under `<data_dir>/attachments/`.

Metadata is returned in Zoho's shape: `id`, `File_Name`, `Size`, `Created_Time`, `Modified_Time`,
`Owner`, `Created_By`, `Modified_By`, `Parent_Id`, `$file_id`, `$se_module`, ...
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ATTACHMENT_ID_BASE = 6421000009000000000


@dataclass(frozen=True)
class Attachment:
    id: str
    module: str
    record_id: str
    parent_name: str
    file_name: str
    content_type: str
    size: int
    created_time: str
    modified_time: str
    owner: dict[str, Any]
    file_id: str
    seeded: bool = False

    def zoho(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "File_Name": self.file_name,
            "Size": str(self.size),
            "Created_Time": self.created_time,
            "Modified_Time": self.modified_time,
            "Owner": self.owner,
            "Created_By": self.owner,
            "Modified_By": self.owner,
            "Parent_Id": {"name": self.parent_name, "id": self.record_id},
            "$se_module": self.module,
            "$file_id": self.file_id,
            "$type": "Attachment",
            "$editable": True,
            "$link_url": None,
            "$state": "save",
            "$sharing_permission": "full_access",
            "$attachment_type": 1,
        }


def file_id_for(attachment_id: str, content: bytes) -> str:
    return hashlib.sha256(attachment_id.encode() + b":" + content).hexdigest()[:48]


class AttachmentFiles:
    """Thread-safe attachment store of one sandbox."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.files = root / "attachments"
        self.files.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(root / "attachments.sqlite3"), check_same_thread=False)
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS attachments (id TEXT PRIMARY KEY, module TEXT NOT NULL,"
            " record_id TEXT NOT NULL, body TEXT NOT NULL);"
            "CREATE INDEX IF NOT EXISTS attachments_parent ON attachments (module, record_id);"
            "CREATE TABLE IF NOT EXISTS attachment_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        )
        self._db.commit()

    # -- ids and meta ----------------------------------------------------------------------------
    def next_id(self) -> str:
        with self._lock:
            row = self._db.execute("SELECT MAX(CAST(id AS INTEGER)) FROM attachments").fetchone()
        current = int(row[0]) if row and row[0] is not None else ATTACHMENT_ID_BASE
        return str(max(current, ATTACHMENT_ID_BASE) + 1)

    def meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM attachment_meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO attachment_meta (key, value) VALUES (?, ?)", (key, value))
            self._db.commit()

    # -- rows ------------------------------------------------------------------------------------
    def add(self, attachment: Attachment, content: bytes) -> Attachment:
        (self.files / attachment.id).write_bytes(content)
        body = json.dumps(
            {
                "parent_name": attachment.parent_name,
                "file_name": attachment.file_name,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "created_time": attachment.created_time,
                "modified_time": attachment.modified_time,
                "owner": attachment.owner,
                "file_id": attachment.file_id,
                "seeded": attachment.seeded,
            }
        )
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO attachments (id, module, record_id, body) VALUES (?, ?, ?, ?)",
                (attachment.id, attachment.module, attachment.record_id, body),
            )
            self._db.commit()
        return attachment

    def for_record(self, module: str, record_id: str) -> list[Attachment]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, module, record_id, body FROM attachments WHERE module = ? AND record_id = ?"
                " ORDER BY CAST(id AS INTEGER) DESC",
                (module, record_id),
            ).fetchall()
        return [_attachment(row) for row in rows]

    def all(self) -> list[Attachment]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, module, record_id, body FROM attachments ORDER BY CAST(id AS INTEGER)"
            ).fetchall()
        return [_attachment(row) for row in rows]

    def get(self, attachment_id: str) -> Attachment | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, module, record_id, body FROM attachments WHERE id = ?", (attachment_id,)
            ).fetchone()
        return _attachment(row) if row else None

    def content(self, attachment_id: str) -> bytes:
        return (self.files / attachment_id).read_bytes()

    def delete(self, attachment_id: str) -> bool:
        with self._lock:
            cursor = self._db.execute("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            self._db.commit()
        (self.files / attachment_id).unlink(missing_ok=True)
        return cursor.rowcount > 0

    def wipe(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM attachments")
            self._db.execute("DELETE FROM attachment_meta")
            self._db.commit()
        shutil.rmtree(self.files, ignore_errors=True)
        self.files.mkdir(parents=True, exist_ok=True)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _attachment(row: tuple[str, str, str, str]) -> Attachment:
    body = json.loads(row[3])
    return Attachment(
        id=row[0],
        module=row[1],
        record_id=row[2],
        parent_name=body["parent_name"],
        file_name=body["file_name"],
        content_type=body["content_type"],
        size=int(body["size"]),
        created_time=body["created_time"],
        modified_time=body["modified_time"],
        owner=body["owner"],
        file_id=body["file_id"],
        seeded=bool(body.get("seeded")),
    )
