"""Domain models for CRM records, independent of the tier (MCP, SDK, REST) that fetched them.

Tiers translate Zoho's JSON (field API names such as ``Account_Name``) into these models with
``from_zoho`` and back with ``to_zoho``. Ids are always strings. Datetimes are timezone-aware.
The raw Zoho record is kept in ``raw`` so that nothing a tier returned is lost.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Module = Literal["Accounts", "Contacts", "Deals", "Tasks", "Notes", "Users"]
MODULES: tuple[Module, ...] = ("Accounts", "Contacts", "Deals", "Tasks", "Notes", "Users")
CLOSED_DEAL_STAGES = frozenset({"Closed Won", "Closed Lost", "Closed Lost to Competition"})
CLOSED_TASK_STATUSES = frozenset({"Completed"})


def _id(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        value = value.get("id")
        if value is None:
            return None
    return str(value)


def _parse_dt(value: Any) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def _parse_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def to_zoho_value(value: datetime | date | None) -> str | None:
    """Zoho's wire form: ISO-8601 with offset and no fraction for datetimes, YYYY-MM-DD for dates."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    return value.isoformat()


class UserRef(BaseModel):
    """An owner / user lookup: ``{"name", "id", "email"}``."""

    id: str
    name: str | None = None
    email: str | None = None

    @classmethod
    def from_zoho(cls, value: Any) -> UserRef | None:
        if not isinstance(value, dict) or value.get("id") in (None, ""):
            return None
        return cls(id=str(value["id"]), name=value.get("name"), email=value.get("email"))


class CrmRecord(BaseModel):
    """Fields every module shares. ``raw`` keeps the record as Zoho sent it."""

    model_config = ConfigDict(extra="ignore")
    module: ClassVar[Module]

    id: str
    owner: UserRef | None = None
    created_time: datetime | None = None
    modified_time: datetime | None = None
    raw: dict[str, Any] = Field(default_factory=dict, repr=False)

    @field_validator("id", mode="before")
    @classmethod
    def _str_id(cls, value: Any) -> str:
        return str(value)

    @classmethod
    def _common(cls, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": data["id"],
            "owner": UserRef.from_zoho(data.get("Owner")),
            "created_time": _parse_dt(data.get("Created_Time")),
            "modified_time": _parse_dt(data.get("Modified_Time")),
            "raw": data,
        }


class Account(CrmRecord):
    module: ClassVar[Module] = "Accounts"
    name: str
    industry: str | None = None
    account_type: str | None = None
    annual_revenue: float | None = None
    employees: int | None = None
    rating: str | None = None
    phone: str | None = None
    website: str | None = None
    billing_city: str | None = None
    billing_country: str | None = None
    description: str | None = None
    last_activity_time: datetime | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "Account_Name",
        "Owner",
        "Industry",
        "Account_Type",
        "Annual_Revenue",
        "Employees",
        "Rating",
        "Phone",
        "Website",
        "Billing_City",
        "Billing_Country",
        "Description",
        "Created_Time",
        "Modified_Time",
        "Last_Activity_Time",
    )

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> Account:
        return cls(
            **cls._common(data),
            name=data.get("Account_Name") or "",
            industry=data.get("Industry"),
            account_type=data.get("Account_Type"),
            annual_revenue=data.get("Annual_Revenue"),
            employees=data.get("Employees"),
            rating=data.get("Rating"),
            phone=data.get("Phone"),
            website=data.get("Website"),
            billing_city=data.get("Billing_City"),
            billing_country=data.get("Billing_Country"),
            description=data.get("Description"),
            last_activity_time=_parse_dt(data.get("Last_Activity_Time")),
        )


class Contact(CrmRecord):
    module: ClassVar[Module] = "Contacts"
    first_name: str | None = None
    last_name: str
    email: str | None = None
    phone: str | None = None
    title: str | None = None
    account_id: str | None = None
    email_opt_out: bool = False
    description: str | None = None
    last_activity_time: datetime | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "First_Name",
        "Last_Name",
        "Email",
        "Phone",
        "Title",
        "Account_Name",
        "Email_Opt_Out",
        "Description",
        "Owner",
        "Created_Time",
        "Modified_Time",
        "Last_Activity_Time",
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name or ''} {self.last_name}".strip()

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> Contact:
        return cls(
            **cls._common(data),
            first_name=data.get("First_Name"),
            last_name=data.get("Last_Name") or "",
            email=data.get("Email"),
            phone=data.get("Phone"),
            title=data.get("Title"),
            account_id=_id(data.get("Account_Name")),
            email_opt_out=bool(data.get("Email_Opt_Out") or False),
            description=data.get("Description"),
            last_activity_time=_parse_dt(data.get("Last_Activity_Time")),
        )


