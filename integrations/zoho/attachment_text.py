"""The text of a downloaded attachment (PDF, text, HTML), extracted in a worker process with a time and
a memory limit, so that no file can stall the event loop every agent session of the process shares.

A 25 KB PDF can hold a content stream that inflates to millions of drawing operators (tens of minutes
of pypdf's pure-Python parsing) or gigabytes. ``extract_text_bounded`` runs ``extract_text`` in a fresh
``python`` child (waited on by a thread: the event loop never blocks), whose address space is capped
with ``RLIMIT_AS`` (and CPU time with ``RLIMIT_CPU`` as a backstop); the child is killed at the time
limit. PDFs are read page by page and stop once the character cap is reached. A file over a limit is
refused with the reason (``UnreadableAttachment``), like an image or an encrypted PDF.
"""

from __future__ import annotations

import asyncio
import io
import json
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from pydantic import BaseModel

DEFAULT_MAX_CHARS = 20_000
MAX_PDF_PAGES = 100
DEFAULT_TIME_LIMIT_SECONDS = 20.0
DEFAULT_MEMORY_LIMIT_BYTES = 768 * 1024 * 1024
TEXT_TYPES = ("application/json", "application/xml", "application/csv", "application/x-yaml")
_ROOT = str(Path(__file__).resolve().parents[2])


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


def _pdf_text(content: bytes, max_chars: int) -> tuple[str, int]:
    """The text of the PDF's pages, page by page, stopping once ``max_chars`` are in hand."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    texts: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableAttachment("it is an encrypted (password-protected) PDF")
        pages = reader.pages
        got = 0
        for page in list(pages)[:MAX_PDF_PAGES]:
            text = (page.extract_text() or "").strip()
            texts.append(text)
            got += len(text)
            if got > max_chars:
                break
    except (UnreadableAttachment, MemoryError):
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableAttachment(f"the PDF could not be parsed ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises assorted errors on broken or encrypted files
        raise UnreadableAttachment(f"the PDF could not be read ({type(exc).__name__})") from None
    text = "\n\n".join(t for t in texts if t)
    if not text:
        raise UnreadableAttachment("the PDF has no text layer (scanned pages or images only)")
    return text, len(pages)


def extract_text(content: bytes, content_type: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> ExtractedText:
    """Text of a PDF, a text file or an HTML page (in this process); ``UnreadableAttachment`` says why not."""
    kind = content_type.split(";", 1)[0].strip().lower()
    pages: int | None = None
    if kind == "application/pdf" or content[:5] == b"%PDF-":
        text, pages = _pdf_text(content, max_chars)
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


def _limit_self(memory_bytes: int, cpu_seconds: float) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    cpu = int(cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def _worker_main() -> None:
    """The child: limits itself, reads the file on stdin, writes one JSON answer on stdout."""
    content_type, max_chars, memory_bytes, cpu_seconds = sys.argv[1:5]
    content = sys.stdin.buffer.read()
    answer: dict[str, object]
    try:
        _limit_self(int(memory_bytes), float(cpu_seconds))
        answer = {"ok": extract_text(content, content_type, max_chars=int(max_chars)).model_dump()}
    except UnreadableAttachment as exc:
        answer = {"unreadable": str(exc)}
    except MemoryError:
        answer = {"unreadable": f"reading it needs more than the {int(memory_bytes) // 2**20} MB memory limit"}
    sys.stdout.write(json.dumps(answer))


_CHILD = (
    f"import sys; sys.path.insert(0, {_ROOT!r}); from integrations.zoho.attachment_text import _worker_main as m; m()"
)


async def extract_text_bounded(
    content: bytes,
    content_type: str,
    *,
    max_chars: int = DEFAULT_MAX_CHARS,
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS,
    memory_limit_bytes: int = DEFAULT_MEMORY_LIMIT_BYTES,
) -> ExtractedText:
    """``extract_text`` in a worker process with a time and a memory limit (``UnreadableAttachment``
    when the file exceeds either, saying which)."""
    limits = [content_type, str(max_chars), str(memory_limit_bytes), str(time_limit_seconds)]
    try:  # a thread waits on the child (subprocess.run kills it at the timeout); the loop never blocks
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-c", _CHILD, *limits],
            input=content,
            capture_output=True,
            timeout=time_limit_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UnreadableAttachment(
            f"reading it takes longer than the {time_limit_seconds:g}-second limit (a very complex or hostile file)"
        ) from None
    out = done.stdout
    try:
        answer = json.loads(out)
    except ValueError:  # the child died: killed by a limit (memory, CPU) or crashed in the parser
        raise UnreadableAttachment(
            f"reading it exceeded the worker's limits ({memory_limit_bytes // 2**20} MB, "
            f"{time_limit_seconds:g} s; exit code {done.returncode})"
        ) from None
    if "unreadable" in answer:
        raise UnreadableAttachment(str(answer["unreadable"]))
    return ExtractedText.model_validate(answer["ok"])


__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_MEMORY_LIMIT_BYTES",
    "DEFAULT_TIME_LIMIT_SECONDS",
    "ExtractedText",
    "UnreadableAttachment",
    "extract_text",
    "extract_text_bounded",
]
