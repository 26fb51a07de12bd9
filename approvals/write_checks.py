"""The write is the proposal shown: what is checked against Zoho before a proposal is queued, shown, or
executed.

- **The target belongs to the account** the proposal is filed under: the account itself, or a contact,
  deal or task linked to it (a task through its ``What_Id``: the account, or one of its deals or
  contacts). A task's contact (``who_id``) must be one of the account's contacts too.
- **An update sets only what it shows**: every key of ``fields`` is a field API name of the target
  module that Zoho's metadata (``GET /settings/fields``) says a write may set; never ``id``, a
  ``$``-key or a system field. A lookup value names a record that exists in the lookup's module; it is
  shown (and sent) by its id, with the name Zoho has for that id.

``check_write`` answers a ``CheckedWrite`` (the exact payload, each lookup as Zoho will act on it, the
values now in Zoho) or raises ``WriteRefused`` with the reason, meant for a person or a model. Zoho
errors while checking (``ZohoError``) propagate: a check that could not run is not a pass.

    checked = await check_write(proposal, gateway)   # gateway: the ZohoManager (a ``WriteReader``)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from pydantic import BaseModel, Field

from domain.proposals import ProposedAction, UpdateFieldsProposal
from integrations.zoho.field_meta import FieldMeta
from integrations.zoho.manager import update_payload

NAME_FIELDS = {
    "Accounts": "Account_Name",
    "Contacts": "Full_Name",
    "Deals": "Deal_Name",
    "Tasks": "Subject",
    "Users": "full_name",
}
# How a record of each module is linked to its account.
_ACCOUNT_LINK = {"Contacts": "Account_Name", "Deals": "Account_Name"}


class WriteRefused(Exception):
    """A proposal that must not be queued or executed; the message says why."""


class WriteReader(Protocol):
    """What the checks read from Zoho (``integrations.zoho.manager.ZohoManager`` has these)."""

    async def field_specs(self, module: str) -> dict[str, FieldMeta]: ...

    async def record_fields(self, module: str, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None: ...


class LookupTarget(BaseModel):
    """A lookup value as Zoho will act on it: the record's module, id and the name Zoho has for it."""

    module: str
    id: str
    name: str | None = None
    claimed_name: str | None = None  # the name the proposal gave, when it differs from Zoho's

    def label(self) -> str:
        return f"{self.name or '(no name)'} ({self.module}/{self.id})"


class CheckedWrite(BaseModel):
    """A proposal that passed the checks, with what the approver must see."""

    proposal: ProposedAction
    payload: dict[str, Any]  # update_fields: the exact record sent to Zoho; otherwise the proposal's change
    lookups: dict[str, LookupTarget] = Field(default_factory=dict)  # field -> the record written
    current: dict[str, Any] = Field(default_factory=dict)  # update_fields: field -> value now in Zoho
    target_name: str | None = None


