"""The official zohocrmsdk8-0 SDK, unmodified, against the sandbox: initialize, page past 2,000 with
page_token, COQL, related records, create a Task and a Note, update an Account, read back, faults."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sandbox_sdk_support import SandboxDataCenter, init_sdk
from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.crm.api import HeaderMap, ParameterMap
from zohocrmsdk.src.com.zoho.crm.api.coql import BodyWrapper as CoqlBody
from zohocrmsdk.src.com.zoho.crm.api.coql import CoqlOperations
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.modules import MinifiedModule
from zohocrmsdk.src.com.zoho.crm.api.notes import BodyWrapper as NotesBody
from zohocrmsdk.src.com.zoho.crm.api.notes import Note, NotesOperations, ParentId
from zohocrmsdk.src.com.zoho.crm.api.record import (
    APIException,
    BodyWrapper,
    GetRecordsParam,
    Record,
    RecordOperations,
    SuccessResponse,
)
from zohocrmsdk.src.com.zoho.crm.api.related_records import GetRelatedRecordsParam, RelatedRecordsOperations
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig
from zohocrmsdk.src.com.zoho.crm.api.util import Choice

from sandbox.embedded import RunningSandbox, start_sandbox

pytestmark = pytest.mark.slow
ANCHOR = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningSandbox, Path]]:
    workdir = tmp_path_factory.mktemp("sdk")
    with start_sandbox(workdir / "sandbox", accounts=2300, seed=11, anchor=ANCHOR) as sb:
        init_sdk(sb, workdir)
        yield sb, workdir


def _records(resp: Any) -> list[Record]:
    assert resp.get_status_code() == 200, resp.get_status_code()
    return list(resp.get_object().get_data())


def test_initialize_fetches_user_and_org(big: tuple[RunningSandbox, Path]) -> None:
    sb, _ = big
    by_endpoint = sb.stats()["by_endpoint"]
    assert "GET /crm/v8/users" in by_endpoint and "GET /crm/v8/org" in by_endpoint


def test_reads_every_account_past_2000_with_page_token(big: tuple[RunningSandbox, Path]) -> None:
    sb, _ = big
    ops = RecordOperations("Accounts")
    seen: list[str] = []
    page, token = 1, None
    calls = 0
    while True:
        params = ParameterMap()
        params.add(GetRecordsParam.fields, "Account_Name,Owner,Annual_Revenue,Last_Activity_Time")
        params.add(GetRecordsParam.per_page, 200)
        if token:
            params.add(GetRecordsParam.page_token, token)
        else:
            params.add(GetRecordsParam.page, page)
        resp = ops.get_records(params, HeaderMap())
        calls += 1
        wrapper = resp.get_object()
        seen += [str(r.get_id()) for r in wrapper.get_data()]
        info = wrapper.get_info()
        if not info.get_more_records():
            break
        if page < 10:
            page += 1
        else:
            token = info.get_next_page_token()
            assert token
    assert calls == 12
    assert len(seen) == len(set(seen)) == 2300 == sb.store.count("Accounts")


def test_page_eleven_without_token_is_refused(big: tuple[RunningSandbox, Path]) -> None:
    params = ParameterMap()
    params.add(GetRecordsParam.fields, "Account_Name")
    params.add(GetRecordsParam.page, 11)
    resp = RecordOperations("Accounts").get_records(params, HeaderMap())
    assert resp.get_status_code() == 400
    assert resp.get_object().get_code().get_value() == "DISCRETE_PAGINATION_LIMIT_EXCEEDED"


def test_coql_with_lookup_columns(big: tuple[RunningSandbox, Path]) -> None:
    body = CoqlBody()
    body.set_select_query(
        "select Last_Name, Email, Account_Name, Account_Name.Account_Name from Contacts "
        "where Account_Name.Annual_Revenue >= 1000000 and Email_Opt_Out = false "
        "order by Last_Name limit 0, 50"
    )
    resp = CoqlOperations().get_records(body)
    rows = _records(resp)
    assert len(rows) == 50
    first = rows[0]
    account = first.get_key_value("Account_Name")
    account_id = account["id"] if isinstance(account, dict) else account.get_id()  # COQL rows carry no metadata
    stored = big[0].store.get("Accounts", str(account_id))
    assert stored is not None and stored["Annual_Revenue"] >= 1_000_000
    assert first.get_key_value("Account_Name.Account_Name") == stored["Account_Name"]


def renewal_task_on(account_id: int) -> BodyWrapper:
    """The SDK's body creating one high-priority task on the account (What_Id and $se_module)."""
    task = Record()
    task.add_key_value("Subject", "Send the renewal proposal")
    task.add_key_value("Due_Date", datetime(2025, 7, 1).date())
    task.add_key_value("Status", Choice("Not Started"))
    task.add_key_value("Priority", Choice("High"))
    what = Record()
    what.set_id(account_id)
    task.add_key_value("What_Id", what)
    task.add_key_value("$se_module", "Accounts")
    body = BodyWrapper()
    body.set_data([task])
    return body


