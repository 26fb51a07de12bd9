"""Deterministic demo attachments: a text file and a small PDF (fpdf2) on the first accounts.

The same org always gets the same attachment ids, names and bytes (times follow the org's anchor),
and the known text of each file is listed in `GET /__sandbox/attachments/manifest`.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sandbox._attachment_files import ATTACHMENT_ID_BASE, Attachment, AttachmentFiles, file_id_for
from sandbox.clock import iso

SEEDED_ACCOUNTS = 3


def text_note(account_name: str) -> str:
    return (
        f"Meeting notes - {account_name}\n"
        "Attendees asked for a renewal quote before the end of the quarter.\n"
        "Open issue: two support tickets about delayed shipments are still unresolved.\n"
    )


def pdf_text(account_name: str) -> str:
    return f"Contract summary for {account_name}. Renewal term: 12 months. Annual value: USD 48,000."


PDF_DATE = datetime(2024, 1, 1, tzinfo=UTC)  # fixed, so the bytes depend only on the text


def build_pdf(text: str) -> bytes:
    from fpdf import FPDF  # imported here: fpdf costs ~1 s to import and is needed only on a cold seed

    pdf = FPDF()
    pdf.set_creation_date(PDF_DATE)
    pdf.set_producer("sergas sandbox")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def seed_key(store: Any) -> str:
    accounts = store.list_records("Accounts")[:SEEDED_ACCOUNTS]
    return "|".join([str(store.manifest.get("anchor", "")), *(account["id"] for account in accounts)])


def seed(store: Any, files: AttachmentFiles) -> list[dict[str, Any]]:
    """Attach the demo files; returns their manifest entries."""
    anchor: datetime = store.anchor
    accounts = store.list_records("Accounts")[:SEEDED_ACCOUNTS]
    plan: list[tuple[dict[str, Any], str]] = []
    for index, account in enumerate(accounts):
        plan += (
            [(account, "txt")]
            if index % 3 == 0
            else [(account, "pdf")]
            if index % 3 == 1
            else [(account, "txt"), (account, "pdf")]
        )
    entries = []
    for serial, (account, kind) in enumerate(plan, start=1):
        name = str(account.get("Account_Name") or account["id"])
        created = anchor - timedelta(days=20 - serial, hours=serial)
        if kind == "txt":
            known = text_note(name)
            content, file_name, content_type = known.encode("utf-8"), "meeting-notes.txt", "text/plain"
        else:
            known = pdf_text(name)
            content, file_name, content_type = (
                build_pdf(known),
                "contract-summary.pdf",
                "application/pdf",
            )
        attachment_id = str(ATTACHMENT_ID_BASE + serial)
        owner = account.get("Owner") or {}
        files.add(
            Attachment(
                id=attachment_id,
                module="Accounts",
                record_id=account["id"],
                parent_name=name,
                file_name=file_name,
                content_type=content_type,
                size=len(content),
                created_time=iso(created),
                modified_time=iso(created),
                owner=owner,
                file_id=file_id_for(attachment_id, content),
                seeded=True,
            ),
            content,
        )
        entries.append(
            {
                "id": attachment_id,
                "module": "Accounts",
                "record_id": account["id"],
                "account_name": name,
                "file_name": file_name,
                "content_type": content_type,
                "size": len(content),
                "sha256": hashlib.sha256(content).hexdigest(),
                "known_text": known.strip(),
            }
        )
    return entries
