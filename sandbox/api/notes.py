"""The notes family: ``POST /crm/v8/{module}/{record_id}/Notes`` adds notes under a record (``Parent_Id`` set
from the path); ``GET /crm/v8/Notes`` is the records listing, which a sandbox started with
``notes_list_admin_only`` keeps to administrators (a v2-era reading of Zoho's docs: 403 NOT_SUPPORTED)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.access import Caller
from sandbox.api.family import Family
from sandbox.api.params import record_module
from sandbox.api.record_writes import RecordWriter
from sandbox.responses import ZohoHTTPError
from sandbox.state import SandboxState


def refuse_notes_listing(state: SandboxState, caller: Caller) -> None:
    """403 NOT_SUPPORTED for a non-administrator listing every note, when the sandbox reads Zoho that way."""
    if state.config.notes_list_admin_only and not caller.is_admin:
        raise ZohoHTTPError("NOT_SUPPORTED", "listing all notes is supported for administrators only", 403)


class NotesApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.writer = RecordWriter(state)

    def routes(self) -> list[BaseRoute]:
        return [Route("/crm/v8/{module}/{record_id}/Notes", self.create_under, methods=["POST"])]

    async def create_under(self, request: Request) -> Response:
        module = record_module(request)
        record_id = request.path_params["record_id"]
        if not self.store.exists(module, record_id):
            raise ZohoHTTPError("INVALID_DATA", "the related id given seems to be invalid", 400, {"id": record_id})
        return await self.writer.write(request, "Notes", "create", parent=(module, record_id))
