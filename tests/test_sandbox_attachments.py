"""Attachments on the sandbox: seeded demo files (text + PDF), upload, download, delete, 20 MB limit."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sandbox_rest import access_token

from sandbox.embedded import RunningSandbox


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    token = access_token(sandbox)
    with httpx.Client(
        base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"}, timeout=30
    ) as client:
        yield client


def test_seeded_files_are_listed_downloadable_and_match_the_manifest(
    api: httpx.Client, sandbox: RunningSandbox
) -> None:
    manifest = httpx.get(f"{sandbox.base_url}/__sandbox/attachments/manifest").json()["attachments"]
    kinds = {entry["content_type"] for entry in manifest}
    assert kinds == {"text/plain", "application/pdf"} and len(manifest) >= 3
    for entry in manifest:
        listed = api.get(f"/crm/v8/Accounts/{entry['record_id']}/Attachments")
        assert listed.status_code == 200
        rows = {row["id"]: row for row in listed.json()["data"]}
        row = rows[entry["id"]]
        assert row["File_Name"] == entry["file_name"] and row["Size"] == str(entry["size"])
        assert row["Parent_Id"] == {"name": entry["account_name"], "id": entry["record_id"]}
        assert {"Created_Time", "Modified_Time", "Owner", "$file_id"} <= set(row)
        download = api.get(f"/crm/v8/Accounts/{entry['record_id']}/Attachments/{entry['id']}")
        assert download.status_code == 200
        assert download.headers["content-type"].startswith(entry["content_type"])
        assert f'filename="{entry["file_name"]}"' in download.headers["content-disposition"]
        assert hashlib.sha256(download.content).hexdigest() == entry["sha256"]
        if entry["content_type"] == "application/pdf":
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
            assert entry["known_text"] in " ".join(text.split())
        else:
            assert download.content.decode("utf-8").strip() == entry["known_text"]


def test_seed_is_deterministic_across_sandboxes(sandbox: RunningSandbox, tmp_path: Any) -> None:
    from sandbox.embedded import start_sandbox

    first = httpx.get(f"{sandbox.base_url}/__sandbox/attachments/manifest").json()["attachments"]
    with start_sandbox(data_dir=tmp_path / "other", accounts=50, seed=7) as other:
        second = httpx.get(f"{other.base_url}/__sandbox/attachments/manifest").json()["attachments"]
    assert [(e["id"], e["record_id"], e["file_name"], e["sha256"]) for e in first] == [
        (e["id"], e["record_id"], e["file_name"], e["sha256"]) for e in second
    ]


def test_upload_download_delete_round_trip(api: httpx.Client, sandbox: RunningSandbox) -> None:
    seeded = {
        e["record_id"] for e in httpx.get(f"{sandbox.base_url}/__sandbox/attachments/manifest").json()["attachments"]
    }
    deal = next(d for d in sandbox.store.list_records("Deals") if d["id"] not in seeded)
    base = f"/crm/v8/Deals/{deal['id']}/Attachments"
    assert api.get(base).status_code == 204
    content = b"quarterly business review\n" * 100
    uploaded = api.post(base, files={"file": ("qbr.txt", content, "text/plain")})
    assert uploaded.status_code == 200
    result = uploaded.json()["data"][0]
    assert result["code"] == "SUCCESS" and result["status"] == "success"
    attachment_id = result["details"]["id"]

    listed = api.get(base).json()
    assert listed["info"]["count"] == 1 and listed["data"][0]["File_Name"] == "qbr.txt"
    assert listed["data"][0]["Size"] == str(len(content))
    assert api.get(f"{base}/{attachment_id}").content == content

    deleted = api.delete(f"{base}/{attachment_id}")
    assert deleted.status_code == 200 and deleted.json()["data"][0]["details"]["id"] == attachment_id
    assert api.get(base).status_code == 204
    gone = api.get(f"{base}/{attachment_id}")
    assert gone.status_code == 400 and gone.json()["code"] == "INVALID_DATA"


def test_an_upload_is_stamped_by_the_sandbox_clock(sandbox: RunningSandbox) -> None:
    """The sandbox's "now" (moved by a test to play days forward) stamps uploads like every other write."""
    moved = httpx.post(f"{sandbox.base_url}/__sandbox/clock", json={"advance_seconds": 3 * 86400}).json()
    headers = {"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}  # tokens made before have expired
    with httpx.Client(base_url=sandbox.base_url, headers=headers, timeout=30) as api:
        deal = sandbox.store.list_records("Deals")[0]
        base = f"/crm/v8/Deals/{deal['id']}/Attachments"
        attachment_id = api.post(base, files={"file": ("later.txt", b"x", "text/plain")}).json()["data"][0]["details"][
            "id"
        ]
        row = next(r for r in api.get(base).json()["data"] if r["id"] == attachment_id)
        stamped = datetime.fromisoformat(row["Created_Time"])
        assert abs((stamped - sandbox.store.now()).total_seconds()) < 300, (row["Created_Time"], moved)
        assert stamped - datetime.now(UTC) > timedelta(days=2)


def test_limits_and_errors(api: httpx.Client, sandbox: RunningSandbox) -> None:
    account = sandbox.store.list_records("Accounts")[7]
    base = f"/crm/v8/Accounts/{account['id']}/Attachments"
    too_big = api.post(base, files={"file": ("big.bin", b"\0" * (20 * 1024 * 1024 + 1), "application/octet-stream")})
    assert too_big.status_code == 413 and too_big.json()["code"] == "REQUEST_ENTITY_TOO_LARGE"
    no_file = api.post(base, files={"other": ("x.txt", b"x", "text/plain")})
    assert no_file.status_code == 400 and no_file.json()["code"] == "REQUIRED_PARAM_MISSING"
    unknown_parent = api.get("/crm/v8/Accounts/1234/Attachments")
    assert unknown_parent.status_code == 400 and unknown_parent.json()["code"] == "INVALID_DATA"
    assert httpx.get(f"{sandbox.base_url}{base}").status_code == 401