def call_recap_on(account_id: int) -> NotesBody:
    """The SDK's body creating one note under the account."""
    note = Note()
    note.set_note_title("Call recap")
    note.set_note_content("Walked through the proposal.")
    parent = ParentId()
    parent.set_id(account_id)
    module = MinifiedModule()
    module.set_api_name("Accounts")
    parent.set_module(module)
    note.set_parent_id(parent)
    notes_body = NotesBody()
    notes_body.set_data([note])
    return notes_body


def test_related_records_create_task_note_update_and_read_back(big: tuple[RunningSandbox, Path]) -> None:
    sb, _ = big
    account = next(a for a in sb.store.list_records("Accounts") if sb.store.count("Contacts"))
    account_id = int(account["id"])

    params = ParameterMap()
    params.add(GetRelatedRecordsParam.fields, "Last_Name,Email,Account_Name")
    related = RelatedRecordsOperations("Contacts", "Accounts").get_related_records(account_id, params, HeaderMap())
    contacts = _records(related)
    expected = [c["id"] for c in sb.store.list_records("Contacts") if c["Account_Name"]["id"] == account["id"]]
    assert sorted(str(c.get_id()) for c in contacts) == sorted(expected)

    created = RecordOperations("Tasks").create_records(renewal_task_on(account_id), HeaderMap())
    assert created.get_status_code() == 201
    result = created.get_object().get_data()[0]
    assert isinstance(result, SuccessResponse), result
    task_id = str(result.get_details()["id"])
    stored_task = sb.store.get("Tasks", task_id)
    assert stored_task is not None and stored_task["What_Id"]["id"] == account["id"]
    assert stored_task["$se_module"] == "Accounts"

    note_resp = NotesOperations().create_notes(call_recap_on(account_id))
    assert note_resp.get_status_code() == 201
    note_result = note_resp.get_object().get_data()[0]
    assert type(note_result).__name__ == "SuccessResponse", note_result
    note_id = str(note_result.get_details()["id"])
    assert sb.store.get("Notes", note_id)["Parent_Id"]["id"] == account["id"]  # type: ignore[index]

    update = Record()
    update.set_id(account_id)
    update.add_key_value("Rating", Choice("Hot"))
    update_body = BodyWrapper()
    update_body.set_data([update])
    updated = RecordOperations("Accounts").update_records(update_body, HeaderMap())
    assert updated.get_status_code() == 200
    assert isinstance(updated.get_object().get_data()[0], SuccessResponse)

    back = RecordOperations("Accounts").get_record(account_id, ParameterMap(), HeaderMap())
    record = _records(back)[0]
    assert record.get_key_value("Rating").get_value() == "Hot"
    assert record.get_key_value("Last_Activity_Time") >= datetime.now(UTC).replace(microsecond=0).replace(
        second=0
    ) - __import__("datetime").timedelta(minutes=2)
    # an account's tasks by COQL on What_Id: Zoho has no Tasks related list on Accounts
    query = CoqlBody()
    query.set_select_query(f"select Subject from Tasks where What_Id = '{account_id}' limit 200")
    tasks = CoqlOperations().get_records(query)
    assert task_id in {str(t.get_id()) for t in _records(tasks)}


def test_sdk_sees_faults_as_zoho_shows_them(big: tuple[RunningSandbox, Path]) -> None:
    sb, workdir = big
    ops = RecordOperations("Accounts")
    params = ParameterMap()
    params.add(GetRecordsParam.fields, "Account_Name")
    params.add(GetRecordsParam.per_page, 5)
    sb.inject_fault(kind="429", count=1, path_prefix="/crm/v8/Accounts")
    resp = ops.get_records(params, HeaderMap())
    assert resp.get_status_code() == 429
    assert isinstance(resp.get_object(), APIException)
    assert resp.get_object().get_code().get_value() == "TOO_MANY_REQUESTS"

    sb.inject_fault(kind="500", count=1, path_prefix="/crm/v8/Accounts")
    resp = ops.get_records(params, HeaderMap())
    assert resp.get_status_code() == 500

    sb.inject_fault(kind="expire_tokens")
    resp = ops.get_records(params, HeaderMap())
    assert resp.get_status_code() == 401
    assert resp.get_object().get_code().get_value() == "INVALID_TOKEN"
    # the SDK never refreshes after a 401: a fresh initialize gets a new token and works again
    (workdir / "sdk-tokens.csv").unlink()
    init_sdk(sb, workdir)
    assert ops.get_records(params, HeaderMap()).get_status_code() == 200


def test_bad_refresh_token_is_invalid_code(big: tuple[RunningSandbox, Path], tmp_path: Path) -> None:
    sb, workdir = big
    from zohocrmsdk.src.com.zoho.crm.api.exception import SDKException

    token = OAuthToken(client_id=sb.client_id, client_secret=sb.client_secret, refresh_token="1000.wrong.token")
    (tmp_path / "res").mkdir()
    with pytest.raises(SDKException) as info:
        Initializer.initialize(
            environment=SandboxDataCenter(sb.base_url).environment(),
            token=token,
            store=FileStore(str(tmp_path / "t.csv")),
            sdk_config=SDKConfig(update_api_domain=False),
            resource_path=str(tmp_path / "res"),
        )
    assert "invalid_code" in str(info.value)
    init_sdk(sb, workdir)