def _id_of(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
    return None if value in (None, "") else str(value)


def _name_of(value: Any) -> str | None:
    return str(value["name"]) if isinstance(value, dict) and value.get("name") else None


async def _read(reader: WriteReader, module: str, record_id: str, fields: Sequence[str]) -> dict[str, Any] | None:
    if not callable(getattr(reader, "record_fields", None)):  # a gateway that cannot read cannot vouch
        raise WriteRefused("it cannot be checked against Zoho (this gateway cannot read records)")
    return await reader.record_fields(module, record_id, fields)


async def _account_of(reader: WriteReader, module: str, row: dict[str, Any], proposal_account: str) -> str | None:
    """The account a contact, deal or task belongs to (a task: through its ``What_Id``, whose module
    ``$se_module`` names; when Zoho did not say, the account itself, else a deal or contact of it)."""
    if module in _ACCOUNT_LINK:
        return _id_of(row.get(_ACCOUNT_LINK[module]))
    parent_module, parent_id = str(row.get("$se_module") or ""), _id_of(row.get("What_Id"))
    if parent_id is None:
        return None
    if parent_module == "Accounts" or (not parent_module and parent_id == proposal_account):
        return parent_id
    for module_ in [parent_module] if parent_module else list(_ACCOUNT_LINK):  # module unknown: ask each
        if module_ in _ACCOUNT_LINK:
            parent = await _read(reader, module_, parent_id, [_ACCOUNT_LINK[module_]])
            if parent is not None:
                return _id_of(parent.get(_ACCOUNT_LINK[module_]))
    return None


async def _target(reader: WriteReader, proposal: ProposedAction, fields: Sequence[str]) -> dict[str, Any]:
    """The target record (``fields`` of it), after checking that it belongs to the proposal's account."""
    module, target_id, account_id = proposal.target_module, proposal.target_id, proposal.account_id
    where = f"{module}/{target_id}"
    if module == "Accounts":
        if target_id != account_id:
            raise WriteRefused(f"its target {where} is another account than the one it is filed under ({account_id})")
        if not fields and not callable(getattr(reader, "record_fields", None)):
            return {}  # the account itself, and nothing to read: its own existence Zoho checks on writing
    link = [] if module == "Accounts" else ([_ACCOUNT_LINK[module]] if module in _ACCOUNT_LINK else ["What_Id"])
    row = await _read(reader, module, target_id, list(dict.fromkeys([*fields, *link, NAME_FIELDS[module]])))
    if row is None:
        raise WriteRefused(f"its target {where} does not exist in Zoho")
    if module != "Accounts":
        owner = await _account_of(reader, module, row, account_id)
        if owner != account_id:
            other = f"account {owner}" if owner else "no account"
            raise WriteRefused(f"its target {where} belongs to {other}, not to account {account_id}")
    return row


async def _check_contact(reader: WriteReader, proposal: ProposedAction) -> None:
    who = proposal.contact_id()
    if not who:
        return
    row = await _read(reader, "Contacts", who, ["Account_Name"])
    if row is None:
        raise WriteRefused(f"its contact Contacts/{who} does not exist in Zoho")
    if _id_of(row.get("Account_Name")) != proposal.account_id:
        raise WriteRefused(f"its contact Contacts/{who} is not a contact of account {proposal.account_id}")


def _writable(module: str, specs: dict[str, FieldMeta], names: Sequence[str]) -> None:
    for name in names:
        if name == "id" or name.startswith("$"):
            raise WriteRefused(f"it sets {name!r}, which would make Zoho write another record than the one shown")
        meta = specs.get(name)
        if meta is None:
            raise WriteRefused(f"{name!r} is not a field of {module} in this Zoho org")
        why = meta.why_not_writable()
        if why:
            raise WriteRefused(f"field {name!r} of {module} cannot be set by a proposal: {why}")


async def _lookup(reader: WriteReader, field: str, meta: FieldMeta, value: Any) -> LookupTarget | None:
    if value is None or value == "":
        return None  # clearing a lookup
    record_id = _id_of(value)
    if record_id is None or not record_id.isdigit():
        raise WriteRefused(f"field {field!r} is a lookup: its value must name a record id, got {value!r}")
    module = str(meta.lookup_module)
    row = await _read(reader, module, record_id, [NAME_FIELDS.get(module, "id")])
    if row is None:
        raise WriteRefused(f"field {field!r} points to {module}/{record_id}, which does not exist in Zoho")
    name = row.get(NAME_FIELDS.get(module, "id"))
    claimed = _name_of(value)
    return LookupTarget(
        module=module,
        id=record_id,
        name=None if name is None else str(name),
        claimed_name=claimed if claimed is not None and claimed != name else None,
    )


async def _check_update(reader: WriteReader, proposal: UpdateFieldsProposal) -> CheckedWrite:
    module = proposal.target_module
    if not callable(getattr(reader, "field_specs", None)):
        raise WriteRefused("it cannot be checked against Zoho (this gateway cannot read field metadata)")
    specs = await reader.field_specs(module)
    _writable(module, specs, list(proposal.fields))
    row = await _target(reader, proposal, list(proposal.fields))
    lookups: dict[str, LookupTarget] = {}
    for field, value in proposal.fields.items():
        if specs[field].is_lookup:
            found = await _lookup(reader, field, specs[field], value)
            if found is not None:
                lookups[field] = found
    return CheckedWrite(
        proposal=proposal,
        payload=update_payload(proposal.target_id, proposal.fields),
        lookups=lookups,
        current={f: row.get(f) for f in proposal.fields},
        target_name=_target_name(module, row),
    )


def _target_name(module: str, row: dict[str, Any]) -> str | None:
    value = row.get(NAME_FIELDS[module])
    return None if value in (None, "") else str(value)


def outside_account(proposal: ProposedAction, records: Iterable[tuple[str, str]]) -> str | None:
    """Why ``proposal`` reaches outside its account, judged from the account's own records as already
    read (``(module, id)`` pairs: the account, its contacts, deals and tasks), or None. The queue-time
    check of proposals made from a snapshot (the rules); Zoho is asked again before executing."""
    own = set(records)
    where = (proposal.target_module, proposal.target_id)
    if proposal.target_module == "Accounts" and proposal.target_id != proposal.account_id:
        return f"its target Accounts/{proposal.target_id} is another account than {proposal.account_id}"
    if proposal.target_module != "Accounts" and where not in own:
        return (
            f"its target {proposal.target_module}/{proposal.target_id} is not a record of account {proposal.account_id}"
        )
    who = proposal.contact_id()
    if who and ("Contacts", who) not in own:
        return f"its contact Contacts/{who} is not a contact of account {proposal.account_id}"
    return None


async def check_write(proposal: ProposedAction, reader: WriteReader | Any) -> CheckedWrite:
    """Check ``proposal`` against Zoho now; raise ``WriteRefused`` (the reason) if it must not be written."""
    if isinstance(proposal, UpdateFieldsProposal):  # sets fields of the target: each one is checked
        return await _check_update(reader, proposal)
    row = await _target(reader, proposal, [])  # every other kind makes a record on the target
    await _check_contact(reader, proposal)
    return CheckedWrite(
        proposal=proposal,
        payload=proposal.payload(),
        target_name=_target_name(proposal.target_module, row) if row else None,
    )


__all__ = [
    "NAME_FIELDS",
    "CheckedWrite",
    "LookupTarget",
    "WriteReader",
    "WriteRefused",
    "check_write",
    "outside_account",
]
