"""The attachments family: a record's files at ``/crm/v8/{module}/{record_id}/Attachments[/{attachment_id}]``
(``sandbox.attachments`` keeps them):

- ``GET`` lists the record's attachments (``page``, ``per_page``, ``fields``); 204 when none.
- ``POST`` uploads one file (multipart field ``file``, at most 20 MB, else 413 REQUEST_ENTITY_TOO_LARGE).
- ``GET .../{attachment_id}`` downloads the bytes (Content-Type and Content-Disposition set).
- ``DELETE .../{attachment_id}`` deletes it.
- ``GET /__sandbox/attachments/manifest`` lists the seeded demo files and their known text.

On startup an org without attachments gets the deterministic demo files of ``sandbox._attachment_seed``.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox._attachment_files import Attachment, AttachmentFiles
from sandbox._ext_support import canonical_module
from sandbox.access import Caller
from sandbox.api.family import Family
from sandbox.api.params import lenient_page, missing_param, page_info
from sandbox.attachments import ATTACHMENT_MODULES, AttachmentService
from sandbox.responses import ZohoHTTPError, empty, zoho_json
from sandbox.state import SandboxState
from sandbox.store import owner_ref

MULTIPART_OVERHEAD = 64 * 1024
LIST_PATH = "/crm/v8/{module}/{record_id}/Attachments"
ITEM_PATH = "/crm/v8/{module}/{record_id}/Attachments/{attachment_id}"


@dataclass(frozen=True)
class Parent:
    """The record an attachment call is about, and who calls."""

    caller: Caller
    module: str
    record_id: str


@dataclass(frozen=True)
class Upload:
    file_name: str
    content_type: str
    content: bytes


class AttachmentsApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        files = AttachmentFiles(state.files_dir())
        self.attachments = state.services["attachments"] = AttachmentService(state.store, files)

    def routes(self) -> list[BaseRoute]:
        return [
            Route(LIST_PATH, self.listing, methods=["GET"]),
            Route(LIST_PATH, self.upload, methods=["POST"]),
            Route(ITEM_PATH, self.download, methods=["GET"]),
            Route(ITEM_PATH, self.delete, methods=["DELETE"]),
            Route("/__sandbox/attachments/manifest", self.manifest, methods=["GET"]),
        ]

    async def startup(self) -> None:
        self.attachments.ensure_seeded()

    async def shutdown(self) -> None:
        self.attachments.files.close()

    def parent(self, request: Request) -> Parent:
        """The caller and the record of the path; 400 for a module without attachments or an unknown record."""
        caller = self.caller(request)
        module = canonical_module(self.store, request.path_params["module"])
        if module is None or module not in ATTACHMENT_MODULES:
            raise ZohoHTTPError("INVALID_MODULE", "the module name given seems to be invalid", 400)
        record_id = request.path_params["record_id"]
        if self.store.get(module, record_id) is None:
            details = {"id": record_id, "api_name": "id"}
            raise ZohoHTTPError("INVALID_DATA", "the related id given seems to be invalid", 400, details)
        return Parent(caller, module, record_id)

    def attachment(self, request: Request) -> Attachment:
        """The attachment of the path, under the record of the path; 400 INVALID_DATA otherwise."""
        parent = self.parent(request)
        attachment_id = request.path_params["attachment_id"]
        found = self.attachments.files.get(attachment_id)
        if found is None or found.module != parent.module or found.record_id != parent.record_id:
            details = {"id": attachment_id, "api_name": "id"}
            raise ZohoHTTPError("INVALID_DATA", "the id given seems to be invalid", 400, details)
        return found

    async def listing(self, request: Request) -> Response:
        parent = self.parent(request)
        page, per_page = lenient_page(request)
        self.charge(request, 1)
        self.attachments.ensure_seeded()
        rows = self.attachments.files.for_record(parent.module, parent.record_id)
        chunk = rows[(page - 1) * per_page : page * per_page]
        if not chunk:
            return empty(204)
        fields = [name for name in request.query_params.get("fields", "").split(",") if name.strip()]
        data = [_project(row.zoho(), fields) for row in chunk]
        return zoho_json({"data": data, "info": page_info(per_page, len(chunk), page, len(rows) > page * per_page)})

    async def upload(self, request: Request) -> Response:
        parent = self.parent(request)
        file = await self.uploaded_file(request)
        owner = owner_ref(parent.caller.user)
        added = self.attachments.add(
            parent.module, parent.record_id, file.file_name, file.content_type, file.content, owner
        )
        self.charge(request, 1)
        details = {
            "Modified_Time": added.modified_time,
            "Modified_By": owner,
            "Created_Time": added.created_time,
            "id": added.id,
            "Created_By": owner,
        }
        message = "attachment uploaded successfully"
        return zoho_json({"data": [{"code": "SUCCESS", "details": details, "message": message, "status": "success"}]})

    async def uploaded_file(self, request: Request) -> Upload:
        """The multipart ``file`` of the body: 413 past the size limit, 400 when malformed or missing."""
        limit = self.attachments.max_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit + MULTIPART_OVERHEAD:
            raise too_large(limit)
        try:
            form = await request.form(max_files=1, max_fields=10)
        except Exception:  # starlette raises its own parse errors for malformed multipart bodies
            raise ZohoHTTPError("INVALID_DATA", "the request body is not valid multipart/form-data", 400) from None
        try:
            upload_file = form.get("file")
            if not isinstance(upload_file, UploadFile):
                raise missing_param("file")
            content = await upload_file.read(limit + 1)
            if len(content) > limit:
                raise too_large(limit)
            file_name = upload_file.filename or "attachment"
            content_type = upload_file.content_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        finally:
            await form.close()
        return Upload(file_name, content_type, content)

    async def download(self, request: Request) -> Response:
        attachment = self.attachment(request)
        self.charge(request, 1)
        return Response(
            self.attachments.files.content(attachment.id),
            media_type=attachment.content_type,
            headers={"Content-Disposition": content_disposition(attachment.file_name)},
        )

    async def delete(self, request: Request) -> Response:
        attachment = self.attachment(request)
        self.attachments.files.delete(attachment.id)
        self.charge(request, 1)
        deleted = {
            "code": "SUCCESS",
            "details": {"id": attachment.id},
            "message": "record deleted",
            "status": "success",
        }
        return zoho_json({"data": [deleted]})

    async def manifest(self, request: Request) -> Response:
        self.attachments.ensure_seeded()
        return JSONResponse({"attachments": self.attachments.manifest()})


def content_disposition(file_name: str) -> str:
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "'")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def _project(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    if not fields:
        return row
    return {**{name.strip(): row.get(name.strip()) for name in fields}, "id": row["id"]}


def too_large(limit: int) -> ZohoHTTPError:
    message = "The file size exceeds the allowed limit of 20 MB"
    return ZohoHTTPError("REQUEST_ENTITY_TOO_LARGE", message, 413, {"maximum_size": limit})
