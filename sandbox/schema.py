"""The sandbox's field metadata: one source of truth for ``/settings/fields``, validation and seeding.

Field API names and data types follow Zoho's standard modules (ZOHO_API_NOTES §5). Picklist values
here are the only ones the seed uses and the only ones writes accept, so the metadata the SDK
downloads is coherent with every record it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MODULE_IDS: dict[str, str] = {
    "Accounts": "6421000000000000013",
    "Contacts": "6421000000000000015",
    "Deals": "6421000000000000017",
    "Tasks": "6421000000000000019",
    "Notes": "6421000000000000021",
    "Users": "6421000000000000023",
    "Products": "6421000000000000025",
}
RECORD_MODULES: tuple[str, ...] = ("Accounts", "Contacts", "Deals", "Tasks", "Notes", "Products")
SINGULAR = {
    "Accounts": "Account",
    "Contacts": "Contact",
    "Deals": "Deal",
    "Tasks": "Task",
    "Notes": "Note",
    "Users": "User",
    "Products": "Product",
}

INDUSTRIES = (
    "Technology",
    "Manufacturing",
    "Healthcare",
    "Financial Services",
    "Retail",
    "Education",
    "Government/Military",
    "Telecommunications",
    "Real Estate",
    "Consulting",
    "Logistics",
    "Energy",
    "Media",
    "Hospitality",
    "Construction",
)
ACCOUNT_TYPES = (
    "-None-",
    "Analyst",
    "Competitor",
    "Customer",
    "Distributor",
    "Integrator",
    "Investor",
    "Other",
    "Partner",
    "Press",
    "Prospect",
    "Reseller",
    "Vendor",
)
OWNERSHIP = ("-None-", "Other", "Private", "Public", "Subsidiary", "Partnership", "Government")
RATINGS = (
    "-None-",
    "Acquired",
    "Active",
    "Market Failed",
    "Project Cancelled",
    "Shut Down",
    "Hot",
    "Warm",
    "Cold",
)
LEAD_SOURCES = (
    "-None-",
    "Advertisement",
    "Cold Call",
    "Employee Referral",
    "External Referral",
    "Partner",
    "Public Relations",
    "Seminar Partner",
    "Trade Show",
    "Web Download",
    "Web Research",
    "Chat",
)
SALUTATIONS = ("-None-", "Mr.", "Mrs.", "Ms.", "Dr.", "Prof.")
OPEN_STAGES = (
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
)
CLOSED_STAGES = ("Closed Won", "Closed Lost", "Closed Lost to Competition")
STAGES = OPEN_STAGES + CLOSED_STAGES
STAGE_PROBABILITY = {
    "Qualification": 10,
    "Needs Analysis": 20,
    "Value Proposition": 40,
    "Id. Decision Makers": 60,
    "Perception Analysis": 70,
    "Proposal/Price Quote": 75,
    "Negotiation/Review": 90,
    "Closed Won": 100,
    "Closed Lost": 0,
    "Closed Lost to Competition": 0,
}
DEAL_TYPES = ("-None-", "New Business", "Existing Business")
PIPELINES = ("Standard (Standard)",)
TASK_STATUSES = ("Not Started", "Deferred", "In Progress", "Completed", "Waiting for input")
TASK_PRIORITIES = ("High", "Highest", "Low", "Lowest", "Normal")
PRODUCT_CATEGORIES = ("-None-", "Hardware", "Software", "CRM Applications")

# data_type -> json_type, as Zoho's fields metadata reports it.
JSON_TYPES = {
    "text": "string",
    "textarea": "string",
    "email": "string",
    "phone": "string",
    "website": "string",
    "picklist": "string",
    "date": "string",
    "datetime": "string",
    "autonumber": "string",
    "integer": "integer",
    "bigint": "string",
    "currency": "double",
    "double": "double",
    "percent": "double",
    "boolean": "boolean",
    "lookup": "jsonobject",
    "ownerlookup": "jsonobject",
    "multiselectpicklist": "jsonarray",
}


@dataclass(frozen=True)
class FieldSpec:
    """One field of a module as the metadata endpoint describes it."""

    api_name: str
    data_type: str
    mandatory: bool = False
    read_only: bool = False
    picklist: tuple[str, ...] = ()
    lookup_module: str | None = None  # "se_module" for What_Id
    label: str = ""
    length: int = 255

    @property
    def display_label(self) -> str:
        return self.label or self.api_name.replace("_", " ")


def _f(api_name: str, data_type: str = "text", **kw: object) -> FieldSpec:
    return FieldSpec(api_name, data_type, **kw)  # type: ignore[arg-type]


_SYSTEM: tuple[FieldSpec, ...] = (
    _f("Owner", "ownerlookup", lookup_module="Users"),
    _f("Created_By", "ownerlookup", read_only=True, lookup_module="Users"),
    _f("Modified_By", "ownerlookup", read_only=True, lookup_module="Users"),
    _f("Created_Time", "datetime", read_only=True),
    _f("Modified_Time", "datetime", read_only=True),
)
_ADDRESS = ("Street", "City", "State", "Code", "Country")

ACCOUNT_FIELDS: tuple[FieldSpec, ...] = (
    _f("Account_Name", mandatory=True),
    _f("Account_Number", "bigint"),
    _f("Account_Site"),
    _f("Account_Type", "picklist", picklist=ACCOUNT_TYPES),
    _f("Industry", "picklist", picklist=("-None-", *INDUSTRIES)),
    _f("Annual_Revenue", "currency"),
    _f("Employees", "integer"),
    _f("Ownership", "picklist", picklist=OWNERSHIP),
    _f("Rating", "picklist", picklist=RATINGS),
    _f("Phone", "phone"),
    _f("Fax", "phone"),
    _f("Website", "website"),
    _f("Ticker_Symbol"),
    _f("SIC_Code", "integer"),
    _f("Parent_Account", "lookup", lookup_module="Accounts"),
    *(_f(f"Billing_{part}") for part in _ADDRESS),
    *(_f(f"Shipping_{part}") for part in _ADDRESS),
    _f("Description", "textarea", length=32000),
    _f("Last_Activity_Time", "datetime", read_only=True),
    *_SYSTEM,
)
CONTACT_FIELDS: tuple[FieldSpec, ...] = (
    _f("Salutation", "picklist", picklist=SALUTATIONS),
    _f("First_Name"),
    _f("Last_Name", mandatory=True),
    _f("Full_Name", read_only=True),
    _f("Email", "email"),
    _f("Secondary_Email", "email"),
    _f("Phone", "phone"),
    _f("Mobile", "phone"),
    _f("Home_Phone", "phone"),
    _f("Other_Phone", "phone"),
    _f("Fax", "phone"),
    _f("Assistant"),
    _f("Asst_Phone", "phone"),
    _f("Title"),
    _f("Department"),
    _f("Account_Name", "lookup", lookup_module="Accounts"),
    _f("Reporting_To", "lookup", lookup_module="Contacts"),
    _f("Lead_Source", "picklist", picklist=LEAD_SOURCES),
    _f("Date_of_Birth", "date"),
    _f("Email_Opt_Out", "boolean"),
    _f("Skype_ID"),
    _f("Twitter"),
    _f("Mailing_Street"),
    _f("Mailing_City"),
    _f("Mailing_State"),
    _f("Mailing_Zip"),
    _f("Mailing_Country"),
    _f("Description", "textarea", length=32000),
    _f("Last_Activity_Time", "datetime", read_only=True),
    *_SYSTEM,
)
DEAL_FIELDS: tuple[FieldSpec, ...] = (
    _f("Deal_Name", mandatory=True),
    _f("Stage", "picklist", mandatory=True, picklist=STAGES),
    _f("Pipeline", "picklist", picklist=PIPELINES),
    _f("Amount", "currency"),
    _f("Probability", "integer"),
    _f("Expected_Revenue", "currency", read_only=True),
    _f("Closing_Date", "date"),
    _f("Account_Name", "lookup", lookup_module="Accounts"),
    _f("Contact_Name", "lookup", lookup_module="Contacts"),
    _f("Type", "picklist", picklist=DEAL_TYPES),
    _f("Lead_Source", "picklist", picklist=LEAD_SOURCES),
    _f("Next_Step"),
    _f(
        "Reason_For_Loss__s",
        "picklist",
        picklist=("-None-", "Price", "Competition", "Lost to Competitor", "No Budget", "Timing", "Other"),
    ),
    _f("Description", "textarea", length=32000),
    _f("Last_Activity_Time", "datetime", read_only=True),
    *_SYSTEM,
)
TASK_FIELDS: tuple[FieldSpec, ...] = (
    _f("Subject", mandatory=True),
    _f("Due_Date", "date"),
    _f("Status", "picklist", picklist=TASK_STATUSES),
    _f("Priority", "picklist", picklist=TASK_PRIORITIES),
    _f("What_Id", "lookup", lookup_module="se_module", label="Related To"),
    _f("Who_Id", "lookup", lookup_module="Contacts", label="Contact Name"),
    _f("Description", "textarea", length=32000),
    _f("Closed_Time", "datetime", read_only=True),
    _f("Send_Notification_Email", "boolean"),
    *_SYSTEM,
)
NOTE_FIELDS: tuple[FieldSpec, ...] = (
    _f("Note_Title"),
    _f("Note_Content", "textarea", mandatory=True, length=32000),
    _f("Parent_Id", "lookup", mandatory=True, lookup_module="se_module", label="Parent ID"),
    *_SYSTEM,
)
# Zoho's Products module (standard fields: Product_Name mandatory, 50 characters; Product_Code 40; Product_Active a
# check box): what the product reads of it is the active products' names (docs/ZOHO_FIDELITY.md).
PRODUCT_FIELDS: tuple[FieldSpec, ...] = (
    _f("Product_Name", mandatory=True, length=50),
    _f("Product_Code", length=40),
    _f("Product_Active", "boolean"),
    _f("Product_Category", "picklist", picklist=PRODUCT_CATEGORIES),
    _f("Unit_Price", "currency"),
    _f("Sales_Start_Date", "date"),
    _f("Sales_End_Date", "date"),
    _f("Taxable", "boolean"),
    _f("Description", "textarea", length=32000),
    *_SYSTEM,
)

MODULE_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "Accounts": ACCOUNT_FIELDS,
    "Contacts": CONTACT_FIELDS,
    "Deals": DEAL_FIELDS,
    "Tasks": TASK_FIELDS,
    "Notes": NOTE_FIELDS,
    "Products": PRODUCT_FIELDS,
}
FIELD_INDEX: dict[str, dict[str, FieldSpec]] = {
    module: {spec.api_name: spec for spec in specs} for module, specs in MODULE_FIELDS.items()
}
# Default duplicate-check fields for upsert (Zoho uses the module's unique fields).
DUPLICATE_CHECK_FIELDS: dict[str, tuple[str, ...]] = {
    "Accounts": ("Account_Name",),
    "Contacts": ("Email",),
    "Deals": ("Deal_Name",),
    "Tasks": ("Subject",),
    "Notes": ("Note_Title",),
    "Products": ("Product_Name",),
}


@dataclass(frozen=True)
class RelatedList:
    """A related list of a parent module as Zoho's related-list metadata names it: ``api_name`` (the
    last part of its ``href``), the store module its rows come from, the child fields that point back,
    the module Zoho's metadata shows (``Activities`` for the activity lists) and, for the activity
    lists, whether it holds the open or the closed ones."""

    api_name: str
    module: str
    link_fields: tuple[str, ...] = field(default_factory=tuple)
    display_label: str = ""
    meta_module: str = ""
    closed: bool | None = None  # None: every row; False: open activities; True: closed activities

    @property
    def label(self) -> str:
        return self.display_label or self.api_name

    @property
    def shown_module(self) -> str:
        return self.meta_module or self.module


def _activities(*links: str) -> tuple[RelatedList, RelatedList]:
    """Zoho's two activity lists (Open Activities, Closed Activities): there is no ``Tasks`` list."""
    return (
        RelatedList("Activities", "Tasks", links, "Open Activities", "Activities", closed=False),
        RelatedList("Activities_History", "Tasks", links, "Closed Activities", "Activities", closed=True),
    )


