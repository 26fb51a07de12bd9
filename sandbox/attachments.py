"""Attachments of a record: `/crm/v8/{module}/{record_id}/Attachments[/{attachment_id}]`.

- `GET`    list the record's attachments (`page`, `per_page`, `fields`); 204 when none.
- `POST`   upload one file (multipart field `file`, at most 20 MB → else 413 REQUEST_ENTITY_TOO_LARGE).
- `GET .../{attachment_id}` download the bytes (Content-Type and Content-Disposition set).
- `DELETE .../{attachment_id}` delete it.
- `GET /__sandbox/attachments/manifest` lists the seeded demo files and their known text.

Files live under `<data_dir>/attachments/`, metadata in `<data_dir>/attachments.sqlite3`. On startup
an org without attachments gets the deterministic demo files of `_attachment_seed`.
"""

from __future__ import annotations

import json
import mimetypes
from typing import Any
from urllib.parse import quote

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sandbox import _attachment_seed
from sandbox._attachment_files import Attachment, AttachmentFiles, file_id_for
from sandbox._ext_support import (
    authenticate,
    canonical_module,
    data_dir,
    extension,
    iso_now,
    record_stat,
    register_extension,
    zoho_error,
    zoho_json,
)
from sandbox.store import owner_ref

MAX_BYTES = 20 * 1024 * 1024
MULTIPART_OVERHEAD = 64 * 1024
MAX_PER_PAGE = 200
ATTACHMENT_MODULES = ("Accounts", "Contacts", "Deals", "Tasks")
LIST_PATH = "/crm/v8/{module}/{record_id}/Attachments"
ITEM_PATH = "/crm/v8/{module}/{record_id}/Attachments/{attachment_id}"


class AttachmentService:
    def __init__(self, store: Any, files: AttachmentFiles, max_bytes: int = MAX_BYTES) -> None:
        self.store = store
        self.files = files
        self.max_bytes = max_bytes
        self._checked = False

    def ensure_seeded(self) -> None:
        """Seed the demo files once per org; reseed when the org itself was reseeded."""
        if self._checked:
            return
        self._checked = True
        key = _attachment_seed.seed_key(self.store)
        if self.files.meta("seed_key") == key:
            return
        if self.files.meta("seed_key") is not None or self.files.all():
            self.files.wipe()
        entries = _attachment_seed.seed(self.store, self.files)
        self.files.set_meta("seed_manifest", json.dumps(entries))
        self.files.set_meta("seed_key", key)

    def manifest(self) -> list[dict[str, Any]]:
        raw = self.files.meta("seed_manifest")
        entries: list[dict[str, Any]] = json.loads(raw) if raw else []
        live = {attachment.id for attachment in self.files.all()}
        return [{**entry, "present": entry["id"] in live} for entry in entries]


def service(state: Any) -> AttachmentService:
    existing: AttachmentService | None = extension(state, "attachments")
    if existing is None:
        existing = register_extension(
            state, "attachments", AttachmentService(state.store, AttachmentFiles(data_dir(state)))
        )
    return existing


def _content_disposition(file_name: str) -> str:
    ascii_name = file_name.encode("ascii", "replace").decode().replace('"', "'")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name)}"


