"""Bulk Read on the sandbox: the official zohocrmsdk8-0 SDK and raw httpx, zip contents vs the store."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_rest import access_token
from sandbox_sdk_support import init_sdk

from sandbox import _bulk_criteria as criteria_rules
from sandbox.embedded import RunningSandbox


def _token(sandbox: RunningSandbox) -> dict[str, str]:
    return {"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}


def _wait_completed(client: httpx.Client, job_id: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    seen = []
    while time.monotonic() < deadline:
        detail = client.get(f"/crm/bulk/v8/read/{job_id}").json()["data"][0]
        seen.append(detail["state"])
        if detail["state"] == "COMPLETED":
            detail["seen_states"] = seen
            return dict(detail)
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never completed: {seen}")


def _rows(archive: bytes, job_id: str) -> list[dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
        assert bundle.namelist() == [f"{job_id}.csv"]
        text = bundle.read(f"{job_id}.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def api(sandbox: RunningSandbox) -> Any:
    with httpx.Client(base_url=sandbox.base_url, headers=_token(sandbox), timeout=10) as client:
        yield client


def test_job_lifecycle_and_zip_rows_match_the_store(api: httpx.Client, sandbox: RunningSandbox) -> None:
    created = api.post(
        "/crm/bulk/v8/read",
        json={
            "query": {
                "module": {"api_name": "Accounts"},
                "fields": ["Account_Name", "Owner", "Modified_Time"],
            },
        },
    )
    assert created.status_code == 201
    body = created.json()
    assert body["info"] == {}
    item = body["data"][0]
    assert (item["status"], item["code"], item["message"]) == (
        "success",
        "ADDED_SUCCESSFULLY",
        "Added successfully.",
    )
    assert item["details"]["operation"] == "read" and item["details"]["state"] == "ADDED"
    assert set(item["details"]["created_by"]) >= {"id", "name"}
    job_id = item["details"]["id"]

    detail = _wait_completed(api, job_id)
    assert detail["seen_states"][-1] == "COMPLETED"
    result = detail["result"]
    assert result["download_url"] == f"/crm/bulk/v8/read/{job_id}/result"
    assert result["per_page"] == 200000 and result["more_records"] is False and result["count"] == 50
    assert detail["query"]["module"]["api_name"] == "Accounts"

    download = api.get(result["download_url"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    assert download.headers["content-disposition"] == f'attachment; filename="{job_id}.zip"'
    rows = _rows(download.content, job_id)
    assert list(rows[0]) == ["id", "Account_Name", "Owner", "Modified_Time"]
    store = {record["id"]: record for record in sandbox.store.list_records("Accounts")}
    assert {row["id"] for row in rows} == set(store)
    for row in rows:
        record = store[row["id"]]
        assert row["Account_Name"] == record["Account_Name"]
        assert row["Owner"] == record["Owner"]["id"]  # lookups are written as ids
        assert row["Modified_Time"] == record["Modified_Time"]
        assert "T" in row["Modified_Time"] and row["Modified_Time"][-6] in "+-"


def test_all_fields_when_fields_absent_and_criteria_between(api: httpx.Client, sandbox: RunningSandbox) -> None:
    records = sorted(sandbox.store.list_records("Accounts"), key=lambda r: r["Modified_Time"])
    low, high = records[10]["Modified_Time"], records[30]["Modified_Time"]
    criteria = {
        "group_operator": "and",
        "group": [
            {"field": {"api_name": "Modified_Time"}, "comparator": "between", "value": [low, high]},
            {"field": {"api_name": "Account_Name"}, "comparator": "not_equal", "value": "${EMPTY}"},
        ],
    }
    job_id = api.post(
        "/crm/bulk/v8/read",
        json={
            "query": {"module": {"api_name": "Accounts"}, "criteria": criteria},
        },
    ).json()["data"][0]["details"]["id"]
    detail = _wait_completed(api, job_id)
    rows = _rows(api.get(detail["result"]["download_url"]).content, job_id)
    expected = {r["id"] for r in records if low <= r["Modified_Time"] <= high}
    assert expected and {row["id"] for row in rows} == expected
    assert detail["result"]["count"] == len(expected)
    header = list(rows[0])
    assert header[0] == "id" and {"Account_Name", "Industry", "Owner", "Created_Time"} <= set(header)


def test_errors_unknown_job_bad_module_bad_criteria_and_auth(api: httpx.Client, sandbox: RunningSandbox) -> None:
    for path in ("/crm/bulk/v8/read/123456789", "/crm/bulk/v8/read/123456789/result"):
        missing = api.get(path)
        assert missing.status_code == 404 and missing.json()["code"] == "RESOURCE_NOT_FOUND"
    bad_module = api.post("/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Nope"}}})
    assert bad_module.status_code == 400 and bad_module.json()["code"] == "INVALID_DATA"
    bad_comparator = api.post(
        "/crm/bulk/v8/read",
        json={
            "query": {
                "module": {"api_name": "Accounts"},
                "criteria": {"field": {"api_name": "Industry"}, "comparator": "like", "value": "x"},
            }
        },
    )
    assert bad_comparator.status_code == 400
    assert bad_comparator.json()["details"]["json_path"] == "$.query.criteria.comparator"
    anonymous = httpx.post(f"{sandbox.base_url}/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Accounts"}}})
    assert anonymous.status_code == 401


def test_more_than_ten_downloads_a_minute_is_429(api: httpx.Client) -> None:
    job_id = api.post("/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Deals"}}}).json()["data"][0][
        "details"
    ]["id"]
    url = _wait_completed(api, job_id)["result"]["download_url"]
    statuses = [api.get(url).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10
    assert statuses[10] == 429


def test_create_job_costs_fifty_credits(api: httpx.Client, sandbox: RunningSandbox) -> None:
    api.post("/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Contacts"}}})
    entry = sandbox.state.stats.snapshot()["by_endpoint"]["POST /crm/bulk/v8/read"]
    assert entry == {"calls": 1, "credits": 50}


def test_criteria_rules_directly() -> None:
    record = {"id": "1", "Amount": 500.0, "Stage": "Closed Won", "Owner": {"id": "7", "name": "A"}, "Tag": []}
    leaf = lambda c, v, f="Amount": {"field": {"api_name": f}, "comparator": c, "value": v}  # noqa: E731
    assert criteria_rules.matches(record, leaf("greater_equal", 500))
    assert not criteria_rules.matches(record, leaf("less_than", "100"))
    assert criteria_rules.matches(record, leaf("in", ["x", "closed won"], "Stage"))
    assert criteria_rules.matches(record, leaf("equal", "7", "Owner"))
    assert criteria_rules.matches(record, leaf("equal", "${EMPTY}", "Tag"))
    assert criteria_rules.matches(record, leaf("ends_with", "WON", "Stage"))
    assert criteria_rules.matches(record, leaf("not_between", [600, 900]))
    with pytest.raises(criteria_rules.CriteriaError):
        criteria_rules.validate(leaf("between", [1]))


# ---------------------------------------------------------------------------- the official SDK
def closed_won_deals_csv() -> Any:
    """The SDK's request body for a bulk read of the Closed Won deals' name, stage, amount and account, as CSV."""
    from zohocrmsdk.src.com.zoho.crm.api.bulk_read import BodyWrapper, Criteria, Query
    from zohocrmsdk.src.com.zoho.crm.api.fields import MinifiedField
    from zohocrmsdk.src.com.zoho.crm.api.modules import MinifiedModule
    from zohocrmsdk.src.com.zoho.crm.api.util import Choice

    query = Query()
    module = MinifiedModule()
    module.set_api_name("Deals")
    query.set_module(module)
    query.set_fields(["Deal_Name", "Stage", "Amount", "Account_Name"])
    query.set_page(1)
    criteria = Criteria()
    field_ref = MinifiedField()
    field_ref.set_api_name("Stage")
    criteria.set_field(field_ref)
    criteria.set_comparator(Choice("equal"))
    criteria.set_value("Closed Won")
    query.set_criteria(criteria)
    body = BodyWrapper()
    body.set_query(query)
    body.set_file_type("csv")
    return body


@pytest.mark.slow
def test_official_sdk_create_status_download(sandbox: RunningSandbox, tmp_path: Path) -> None:
    from zohocrmsdk.src.com.zoho.crm.api.bulk_read import (
        ActionWrapper,
        BulkReadOperations,
        FileBodyWrapper,
        ResponseWrapper,
        SuccessResponse,
    )

    init_sdk(sandbox, tmp_path, find_user=False)
    operations = BulkReadOperations()
    created = operations.create_bulk_read_job(closed_won_deals_csv())
    assert created.get_status_code() == 201
    wrapper = created.get_object()
    assert isinstance(wrapper, ActionWrapper)
    success = wrapper.get_data()[0]
    assert isinstance(success, SuccessResponse)
    assert success.get_code().get_value() == "ADDED_SUCCESSFULLY"
    job_id = int(success.get_details()["id"])

    deadline = time.monotonic() + 60
    state = None
    while time.monotonic() < deadline:
        details = operations.get_bulk_read_job_details(job_id)
        assert details.get_status_code() == 200
        response = details.get_object()
        assert isinstance(response, ResponseWrapper)
        job = response.get_data()[0]
        state = job.get_state().get_value()
        if state == "COMPLETED":
            break
        time.sleep(0.1)
    assert state == "COMPLETED"
    result = job.get_result()
    assert result.get_per_page() == 200000
    expected = {r["id"] for r in sandbox.store.list_records("Deals") if r["Stage"] == "Closed Won"}
    assert result.get_count() == len(expected) > 0

    downloaded = operations.download_result(job_id)
    assert downloaded.get_status_code() == 200
    file_body = downloaded.get_object()
    assert isinstance(file_body, FileBodyWrapper)
    stream = file_body.get_file()
    assert stream.get_name() == f"{job_id}.zip"
    archive = b"".join(chunk for chunk in stream.get_stream())
    rows = _rows(archive, str(job_id))
    assert {row["id"] for row in rows} == expected
    assert all(row["Stage"] == "Closed Won" for row in rows)
    accounts = {r["id"] for r in sandbox.store.list_records("Accounts")}
    assert all(row["Account_Name"] in accounts for row in rows if row["Account_Name"])
