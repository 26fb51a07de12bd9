"""The review's local copy of the org, so a nightly run fetches only what changed.

One gzip JSON-lines file per module under ``<SERGAS_HOME>/review/snapshot/``, plus ``meta.json`` with the
time of the last full fetch. Records are stored as their domain model (without ``raw``) and merged by id.
Deleted records are not seen by incremental fetches: a full fetch every ``FULL_REFRESH_DAYS`` drops them.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

from domain.private_files import private_writer, write_private
from integrations.zoho.models import RECORD_TYPES, CrmRecord

REVIEW_MODULES: tuple[str, ...] = ("Accounts", "Contacts", "Deals", "Tasks", "Notes")
FULL_REFRESH_DAYS = 7


class SnapshotCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _file(self, module: str) -> Path:
        return self.directory / f"{module}.jsonl.gz"

    @property
    def _meta(self) -> Path:
        return self.directory / "meta.json"

    def last_full_fetch(self) -> datetime | None:
        if not self._meta.exists():
            return None
        try:
            value = json.loads(self._meta.read_text()).get("last_full_fetch")
        except (OSError, ValueError):
            return None
        return datetime.fromisoformat(value) if value else None

    def load(self) -> dict[str, dict[str, CrmRecord]] | None:
        """Module → id → record; None when there is no complete cache."""
        if self.last_full_fetch() is None or not all(self._file(m).exists() for m in REVIEW_MODULES):
            return None
        loaded: dict[str, dict[str, CrmRecord]] = {}
        for module in REVIEW_MODULES:
            kind = RECORD_TYPES[module]
            with gzip.open(self._file(module), "rt", encoding="utf-8") as handle:
                records = (kind.model_validate_json(line) for line in handle if line.strip())
                loaded[module] = {r.id: r for r in records}
        return loaded

    def save(self, records: Mapping[str, Iterable[CrmRecord]], *, full_fetch_at: datetime | None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        for module in REVIEW_MODULES:
            target = self._file(module)
            with (
                private_writer(target) as raw,  # 0600: a copy of the org's CRM records
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=3) as zipped,
                io.TextIOWrapper(zipped, encoding="utf-8") as handle,
            ):
                for record in records.get(module, ()):
                    handle.write(record.model_dump_json(exclude={"raw"}) + "\n")
        if full_fetch_at is not None:
            write_private(self._meta, json.dumps({"last_full_fetch": full_fetch_at.isoformat()}))