def routes(state: Any) -> list[BaseRoute]:
    attachments = service(state)

    async def parent(request: Request) -> tuple[dict[str, Any] | None, str, str, Response | None]:
        user, denied = await authenticate(state, request)
        if denied is not None:
            return None, "", "", denied
        module = canonical_module(state.store, request.path_params["module"])
        if module is None or module not in ATTACHMENT_MODULES:
            return (
                None,
                "",
                "",
                zoho_error(state, "INVALID_MODULE", "the module name given seems to be invalid", 400),
            )
        record_id = request.path_params["record_id"]
        if state.store.get(module, record_id) is None:
            return (
                None,
                "",
                "",
                zoho_error(
                    state,
                    "INVALID_DATA",
                    "the related id given seems to be invalid",
                    400,
                    {"id": record_id, "api_name": "id"},
                ),
            )
        return user, module, record_id, None

    async def listing(request: Request) -> Response:
        _, module, record_id, denied = await parent(request)
        if denied is not None:
            return denied
        try:
            page = max(1, int(request.query_params.get("page", "1")))
            per_page = min(MAX_PER_PAGE, max(1, int(request.query_params.get("per_page", str(MAX_PER_PAGE)))))
        except ValueError:
            return zoho_error(state, "INVALID_DATA", "page and per_page must be integers", 400)
        record_stat(state, f"GET {LIST_PATH}", 1)
        attachments.ensure_seeded()
        rows = attachments.files.for_record(module, record_id)
        chunk = rows[(page - 1) * per_page : page * per_page]
        if not chunk:
            return Response(status_code=204)
        fields = [name for name in request.query_params.get("fields", "").split(",") if name.strip()]
        data = [_project(row.zoho(), fields) for row in chunk]
        info = {
            "per_page": per_page,
            "count": len(chunk),
            "page": page,
            "more_records": len(rows) > page * per_page,
        }
        return zoho_json(state, {"data": data, "info": info})

    async def upload(request: Request) -> Response:
        user, module, record_id, denied = await parent(request)
        if denied is not None:
            return denied
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > attachments.max_bytes + MULTIPART_OVERHEAD:
            return _too_large(state, attachments.max_bytes)
        try:
            form = await request.form(max_files=1, max_fields=10)
        except Exception:  # starlette raises its own parse errors for malformed multipart bodies
            return zoho_error(state, "INVALID_DATA", "the request body is not valid multipart/form-data", 400)
        try:
            upload_file = form.get("file")
            if not isinstance(upload_file, UploadFile):
                return zoho_error(
                    state,
                    "REQUIRED_PARAM_MISSING",
                    "One of the expected parameter is missing",
                    400,
                    {"param_name": "file"},
                )
            content = await upload_file.read(attachments.max_bytes + 1)
            if len(content) > attachments.max_bytes:
                return _too_large(state, attachments.max_bytes)
            file_name = upload_file.filename or "attachment"
            content_type = upload_file.content_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        finally:
            await form.close()
        now = iso_now()
        owner = owner_ref(user) if user else {}
        attachment_id = attachments.files.next_id()
        attachments.files.add(
            Attachment(
                id=attachment_id,
                module=module,
                record_id=record_id,
                parent_name=state.store.display_name(module, record_id) or "",
                file_name=file_name,
                content_type=content_type,
                size=len(content),
                created_time=now,
                modified_time=now,
                owner=owner,
                file_id=file_id_for(attachment_id, content),
            ),
            content,
        )
        record_stat(state, f"POST {LIST_PATH}", 1)
        details = {
            "Modified_Time": now,
            "Modified_By": owner,
            "Created_Time": now,
            "id": attachment_id,
            "Created_By": owner,
        }
        return zoho_json(
            state,
            {
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": details,
                        "message": "attachment uploaded successfully",
                        "status": "success",
                    }
                ]
            },
        )

    async def item(request: Request) -> tuple[Attachment | None, Response | None]:
        _, module, record_id, denied = await parent(request)
        if denied is not None:
            return None, denied
        attachment = attachments.files.get(request.path_params["attachment_id"])
        if attachment is None or attachment.module != module or attachment.record_id != record_id:
            return None, zoho_error(
                state,
                "INVALID_DATA",
                "the id given seems to be invalid",
                400,
                {"id": request.path_params["attachment_id"], "api_name": "id"},
            )
        return attachment, None

    async def download(request: Request) -> Response:
        attachment, denied = await item(request)
        if denied is not None or attachment is None:
            return denied or Response(status_code=500)
        record_stat(state, f"GET {ITEM_PATH}", 1)
        return Response(
            attachments.files.content(attachment.id),
            media_type=attachment.content_type,
            headers={"Content-Disposition": _content_disposition(attachment.file_name)},
        )

    async def delete(request: Request) -> Response:
        attachment, denied = await item(request)
        if denied is not None or attachment is None:
            return denied or Response(status_code=500)
        attachments.files.delete(attachment.id)
        record_stat(state, f"DELETE {ITEM_PATH}", 1)
        return zoho_json(
            state,
            {
                "data": [
                    {
                        "code": "SUCCESS",
                        "details": {"id": attachment.id},
                        "message": "record deleted",
                        "status": "success",
                    }
                ]
            },
        )

    async def manifest(request: Request) -> Response:
        attachments.ensure_seeded()
        return JSONResponse({"attachments": attachments.manifest()})

    return [
        Route(LIST_PATH, listing, methods=["GET"]),
        Route(LIST_PATH, upload, methods=["POST"]),
        Route(ITEM_PATH, download, methods=["GET"]),
        Route(ITEM_PATH, delete, methods=["DELETE"]),
        Route("/__sandbox/attachments/manifest", manifest, methods=["GET"]),
    ]


def _project(row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    if not fields:
        return row
    return {**{name.strip(): row.get(name.strip()) for name in fields}, "id": row["id"]}


def _too_large(state: Any, limit: int) -> Response:
    return zoho_error(
        state,
        "REQUEST_ENTITY_TOO_LARGE",
        "The file size exceeds the allowed limit of 20 MB",
        413,
        {"maximum_size": limit},
    )


def startup(state: Any) -> None:
    service(state).ensure_seeded()


def shutdown(state: Any) -> None:
    existing = extension(state, "attachments")
    if existing is not None:
        existing.files.close()
