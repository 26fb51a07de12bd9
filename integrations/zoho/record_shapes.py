"""Small helpers that normalise rows from COQL and Bulk Read CSV into the JSON shapes
``models.from_zoho`` expects (numbers, booleans, lookups as ``{"id": ...}``)."""

from __future__ import annotations

from typing import Any

_LOOKUPS = {
    "Owner",
    "Account_Name",
    "Contact_Name",
    "What_Id",
    "Who_Id",
    "Parent_Id",
    "Created_By",
    "Modified_By",
    "Parent_Account",
    "Reports_To",
    "Campaign_Source",
}
_FLOATS = {"Annual_Revenue", "Amount", "Expected_Revenue", "Exchange_Rate"}
_INTS = {"Employees", "Probability", "SIC_Code"}
_BOOLS = {"Email_Opt_Out", "Send_Notification_Email", "Locked__s"}


def csv_row_to_record(module: str, row: dict[str, str]) -> dict[str, Any]:
    """A Bulk Read CSV row (all strings; lookups as ids) → Zoho JSON record."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key is None:
            continue
        text = value.strip() if isinstance(value, str) else value
        if text in ("", None):
            out[key] = None
        elif key in _LOOKUPS and not (module == "Accounts" and key == "Account_Name"):
            out[key] = {"id": text}
        elif key in _FLOATS:
            out[key] = _number(text, float)
        elif key in _INTS:
            out[key] = _number(text, int)
        elif key in _BOOLS:
            out[key] = str(text).lower() == "true"
        else:
            out[key] = text
    if module == "Notes" and isinstance(out.get("Parent_Id"), dict) and out.get("$se_module"):
        out["Parent_Id"]["module"] = {"api_name": out["$se_module"]}
    return out


def _number(text: Any, kind: type) -> Any:
    try:
        return kind(float(text)) if kind is int else kind(text)
    except (TypeError, ValueError):
        return None


def coql_row_to_record(row: dict[str, Any]) -> dict[str, Any]:
    """COQL rows are already JSON; ids may be numbers and lookups ``{"id"}`` only."""
    out = dict(row)
    if "id" in out and out["id"] is not None:
        out["id"] = str(out["id"])
    return out
