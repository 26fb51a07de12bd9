"""Attachments of a record (``/crm/v8/{module}/{id}/Attachments``): what the gateway returns.

``AttachmentInfo`` is one row of the listing (Zoho's ``File_Name``, ``Size``, ``Parent_Id`` ...);
``AttachmentFile`` is a downloaded file with the content type and name the server declared.
"""

from __future__ import annotations

import mimetypes
import re
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel, Field

ATTACHMENT_MODULES = ("Accounts", "Contacts", "Deals", "Tasks")
LIST_FIELDS = ("id", "File_Name", "Size", "Created_Time", "Modified_Time", "Owner", "Parent_Id", "$se_module")
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)")
_FILENAME = re.compile(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)')


class AttachmentInfo(BaseModel):
    id: str
    module: str  # the parent record's module
    record_id: str  # the parent record's id
    file_name: str
    size: int | None = None
    created_time: datetime | None = None
    modified_time: datetime | None = None
    owner: str | None = None

    @classmethod
    def from_zoho(cls, row: dict[str, Any], *, module: str, record_id: str) -> AttachmentInfo:
        parent: dict[str, Any] = row.get("Parent_Id") or {} if isinstance(row.get("Parent_Id"), dict) else {}
        owner: dict[str, Any] = row.get("Owner") or {} if isinstance(row.get("Owner"), dict) else {}
        size = row.get("Size")
        return cls(
            id=str(row["id"]),
            module=str(row.get("$se_module") or module),
            record_id=str(parent.get("id") or record_id),
            file_name=str(row.get("File_Name") or ""),
            size=int(size) if size not in (None, "") and str(size).isdigit() else None,
            created_time=row.get("Created_Time") or None,
            modified_time=row.get("Modified_Time") or None,
            owner=owner.get("name") or owner.get("email") or None,
        )


class AttachmentFile(BaseModel):
    attachment_id: str
    module: str
    record_id: str
    file_name: str
    content_type: str
    content: bytes = Field(repr=False)

    @property
    def size(self) -> int:
        return len(self.content)


def file_name_from_disposition(header: str | None, fallback: str) -> str:
    """The file name of a ``Content-Disposition`` header (RFC 5987 ``filename*`` preferred)."""
    if header:
        star = _FILENAME_STAR.search(header)
        if star:
            return unquote(star.group(1).strip())
        plain = _FILENAME.search(header)
        if plain:
            return (plain.group(1) if plain.group(1) is not None else plain.group(2)).strip()
    return fallback


def content_type_of(header: str | None, file_name: str) -> str:
    """The declared media type without parameters, else a guess from the file name."""
    declared = (header or "").split(";", 1)[0].strip().lower()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(file_name)[0] or declared or "application/octet-stream"


__all__ = [
    "ATTACHMENT_MODULES",
    "LIST_FIELDS",
    "AttachmentFile",
    "AttachmentInfo",
    "content_type_of",
    "file_name_from_disposition",
]
