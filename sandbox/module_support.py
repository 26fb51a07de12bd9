"""Which modules each Zoho API family accepts, from the "Supported modules" lists of Zoho's v8 pages.

Notes is a module of the records API (``GET /crm/v8/Notes``, ``/{module}/{id}/Notes``) but not of the
notifications (``actions/watch``), recycle-bin (``/{module}/deleted``) or Bulk Read APIs: their lists
omit it, and the sandbox refuses it there (the watch refusal lives in ``_watch_channels``). COQL on
Notes is for administrators. Products is in every one of those lists.
"""

from __future__ import annotations

from sandbox.responses import ZohoHTTPError

NOT_SUPPORTED = "NOT_SUPPORTED"
_WITHOUT_NOTES = frozenset({"Accounts", "Contacts", "Deals", "Tasks", "Products"})
RECYCLE_BIN_MODULES = _WITHOUT_NOTES
BULK_READ_MODULES = _WITHOUT_NOTES
ADMIN_ONLY_COQL_MODULES = frozenset({"Notes"})


def not_supported(module: str, api: str, status: int = 400, **details: object) -> ZohoHTTPError:
    """Zoho's refusal of a module an API does not support."""
    return ZohoHTTPError(
        NOT_SUPPORTED,
        f"the module {module} is not supported for the {api} API",
        status,
        {"module": module, **details},
    )