CLOSED_TASK_STATUSES = frozenset({"Completed"})

RELATED_LISTS: dict[str, tuple[RelatedList, ...]] = {
    "Accounts": (
        RelatedList("Contacts", "Contacts", ("Account_Name",)),
        RelatedList("Deals", "Deals", ("Account_Name",)),
        RelatedList("Notes", "Notes", ("Parent_Id",)),
        *_activities("What_Id"),
    ),
    "Contacts": (
        RelatedList("Deals", "Deals", ("Contact_Name",)),
        RelatedList("Notes", "Notes", ("Parent_Id",)),
        *_activities("Who_Id", "What_Id"),
    ),
    "Deals": (
        RelatedList("Contacts", "Contacts", ()),
        RelatedList("Notes", "Notes", ("Parent_Id",)),
        *_activities("What_Id"),
    ),
    "Tasks": (RelatedList("Notes", "Notes", ("Parent_Id",)),),
}


def field_id(module: str, index: int) -> str:
    return str(int(MODULE_IDS.get(module, "6421000000000000001")) + 1000 + index)


def fields_payload(module: str) -> list[dict[str, object]]:
    """The ``fields`` array of ``GET /settings/fields?module=``."""
    out: list[dict[str, object]] = []
    for index, spec in enumerate(MODULE_FIELDS[module]):
        item: dict[str, object] = {
            "api_name": spec.api_name,
            "data_type": spec.data_type,
            "field_label": spec.display_label,
            "display_label": spec.display_label,
            "system_mandatory": spec.mandatory,
            "custom_field": spec.api_name.endswith("__c"),
            "read_only": spec.read_only,
            "field_read_only": spec.read_only,
            "json_type": JSON_TYPES.get(spec.data_type, "string"),
            "id": field_id(module, index),
            "length": spec.length,
            "visible": True,
            "api_type": spec.data_type,
        }
        if spec.picklist:
            item["pick_list_values"] = [
                {
                    "display_value": value,
                    "actual_value": value,
                    "id": field_id(module, 500 + index * 40 + n),
                    "sequence_number": n + 1,
                    "type": "used",
                }
                for n, value in enumerate(spec.picklist)
            ]
        if spec.lookup_module and spec.data_type == "lookup":
            lookup_module_id = MODULE_IDS.get(spec.lookup_module)
            item["lookup"] = {
                "module": {"api_name": spec.lookup_module, "id": lookup_module_id},
                "display_label": spec.display_label,
                "api_name": spec.api_name,
                "id": item["id"],
            }
        out.append(item)
    return out


