"""The Data Scout's attachment reads: list a record's files, and read one file's text.

``read_attachment`` downloads at most ``max_bytes`` (checked against the listed size before the
download, and again after it), extracts text from PDFs (pypdf) and text files (UTF-8; HTML without its
tags) in a worker process with a time and a memory limit (``integrations.zoho.attachment_text``: the
event loop every agent session shares never parses a file), and refuses clearly what it cannot read
(images, other binaries, encrypted or image-only PDFs, files over the limits).
Extracted text is CRM data like any other read: wrapped as data, cited by the attachment id, and passed
through ``ctx.saw_records`` so instruction-like text marks the run's proposals as suspicious.
"""

from __future__ import annotations

from typing import Any

from claude_agent_sdk import SdkMcpTool, ToolAnnotations, tool

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, crm_result, error_result, to_jsonable
from agents.tools.zoho_errors import zoho_error_result
from integrations.zoho.attachment_text import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MEMORY_LIMIT_BYTES,
    DEFAULT_TIME_LIMIT_SECONDS,
    ExtractedText,
    UnreadableAttachment,
    extract_text,
    extract_text_bounded,
)
from integrations.zoho.attachments import ATTACHMENT_MODULES, AttachmentFile, AttachmentInfo
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
READ_ONLY = ToolAnnotations(readOnlyHint=True, maxResultSizeChars=200_000)


def _module(args: dict[str, Any]) -> str:
    module = str(args.get("module") or "Accounts")
    if module not in ATTACHMENT_MODULES:
        raise ValueError(f"module must be one of {', '.join(ATTACHMENT_MODULES)}")
    return module


def _record_id(args: dict[str, Any]) -> str:
    value = args.get("record_id") or args.get("account_id")
    if not value:
        raise ValueError("give record_id (or account_id for the account's own files)")
    return str(value)


def build_attachment_tools(
    gateway: ZohoGateway,
    ctx: RunContext,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_chars: int = DEFAULT_MAX_CHARS,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS,
    memory_limit_bytes: int = DEFAULT_MEMORY_LIMIT_BYTES,
) -> list[SdkMcpTool[Any]]:
    """``list_attachments`` and ``read_attachment`` over ``gateway`` (both read-only). Text is extracted
    in a worker process within ``time_limit_seconds`` and ``memory_limit_bytes``."""
    reads = _AttachmentReads(gateway, ctx, max_bytes, max_chars, time_limit_seconds, memory_limit_bytes)
    string = {"type": "string"}
    where = {"record_id": string, "account_id": string, "module": {"type": "string", "enum": list(ATTACHMENT_MODULES)}}
    return [
        tool(
            "list_attachments",
            "Files attached to a record (an account by default): ids, names, sizes.",
            {"type": "object", "properties": where},
            annotations=READ_ONLY,
        )(reads.list_attachments),
        tool(
            "read_attachment",
            "The text of one attached PDF or text file (cite it by attachment id). "
            f"Files over {max_bytes // (1024 * 1024)} MB, images and other binaries are refused.",
            {"type": "object", "properties": {**where, "attachment_id": string}, "required": ["attachment_id"]},
            annotations=READ_ONLY,
        )(reads.read_attachment),
    ]


class _AttachmentReads:
    """The two tools' handlers, with the run's gateway, context and limits."""

    def __init__(
        self,
        gateway: ZohoGateway,
        ctx: RunContext,
        max_bytes: int,
        max_chars: int,
        time_limit_seconds: float,
        memory_limit_bytes: int,
    ) -> None:
        self.gateway, self.ctx = gateway, ctx
        self.max_bytes, self.max_chars = max_bytes, max_chars
        self.time_limit_seconds, self.memory_limit_bytes = time_limit_seconds, memory_limit_bytes

    async def list_attachments(self, args: dict[str, Any]) -> ToolResult:
        try:
            module, record_id = _module(args), _record_id(args)
            files = await self.gateway.list_attachments(module, record_id)
        except ZohoError as exc:
            return zoho_error_result(exc, self.ctx)
        except ValueError as exc:
            return error_result(f"bad input: {exc}")
        notes = self.ctx.saw_records((f.id, f.file_name) for f in files)
        rows = [{**to_jsonable(f), "readable_here": f.size is None or f.size <= self.max_bytes} for f in files]
        return crm_result(
            {
                "module": module,
                "record_id": record_id,
                "attachments": rows,
                "count": len(rows),
                "read_limit_bytes": self.max_bytes,
            },
            tier="rest",
            warnings=notes,
        )

    async def _download(
        self, module: str, record_id: str, attachment_id: str
    ) -> tuple[AttachmentInfo, AttachmentFile] | str:
        """The listed file and its bytes, or why it is not read (no such attachment, over the limit)."""
        listed = {f.id: f for f in await self.gateway.list_attachments(module, record_id)}
        info = listed.get(attachment_id)
        if info is None:
            return f"record {module}/{record_id} has no attachment {attachment_id}; call list_attachments for its ids"
        if info.size is not None and info.size > self.max_bytes:
            return (
                f"not read: attachment {attachment_id} ({info.file_name}) is {info.size:,} "
                f"bytes, over the {self.max_bytes:,}-byte read limit. Cite it by id and name only."
            )
        downloaded: AttachmentFile = await self.gateway.download_attachment(
            module, record_id, attachment_id, max_bytes=self.max_bytes
        )
        return info, downloaded

    async def read_attachment(self, args: dict[str, Any]) -> ToolResult:
        try:
            module, record_id = _module(args), _record_id(args)
            attachment_id = str(args["attachment_id"])
            found = await self._download(module, record_id, attachment_id)
        except ZohoError as exc:
            return zoho_error_result(exc, self.ctx)
        except (ValueError, KeyError) as exc:
            return error_result(f"bad input: {exc}")
        if isinstance(found, str):
            return error_result(found)
        info, downloaded = found
        try:
            extracted = await extract_text_bounded(
                downloaded.content,
                downloaded.content_type,
                max_chars=self.max_chars,
                time_limit_seconds=self.time_limit_seconds,
                memory_limit_bytes=self.memory_limit_bytes,
            )
        except UnreadableAttachment as exc:
            self.ctx.saw_records([(attachment_id, info.file_name)])
            return error_result(
                f"cannot read attachment {attachment_id} ({info.file_name}): {exc}. "
                "Cite it by id and file name only; do not guess its content."
            )
        notes = self.ctx.saw_records([(attachment_id, extracted.text)])
        payload = {
            "attachment_id": attachment_id,
            "module": module,
            "record_id": record_id,
            "file_name": info.file_name,
            "content_type": downloaded.content_type,
            "size": downloaded.size,
            "extracted_by": extracted.method,
            "pages": extracted.pages,
            "truncated": extracted.truncated,
            "cite_as": f"zoho:Attachments/{attachment_id}",
            "text": extracted.text,
        }
        return crm_result(payload, tier="rest", warnings=notes)


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "ExtractedText",
    "UnreadableAttachment",
    "build_attachment_tools",
    "extract_text",
]
