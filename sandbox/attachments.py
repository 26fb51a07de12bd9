"""Attachments of the records: their files and metadata, served by the attachments family
(``sandbox.api.attachments``) at `/crm/v8/{module}/{record_id}/Attachments[/{attachment_id}]`.

Files live under `<data_dir>/attachments/`, metadata in `<data_dir>/attachments.sqlite3`. On startup
an org without attachments gets the deterministic demo files of `_attachment_seed`.
"""

from __future__ import annotations

import json
from typing import Any

from sandbox import _attachment_seed
from sandbox._attachment_files import Attachment, AttachmentFiles, file_id_for
from sandbox.clock import iso

MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_MODULES = ("Accounts", "Contacts", "Deals", "Tasks")


class AttachmentService:
    def __init__(self, store: Any, files: AttachmentFiles, max_bytes: int = MAX_BYTES) -> None:
        self.store = store
        self.files = files
        self.max_bytes = max_bytes
        self._checked = False

    def ensure_seeded(self) -> None:
        """Seed the demo files once per org; reseed when the org itself was reseeded."""
        if self._checked:
            return
        self._checked = True
        key = _attachment_seed.seed_key(self.store)
        if self.files.meta("seed_key") == key:
            return
        if self.files.meta("seed_key") is not None or self.files.all():
            self.files.wipe()
        entries = _attachment_seed.seed(self.store, self.files)
        self.files.set_meta("seed_manifest", json.dumps(entries))
        self.files.set_meta("seed_key", key)

    def add(
        self, module: str, record_id: str, file_name: str, content_type: str, content: bytes, owner: dict[str, Any]
    ) -> Attachment:
        """Store one uploaded file under a record, owned by ``owner``, stamped now."""
        now = iso(self.store.now())
        attachment_id = self.files.next_id()
        attachment = Attachment(
            id=attachment_id,
            module=module,
            record_id=record_id,
            parent_name=self.store.display_name(module, record_id) or "",
            file_name=file_name,
            content_type=content_type,
            size=len(content),
            created_time=now,
            modified_time=now,
            owner=owner,
            file_id=file_id_for(attachment_id, content),
        )
        self.files.add(attachment, content)
        return attachment

    def manifest(self) -> list[dict[str, Any]]:
        raw = self.files.meta("seed_manifest")
        entries: list[dict[str, Any]] = json.loads(raw) if raw else []
        live = {attachment.id for attachment in self.files.all()}
        return [{**entry, "present": entry["id"] in live} for entry in entries]


def service(state: Any) -> AttachmentService:
    """The attachments of a running sandbox (``state.services``; registered by ``sandbox.api.attachments``)."""
    found: AttachmentService = state.services["attachments"]
    return found
