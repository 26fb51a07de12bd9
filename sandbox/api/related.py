"""The related-lists family: ``GET /crm/v8/{module}/{record_id}/{related}`` lists a record's children in a
related list of ``schema.RELATED_LISTS`` (open or closed tasks, contacts, deals, notes), paged like records."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.paging import Lister
from sandbox.api.params import Record, record_module
from sandbox.responses import ZohoHTTPError
from sandbox.schema import CLOSED_TASK_STATUSES, RELATED_LISTS, RelatedList
from sandbox.state import SandboxState


class RelatedApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.lister = Lister(state.page_tokens)

    def routes(self) -> list[BaseRoute]:
        return [Route("/crm/v8/{module}/{record_id}/{related}", self.related, methods=["GET"])]

    async def related(self, request: Request) -> Response:
        module = record_module(request)
        caller = self.caller(request)
        record = self.store.get(module, request.path_params["record_id"])
        if record is None:
            raise ZohoHTTPError(
                "INVALID_DATA",
                "the related id given seems to be invalid",
                400,
                {"id": request.path_params["record_id"]},
            )
        related_list = related_list_of(module, request.path_params["related"])
        children = self.children(module, record, related_list)
        scope_key = f"{module}/{record['id']}"
        return self.lister.respond(request, related_list.module, caller, children, scope_key=scope_key)

    def children(self, module: str, record: Record, related_list: RelatedList) -> list[Record]:
        """The live records of ``related_list`` that point at ``record``."""
        if module == "Deals" and related_list.api_name == "Contacts":
            contact = record.get("Contact_Name")
            live = self.store.iter_live("Contacts")
            return [c for c in live if isinstance(contact, dict) and c["id"] == contact["id"]]
        return [c for c in self.store.iter_live(related_list.module) if _belongs(c, module, record, related_list)]


def related_list_of(module: str, name: str) -> RelatedList:
    found = next((r for r in RELATED_LISTS.get(module, ()) if r.api_name == name), None)
    if found is None:
        raise ZohoHTTPError("INVALID_DATA", "the related list name given seems to be invalid", 400, {"api_name": name})
    return found


def _belongs(child: Record, module: str, record: Record, related_list: RelatedList) -> bool:
    """Whether ``child`` is in ``record``'s related list: open or closed as the list wants, linked by one of
    its link fields (``What_Id`` of the same ``$se_module``, ``Parent_Id`` of the same module)."""
    if related_list.closed is not None:
        closed = str(child.get("Status") or "") in CLOSED_TASK_STATUSES
        if closed != related_list.closed:
            return False
    for link in related_list.link_fields:
        ref = child.get(link)
        if isinstance(ref, dict) and ref.get("id") == record["id"]:
            if link == "What_Id" and child.get("$se_module", "Accounts") != module:
                continue
            if link == "Parent_Id" and ref.get("module", {}).get("api_name") != module:
                continue
            return True
    return False
