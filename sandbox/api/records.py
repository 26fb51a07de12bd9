"""The records family, ``/crm/v8/{module}[/{record_id}]``: list, get, create, update, upsert and delete,
with Zoho's paging rules, envelopes and status codes (ZOHO_API_NOTES §4). Search, the recycle bin, notes
and related lists are families of their own (``sandbox.api``)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.api.notes import refuse_notes_listing
from sandbox.api.paging import Lister
from sandbox.api.params import fields_param, ids_param, if_modified_since, missing_param, project, record_module
from sandbox.api.record_writes import RecordWriter, write_status
from sandbox.responses import empty, zoho_json
from sandbox.state import SandboxState
from sandbox.validation import RecordError


class RecordsApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.lister = Lister(state.page_tokens)
        self.writer = RecordWriter(state)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/crm/v8/{module}", self.list_records, methods=["GET"]),
            Route("/crm/v8/{module}", self.create, methods=["POST"]),
            Route("/crm/v8/{module}", self.update_many, methods=["PUT"]),
            Route("/crm/v8/{module}", self.delete_many, methods=["DELETE"]),
            Route("/crm/v8/{module}/upsert", self.upsert, methods=["POST"]),
        ]

    def record_routes(self) -> list[BaseRoute]:
        """The routes of one record (after ``search`` and ``deleted``, which they would otherwise shadow)."""
        return [
            Route("/crm/v8/{module}/{record_id}", self.get_record, methods=["GET"]),
            Route("/crm/v8/{module}/{record_id}", self.update_one, methods=["PUT"]),
            Route("/crm/v8/{module}/{record_id}", self.delete_one, methods=["DELETE"]),
        ]

    async def list_records(self, request: Request) -> Response:
        module = record_module(request)
        caller = self.caller(request)
        if module == "Notes":
            refuse_notes_listing(self.state, caller)
        return self.lister.respond(request, module, caller, self.store.iter_live(module))

    async def get_record(self, request: Request) -> Response:
        module = record_module(request)
        self.caller(request)
        record = self.store.get(module, request.path_params["record_id"])
        if record is None:
            return empty(204)
        since = if_modified_since(request)
        if since is not None and str(record.get("Modified_Time") or "") <= since:
            return empty(304)
        return zoho_json({"data": [project(module, record, fields_param(request, False))]})

    async def create(self, request: Request) -> Response:
        return await self.writer.write(request, record_module(request), "create")

    async def update_many(self, request: Request) -> Response:
        return await self.writer.write(request, record_module(request), "update")

    async def update_one(self, request: Request) -> Response:
        module = record_module(request)
        return await self.writer.write(request, module, "update", path_id=request.path_params["record_id"])

    async def upsert(self, request: Request) -> Response:
        return await self.writer.write(request, record_module(request), "upsert")

    async def delete_many(self, request: Request) -> Response:
        return self.delete(request, ids_param(request.query_params.get("ids")))

    async def delete_one(self, request: Request) -> Response:
        return self.delete(request, [request.path_params["record_id"]])

    def delete(self, request: Request, ids: list[str]) -> Response:
        self.caller(request)
        module = record_module(request)
        if not ids:
            raise missing_param("ids")
        results = [self.delete_one_record(module, record_id) for record_id in ids]
        return zoho_json({"data": results}, write_status(results, 200))

    def delete_one_record(self, module: str, record_id: str) -> dict[str, Any]:
        try:
            self.store.delete(module, record_id)
        except RecordError as exc:
            return {"code": exc.code, "details": {"id": record_id}, "message": exc.message, "status": "error"}
        return {"code": "SUCCESS", "details": {"id": record_id}, "message": "record deleted", "status": "success"}
