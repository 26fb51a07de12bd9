"""A module's fields as Zoho describes them (``GET /crm/v8/settings/fields?module=``): which API names
exist, which a write may set, and which module a lookup points to.

Zoho's metadata marks a field a write cannot set with ``read_only`` / ``field_read_only`` (system fields
such as ``Created_Time``, formulas, auto-numbers); ``lookup.module.api_name`` names a lookup's module,
and an ``ownerlookup`` (``Owner``) points to Users. A few fields are never set by a proposal whatever
the metadata says: the record ``id``, ``$``-keys (Zoho's internal flags) and the system fields below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

# Never written by a proposal, whatever an org's metadata says about them.
SYSTEM_FIELDS = frozenset(
    {
        "id",
        "Created_By",
        "Modified_By",
        "Created_Time",
        "Modified_Time",
        "Last_Activity_Time",
        "Layout",
        "Tag",
        "Record_Image",
        "Locked__s",
        "Closed_Time",
    }
)
# Data types a REST write cannot set (computed by Zoho, or files that need their own API).
READ_ONLY_TYPES = frozenset(
    {"autonumber", "formula", "rollup_summary", "fileupload", "imageupload", "profileimage", "subform"}
)
LOOKUP_TYPES = frozenset({"lookup", "ownerlookup", "userlookup"})


class FieldMeta(BaseModel):
    """One field of a module, as much of it as a write check needs."""

    api_name: str
    data_type: str = "text"
    label: str = ""
    read_only: bool = False
    lookup_module: str | None = None  # the lookup's module ("Users" for an owner); "se_module": any

    @classmethod
    def from_zoho(cls, row: dict[str, Any]) -> FieldMeta:
        data_type = str(row.get("data_type") or "text")
        lookup = row.get("lookup") if isinstance(row.get("lookup"), dict) else {}
        module = (lookup or {}).get("module")
        lookup_module = str(module.get("api_name")) if isinstance(module, dict) and module.get("api_name") else None
        if data_type in ("ownerlookup", "userlookup"):
            lookup_module = "Users"
        return cls(
            api_name=str(row["api_name"]),
            data_type=data_type,
            label=str(row.get("display_label") or row.get("field_label") or row["api_name"]),
            read_only=bool(row.get("read_only")) or bool(row.get("field_read_only")),
            lookup_module=lookup_module,
        )

    @property
    def is_lookup(self) -> bool:
        return self.data_type in LOOKUP_TYPES

    def why_not_writable(self) -> str | None:
        """Why a proposal may not set this field, or None when it may."""
        if self.api_name in SYSTEM_FIELDS or self.api_name.startswith("$"):
            return "it is a system field"
        if self.read_only:
            return "Zoho marks it read-only"
        if self.data_type in READ_ONLY_TYPES:
            return f"its type ({self.data_type}) is computed by Zoho"
        if self.is_lookup and self.lookup_module in (None, "se_module"):
            return "it is a lookup to a record of any module (not changed by proposals)"
        return None


def fields_from_zoho(rows: list[dict[str, Any]]) -> dict[str, FieldMeta]:
    """``{api_name: FieldMeta}`` from the ``fields`` array of the metadata reply."""
    return {meta.api_name: meta for meta in (FieldMeta.from_zoho(r) for r in rows if r.get("api_name"))}


__all__ = ["LOOKUP_TYPES", "READ_ONLY_TYPES", "SYSTEM_FIELDS", "FieldMeta", "fields_from_zoho"]
