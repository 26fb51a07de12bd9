"""The Data Scout's attachment reads: list a record's files, and read one file's text.

``read_attachment`` downloads at most ``max_bytes`` (checked against the listed size before the
download, and again after it), extracts text from PDFs (pypdf) and text files (UTF-8; HTML without its
tags), and refuses clearly what it cannot read (images, other binaries, encrypted or image-only PDFs).
Extracted text is CRM data like any other read: wrapped as data, cited by the attachment id, and passed
through ``ctx.saw_records`` so instruction-like text marks the run's proposals as suspicious.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

from claude_agent_sdk import SdkMcpTool, ToolAnnotations, tool
from pydantic import BaseModel

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, crm_result, error_result, to_jsonable
from integrations.zoho.attachments import ATTACHMENT_MODULES, AttachmentFile
from integrations.zoho.errors import ZohoError
from integrations.zoho.gateway import ZohoGateway

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_CHARS = 20_000
MAX_PDF_PAGES = 100
TEXT_TYPES = ("application/json", "application/xml", "application/csv", "application/x-yaml")
READ_ONLY = ToolAnnotations(readOnlyHint=True, maxResultSizeChars=200_000)


class UnreadableAttachment(Exception):
    """Why a file's text cannot be read; the message is meant for the model."""


class ExtractedText(BaseModel):
    text: str
    method: str  # "pdf", "text", "html"
    pages: int | None = None
    truncated: bool = False


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "tr", "h1", "h2", "h3", "h4", "table"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _decode_text(content: bytes) -> str:
    if b"\x00" in content[:8192]:
        raise UnreadableAttachment("it holds binary data although it is labelled as text")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableAttachment("it is not valid UTF-8 text") from None


def _pdf_text(content: bytes) -> tuple[str, int]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableAttachment("it is an encrypted (password-protected) PDF")
        pages = reader.pages
        texts = [(page.extract_text() or "") for page in list(pages)[:MAX_PDF_PAGES]]
    except UnreadableAttachment:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableAttachment(f"the PDF could not be parsed ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises assorted errors on broken or encrypted files
        raise UnreadableAttachment(f"the PDF could not be read ({type(exc).__name__})") from None
    text = "\n\n".join(t.strip() for t in texts if t.strip())
    if not text:
        raise UnreadableAttachment("the PDF has no text layer (scanned pages or images only)")
    return text, len(pages)


def extract_text(content: bytes, content_type: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> ExtractedText:
    """Text of a PDF, a text file or an HTML page; ``UnreadableAttachment`` says why not otherwise."""
    kind = content_type.split(";", 1)[0].strip().lower()
    pages: int | None = None
    if kind == "application/pdf" or content[:5] == b"%PDF-":
        text, pages = _pdf_text(content)
        method = "pdf"
    elif kind in ("text/html", "application/xhtml+xml"):
        parser = _HtmlText()
        parser.feed(_decode_text(content))
        text, method = "".join(parser.parts), "html"
    elif kind.startswith("text/") or kind in TEXT_TYPES:
        text, method = _decode_text(content), "text"
    elif kind.startswith("image/"):
        raise UnreadableAttachment(f"it is an image ({kind}); images are not read")
    else:
        raise UnreadableAttachment(f"its type {kind} is not readable (only PDF and text files are)")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    flat = "\n".join(line for line in lines if line).strip()
    truncated = len(flat) > max_chars
    return ExtractedText(text=flat[:max_chars], method=method, pages=pages, truncated=truncated)


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
    gateway: ZohoGateway, ctx: RunContext, *, max_bytes: int = DEFAULT_MAX_BYTES, max_chars: int = DEFAULT_MAX_CHARS
) -> list[SdkMcpTool[Any]]:
    """``list_attachments`` and ``read_attachment`` over ``gateway`` (both read-only)."""

    async def list_attachments(args: dict[str, Any]) -> ToolResult:
        try:
            module, record_id = _module(args), _record_id(args)
            files = await gateway.list_attachments(module, record_id)
        except ZohoError as exc:
            return error_result(f"{exc} — {exc.hint}")
        except ValueError as exc:
            return error_result(f"bad input: {exc}")
        notes = ctx.saw_records((f.id, f.file_name) for f in files)
        rows = [{**to_jsonable(f), "readable_here": f.size is None or f.size <= max_bytes} for f in files]
        return crm_result(
            {
                "module": module,
                "record_id": record_id,
                "attachments": rows,
                "count": len(rows),
                "read_limit_bytes": max_bytes,
            },
            tier="rest",
            warnings=notes,
        )

    async def read_attachment(args: dict[str, Any]) -> ToolResult:
        try:
            module, record_id = _module(args), _record_id(args)
            attachment_id = str(args["attachment_id"])
            listed = {f.id: f for f in await gateway.list_attachments(module, record_id)}
            info = listed.get(attachment_id)
            if info is None:
                return error_result(
                    f"record {module}/{record_id} has no attachment {attachment_id}; call list_attachments for its ids"
                )
            if info.size is not None and info.size > max_bytes:
                return error_result(
                    f"not read: attachment {attachment_id} ({info.file_name}) is {info.size:,} "
                    f"bytes, over the {max_bytes:,}-byte read limit. Cite it by id and name only."
                )
            downloaded: AttachmentFile = await gateway.download_attachment(
                module, record_id, attachment_id, max_bytes=max_bytes
            )
        except ZohoError as exc:
            return error_result(f"{exc} — {exc.hint}")
        except (ValueError, KeyError) as exc:
            return error_result(f"bad input: {exc}")
        try:
            extracted = extract_text(downloaded.content, downloaded.content_type, max_chars=max_chars)
        except UnreadableAttachment as exc:
            ctx.saw_records([(attachment_id, info.file_name)])
            return error_result(
                f"cannot read attachment {attachment_id} ({info.file_name}): {exc}. "
                "Cite it by id and file name only; do not guess its content."
            )
        notes = ctx.saw_records([(attachment_id, extracted.text)])
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

    string = {"type": "string"}
    where = {"record_id": string, "account_id": string, "module": {"type": "string", "enum": list(ATTACHMENT_MODULES)}}
    return [
        tool(
            "list_attachments",
            "Files attached to a record (an account by default): ids, names, sizes.",
            {"type": "object", "properties": where},
            annotations=READ_ONLY,
        )(list_attachments),
        tool(
            "read_attachment",
            "The text of one attached PDF or text file (cite it by attachment id). "
            f"Files over {max_bytes // (1024 * 1024)} MB, images and other binaries are refused.",
            {"type": "object", "properties": {**where, "attachment_id": string}, "required": ["attachment_id"]},
            annotations=READ_ONLY,
        )(read_attachment),
    ]


__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_CHARS",
    "ExtractedText",
    "UnreadableAttachment",
    "build_attachment_tools",
    "extract_text",
]
