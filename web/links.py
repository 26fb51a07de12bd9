"""Links to a record in Zoho CRM's web UI: ``https://crm.zoho.<dc>/crm/org<zgid>/tab/<Module>/<id>``.

The web UI names some modules differently from the API (Deals are ``Potentials``); notes have no page of
their own. Against the sandbox the same path under ``/__sandbox/web`` answers with the record's JSON, under
the API's module names.
"""

from __future__ import annotations

from urllib.parse import quote

WEB_TABS = {"Accounts": "Accounts", "Contacts": "Contacts", "Deals": "Potentials", "Tasks": "Tasks"}


def record_url(base: str, *, sandbox: bool, org_id: str | None, module: str | None, record_id: str) -> str | None:
    """The record's page, or None when the module has no page (or is unknown)."""
    if not module:
        return None
    tab = module if sandbox else WEB_TABS.get(module)
    if tab is None:
        return None
    org = f"org{quote(org_id, safe='')}/" if org_id else ""
    return f"{base}/crm/{org}tab/{quote(tab, safe='')}/{quote(record_id, safe='')}"