class Deal(CrmRecord):
    module: ClassVar[Module] = "Deals"
    name: str
    stage: str
    amount: float | None = None
    probability: int | None = None
    closing_date: date | None = None
    account_id: str | None = None
    contact_id: str | None = None
    deal_type: str | None = None
    next_step: str | None = None
    description: str | None = None
    last_activity_time: datetime | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "Deal_Name",
        "Stage",
        "Amount",
        "Probability",
        "Closing_Date",
        "Account_Name",
        "Contact_Name",
        "Type",
        "Next_Step",
        "Description",
        "Owner",
        "Created_Time",
        "Modified_Time",
        "Last_Activity_Time",
    )

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_DEAL_STAGES

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> Deal:
        return cls(
            **cls._common(data),
            name=data.get("Deal_Name") or "",
            stage=data.get("Stage") or "",
            amount=data.get("Amount"),
            probability=data.get("Probability"),
            closing_date=_parse_date(data.get("Closing_Date")),
            account_id=_id(data.get("Account_Name")),
            contact_id=_id(data.get("Contact_Name")),
            deal_type=data.get("Type"),
            next_step=data.get("Next_Step"),
            description=data.get("Description"),
            last_activity_time=_parse_dt(data.get("Last_Activity_Time")),
        )


class Task(CrmRecord):
    module: ClassVar[Module] = "Tasks"
    subject: str
    status: str | None = None
    priority: str | None = None
    due_date: date | None = None
    what_id: str | None = None
    what_module: str | None = None
    who_id: str | None = None
    description: str | None = None
    closed_time: datetime | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "Subject",
        "Status",
        "Priority",
        "Due_Date",
        "What_Id",
        "Who_Id",
        "Description",
        "Closed_Time",
        "Owner",
        "Created_Time",
        "Modified_Time",
    )

    @property
    def is_open(self) -> bool:
        return (self.status or "") not in CLOSED_TASK_STATUSES

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> Task:
        return cls(
            **cls._common(data),
            subject=data.get("Subject") or "",
            status=data.get("Status"),
            priority=data.get("Priority"),
            due_date=_parse_date(data.get("Due_Date")),
            what_id=_id(data.get("What_Id")),
            what_module=data.get("$se_module"),
            who_id=_id(data.get("Who_Id")),
            description=data.get("Description"),
            closed_time=_parse_dt(data.get("Closed_Time")),
        )


class Note(CrmRecord):
    module: ClassVar[Module] = "Notes"
    title: str | None = None
    content: str
    parent_id: str | None = None
    parent_module: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "Note_Title",
        "Note_Content",
        "Parent_Id",
        "Owner",
        "Created_Time",
        "Modified_Time",
    )

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> Note:
        parent = data.get("Parent_Id") or {}
        module = parent.get("module") if isinstance(parent, dict) else None
        return cls(
            **cls._common(data),
            title=data.get("Note_Title"),
            content=data.get("Note_Content") or "",
            parent_id=_id(parent),
            parent_module=(module or {}).get("api_name") if isinstance(module, dict) else data.get("$se_module"),
        )


class User(BaseModel):
    id: str
    full_name: str | None = None
    email: str | None = None
    status: str | None = None
    role: str | None = None

    FIELDS: ClassVar[tuple[str, ...]] = ("full_name", "email", "status", "role")

    @classmethod
    def from_zoho(cls, data: dict[str, Any]) -> User:
        role = data.get("role")
        return cls(
            id=str(data["id"]),
            full_name=data.get("full_name"),
            email=data.get("email"),
            status=data.get("status"),
            role=role.get("name") if isinstance(role, dict) else role,
        )


class DeletedRecord(BaseModel):
    """A record in Zoho's recycle bin (``GET /crm/v8/{module}/deleted``)."""

    module: str
    id: str
    display_name: str | None = None
    deleted_time: datetime | None = None
    deleted_by: str | None = None  # the user's name

    @classmethod
    def from_zoho(cls, module: str, data: dict[str, Any]) -> DeletedRecord:
        by = data.get("deleted_by")
        return cls(
            module=module,
            id=str(data["id"]),
            display_name=data.get("display_name"),
            deleted_time=_parse_dt(data.get("deleted_time")),
            deleted_by=by.get("name") if isinstance(by, dict) else by,
        )


class Account360(BaseModel):
    """Everything about one account that an agent or the triage needs in one view."""

    account: Account
    contacts: list[Contact] = Field(default_factory=list)
    deals: list[Deal] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)

    @property
    def open_deals(self) -> list[Deal]:
        return [d for d in self.deals if d.is_open]

    @property
    def open_tasks(self) -> list[Task]:
        return [t for t in self.tasks if t.is_open]


RECORD_TYPES: dict[str, type[CrmRecord]] = {
    "Accounts": Account,
    "Contacts": Contact,
    "Deals": Deal,
    "Tasks": Task,
    "Notes": Note,
}


def record_from_zoho(module: str, data: dict[str, Any]) -> CrmRecord:
    """Build the domain model for ``module`` from a Zoho JSON record."""
    return RECORD_TYPES[module].from_zoho(data)  # type: ignore[attr-defined]


__all__ = [
    "CLOSED_DEAL_STAGES",
    "CLOSED_TASK_STATUSES",
    "MODULES",
    "RECORD_TYPES",
    "Account",
    "Account360",
    "Contact",
    "CrmRecord",
    "Deal",
    "Module",
    "Note",
    "Task",
    "User",
    "UserRef",
    "record_from_zoho",
    "to_zoho_value",
]
