"""Bounded parsing: a small PDF planted through the sandbox's REST API whose content stream inflates to
hundreds of thousands of drawing operators (tens of seconds of pypdf parsing, minutes when larger) is
refused at the worker's time limit, while another session's tool calls on the same event loop keep
being answered; a file over the memory limit is refused with that reason."""

from __future__ import annotations

import asyncio
import io
import time
import zlib
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject
from sandbox_rest import SandboxRest

from agents.run_context import RunContext
from agents.testing import ListAudit, ListQueue
from agents.tools import build_attachment_tools, build_zoho_tools
from sandbox._attachment_seed import build_pdf
from sandbox.embedded import RunningSandbox

TIME_LIMIT = 2.0


def slow_pdf(operators: int = 300_000) -> bytes:
    """A one-page PDF of a few KB whose compressed content stream draws ``operators`` text runs."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = StreamObject()
    stream._data = zlib.compress(b"BT /F1 1 Tf " + b"(a) Tj 0 0 Td " * operators + b"ET", 9)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream[NameObject("/Length")] = NumberObject(len(stream._data))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def handlers(gateway: Any, **limits: Any) -> dict[str, Any]:
    ctx = RunContext(run_id="r", enqueue=ListQueue(), audit_sink=ListAudit())
    tools = [*build_zoho_tools(gateway, ctx), *build_attachment_tools(gateway, ctx, **limits)]
    return {t.name: t.handler for t in tools}


async def test_a_slow_pdf_is_refused_at_the_time_limit_while_other_calls_go_on(
    sandbox: RunningSandbox, gateway: Any
) -> None:
    content = slow_pdf()
    assert len(content) < 25_000
    account = str(sandbox.store.list_records("Accounts")[5]["id"])
    other = str(sandbox.store.list_records("Accounts")[6]["id"])
    attachment = SandboxRest(sandbox).upload("Accounts", account, "contract.pdf", content, "application/pdf")
    tools = handlers(gateway, time_limit_seconds=TIME_LIMIT)
    answered: list[float] = []
    done = asyncio.Event()

    async def other_session() -> None:  # another agent's tool calls on the same loop
        while not done.is_set():
            result = await tools["account_360"]({"account_id": other})
            assert "is_error" not in result
            answered.append(time.monotonic())
            await asyncio.sleep(0.05)

    beside = asyncio.create_task(other_session())
    started = time.monotonic()
    result = await tools["read_attachment"]({"account_id": account, "attachment_id": attachment})
    took = time.monotonic() - started
    done.set()
    await beside
    assert result.get("is_error") is True and "2-second limit" in result["content"][0]["text"], result
    assert took < 12, f"refused after {took:.1f}s"  # parsing it in full takes far longer (tens of seconds)
    during = [t for t in answered if t <= started + took]
    gaps = [b - a for a, b in zip([started, *during], during, strict=False)]
    # the loop never stalled on the parse: a parse blocking it until the limit would leave a gap of the whole limit
    assert len(during) >= 3 and max(gaps) < TIME_LIMIT, gaps


async def test_a_file_over_the_memory_limit_is_refused_with_the_reason(sandbox: RunningSandbox, gateway: Any) -> None:
    account = str(sandbox.store.list_records("Accounts")[5]["id"])
    pdf = build_pdf("Renewal terms: 12 months, 5% uplift.")
    attachment = SandboxRest(sandbox).upload("Accounts", account, "terms.pdf", pdf, "application/pdf")
    tight = handlers(gateway, memory_limit_bytes=48 * 2**20)
    refused = await tight["read_attachment"]({"account_id": account, "attachment_id": attachment})
    assert refused.get("is_error") is True and "MB" in refused["content"][0]["text"], refused
    read = await handlers(gateway)["read_attachment"]({"account_id": account, "attachment_id": attachment})
    assert "is_error" not in read and "5% uplift" in read["content"][0]["text"]