def related_lists_payload(module: str) -> list[dict[str, object]]:
    """The ``related_lists`` array of ``GET /settings/related_lists?module=``."""
    out: list[dict[str, object]] = []
    for index, rel in enumerate(RELATED_LISTS.get(module, ())):
        out.append(
            {
                "id": field_id(module, 900 + index),
                "api_name": rel.api_name,
                "name": rel.label,
                "display_label": rel.label,
                "module": {
                    "api_name": rel.shown_module,
                    "id": MODULE_IDS.get(rel.shown_module, MODULE_IDS[rel.module]),
                },
                "href": f"{module}/{{ENTITYID}}/{rel.api_name}",
                "type": "default",
                "sequence_number": str(index + 1),
                "visible": True,
                "connectedmodule": None,
                "linkingmodule": None,
                "action": None,
                "customize_sort": False,
                "customize_fields": False,
                "customize_display_label": False,
                "sort_by": None,
                "sort_order": None,
                "fields": None,
            }
        )
    return out


def modules_payload() -> list[dict[str, object]]:
    """The ``modules`` array of ``GET /settings/modules``."""
    return [
        {
            "api_name": name,
            "module_name": name,
            "plural_label": name,
            "singular_label": SINGULAR[name],
            "id": module_id,
            "api_supported": name != "Users",
            "generated_type": "default",
            "creatable": True,
            "editable": True,
            "deletable": True,
            "viewable": True,
            "visible": True,
        }
        for name, module_id in MODULE_IDS.items()
    ]
