"""The sandbox behaves as Zoho documents it (docs/ZOHO_FIDELITY.md, section "Records, notes, search,
related lists, COQL, scopes, MCP"): one test per row of that table, against the running sandbox."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_rest import access_token

from integrations.zoho.scope_probe import REQUIRED_SCOPES
from sandbox.embedded import RunningSandbox, start_sandbox
from sandbox.scopes import DEFAULT_SCOPES, grants, required_scopes

ROOT = Path(__file__).resolve().parent.parent


def _client(sb: RunningSandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.base_url, headers={"Authorization": f"Zoho-oauthtoken {access_token(sb)}"})


@pytest.fixture
def api(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with _client(sandbox) as client:
        yield client


@pytest.fixture
def admin_api(tmp_path: Path) -> Iterator[httpx.Client]:
    with start_sandbox(tmp_path / "admin", accounts=10, seed=7, profile="administrator") as sb, _client(sb) as client:
        yield client


def _coql(client: httpx.Client, query: str) -> httpx.Response:
    return client.post("/crm/v8/coql", json={"select_query": query})


# ----------------------------------------------------------------------------------------- scopes, profile
def test_readme_scope_list_is_the_sandbox_default() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"scope\s*`([^`]+)`", readme)
    assert listed is not None, "the README names the scopes to grant in one backticked list"
    assert tuple(listed.group(1).split(",")) == DEFAULT_SCOPES == REQUIRED_SCOPES  # sandbox, README, doctor


def test_scope_hierarchy() -> None:
    assert grants(["ZohoCRM.modules.ALL"], "ZohoCRM.modules.notes.READ")
    assert grants(["zohocrm.bulk.read"], "ZohoCRM.bulk.READ")
    assert not grants(["ZohoCRM.modules.accounts.READ"], "ZohoCRM.modules.notes.READ")
    assert not grants(["ZohoCRM.modules.ALL"], "ZohoSearch.securesearch.READ")
    assert required_scopes("GET", "/crm/v8/Accounts/search") == (
        "ZohoCRM.modules.accounts.READ",
        "ZohoSearch.securesearch.READ",
    )


def test_search_without_search_scope_is_scope_mismatch(tmp_path: Path) -> None:
    scopes = [s for s in DEFAULT_SCOPES if not s.startswith("ZohoSearch")]
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes=scopes) as sb, _client(sb) as client:
        # the token is minted fine; the call is refused
        refused = client.get("/crm/v8/Accounts/search", params={"word": "a"})
        assert refused.status_code == 401 and refused.json()["code"] == "OAUTH_SCOPE_MISMATCH"
        assert client.get("/crm/v8/Accounts", params={"fields": "Account_Name"}).status_code == 200


def test_each_family_checks_its_scope(tmp_path: Path) -> None:
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes="ZohoCRM.modules.ALL") as sb, _client(sb) as api:
        assert api.get("/crm/v8/Accounts", params={"fields": "Account_Name"}).status_code == 200
        for method, path in (
            ("POST", "/crm/v8/coql"),
            ("GET", "/crm/v8/users"),
            ("GET", "/crm/v8/org"),
            ("GET", "/crm/v8/settings/fields"),
            ("GET", "/crm/v8/actions/watch"),
            ("POST", "/crm/bulk/v8/read"),
        ):
            answer = api.request(method, path, json={} if method == "POST" else None)
            assert (answer.status_code, answer.json()["code"]) == (401, "OAUTH_SCOPE_MISMATCH"), path


def test_coql_needs_the_base_module_scope(tmp_path: Path) -> None:
    scopes = ["ZohoCRM.coql.READ", "ZohoCRM.modules.accounts.READ"]
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes=scopes) as sb, _client(sb) as api:
        assert _coql(api, "select id from Accounts where id is not null limit 1").status_code == 200
        refused = _coql(api, "select id from Deals where id is not null limit 1")
        assert refused.status_code == 401 and refused.json()["code"] == "OAUTH_SCOPE_MISMATCH"


def test_default_token_belongs_to_a_standard_profile_user(api: httpx.Client, admin_api: httpx.Client) -> None:
    me = api.get("/crm/v8/users", params={"type": "CurrentUser"}).json()["users"][0]
    assert me["profile"]["name"] == "Standard"
    admin = admin_api.get("/crm/v8/users", params={"type": "CurrentUser"}).json()["users"][0]
    assert admin["profile"]["name"] == "Administrator"


# ----------------------------------------------------------------------------------------- notes
def test_get_notes_lists_all_notes_for_a_standard_user(api: httpx.Client, sandbox: RunningSandbox) -> None:
    missing = api.get("/crm/v8/Notes")
    assert missing.status_code == 400 and missing.json()["code"] == "REQUIRED_PARAM_MISSING"
    seen: list[str] = []
    params: dict[str, Any] = {"fields": "Note_Content,Modified_Time", "sort_by": "Modified_Time", "sort_order": "asc"}
    page, token = 1, None
    while True:
        query = {**params, **({"page_token": token} if token else {"page": page}), "per_page": 200}
        body = api.get("/crm/v8/Notes", params=query).json()
        stamps = [row["Modified_Time"] for row in body["data"]]
        assert stamps == sorted(stamps)
        seen.extend(row["id"] for row in body["data"])
        if not body["info"]["more_records"]:
            break
        if page * 200 < 2000 and not token:
            page += 1
        else:
            token = body["info"]["next_page_token"]
    assert sorted(seen) == sorted(n["id"] for n in sandbox.store.list_records("Notes"))


def test_get_notes_if_modified_since(api: httpx.Client, sandbox: RunningSandbox) -> None:
    notes = sorted(sandbox.store.list_records("Notes"), key=lambda n: n["Modified_Time"])
    since = notes[-3]["Modified_Time"]
    body = api.get("/crm/v8/Notes", params={"fields": "id"}, headers={"If-Modified-Since": since}).json()
    assert {r["id"] for r in body["data"]} == {n["id"] for n in notes if n["Modified_Time"] > since}
    newest = notes[-1]["Modified_Time"]
    assert api.get("/crm/v8/Notes", params={"fields": "id"}, headers={"If-Modified-Since": newest}).status_code == 304


def test_notes_list_under_the_v2_era_reading(tmp_path: Path) -> None:
    """Off by default (v3-v8 pages do not restrict it); on request, the stricter reading for robustness."""
    with start_sandbox(tmp_path / "sb", accounts=5, seed=7, notes_list_admin_only=True) as sb, _client(sb) as api:
        refused = api.get("/crm/v8/Notes", params={"fields": "Note_Content"})
        assert refused.status_code == 403 and refused.json()["code"] == "NOT_SUPPORTED"
        account = sb.store.list_records("Accounts")[0]["id"]
        assert api.get(f"/crm/v8/Accounts/{account}/Notes", params={"fields": "Note_Content"}).status_code in (200, 204)


def test_recycle_bin_refuses_notes(api: httpx.Client) -> None:
    refused = api.get("/crm/v8/Notes/deleted")
    assert refused.status_code == 400 and refused.json()["code"] == "NOT_SUPPORTED"
    assert api.get("/crm/v8/Accounts/deleted").status_code in (200, 204)


def test_bulk_read_refuses_notes(api: httpx.Client) -> None:
    refused = api.post("/crm/bulk/v8/read", json={"query": {"module": {"api_name": "Notes"}}, "file_type": "csv"})
    assert refused.status_code == 400 and refused.json()["code"] == "NOT_SUPPORTED"


def test_watch_refuses_notes(api: httpx.Client) -> None:
    item = {"channel_id": "1000", "events": ["Notes.all"], "notify_url": "http://127.0.0.1:9/cb", "token": "t"}
    refused = api.post("/crm/v8/actions/watch", json={"watch": [item]})
    assert refused.status_code == 400 and "NOT_SUPPORTED" in refused.text
    accepted = api.post("/crm/v8/actions/watch", json={"watch": [{**item, "events": ["Accounts.all"]}]})
    assert accepted.status_code == 200


def test_coql_on_notes_needs_the_administrator_profile(api: httpx.Client, admin_api: httpx.Client) -> None:
    query = "select Note_Content from Notes where id is not null limit 5"
    refused = _coql(api, query)
    assert refused.status_code == 403 and refused.json()["code"] == "NO_PERMISSION"
    assert _coql(admin_api, query).status_code == 200


# ----------------------------------------------------------------------------------------- related lists
def test_related_lists_have_real_names_and_hrefs(api: httpx.Client, sandbox: RunningSandbox) -> None:
    lists = api.get("/crm/v8/settings/related_lists", params={"module": "Accounts"}).json()["related_lists"]
    by_name = {r["api_name"]: r for r in lists}
    assert "Tasks" not in by_name
    assert by_name["Activities"]["display_label"] == "Open Activities"
    assert by_name["Activities_History"]["href"] == "Accounts/{ENTITYID}/Activities_History"
    account = next(t["What_Id"]["id"] for t in sandbox.store.list_records("Tasks") if t.get("$se_module") == "Accounts")
    invented = api.get(f"/crm/v8/Accounts/{account}/Tasks", params={"fields": "Subject"})
    assert invented.status_code == 400 and invented.json()["code"] == "INVALID_DATA"
    href = by_name["Activities"]["href"].replace("{ENTITYID}", account)
    open_rows = api.get(f"/crm/v8/{href}", params={"fields": "Subject,Status"})
    assert open_rows.status_code in (200, 204)
    for row in open_rows.json()["data"] if open_rows.status_code == 200 else []:
        assert row["Status"] != "Completed"


# ----------------------------------------------------------------------------------------- COQL
def test_coql_quote_is_doubled_not_backslashed(api: httpx.Client) -> None:
    doubled = _coql(api, "select Account_Name from Accounts where Account_Name = 'O''Brien' limit 5")
    assert doubled.status_code == 204  # parsed: no account has that name
    backslashed = _coql(api, "select Account_Name from Accounts where Account_Name = 'O\\'Brien' limit 5")
    assert backslashed.status_code == 400 and backslashed.json()["code"] == "SYNTAX_ERROR"


def test_coql_more_than_two_conditions_need_brackets(api: httpx.Client) -> None:
    flat = "select id from Accounts where id is not null and Rating = 'Hot' and Industry = 'Retail' limit 5"
    refused = _coql(api, flat)
    assert refused.status_code == 400 and refused.json()["code"] == "SYNTAX_ERROR"
    bracketed = "select id from Accounts where (id is not null and Rating = 'Hot') and Industry = 'Retail' limit 5"
    assert _coql(api, bracketed).status_code in (200, 204)


def test_coql_lookups_are_bare_ids(api: httpx.Client) -> None:
    rows = _coql(api, "select What_Id, Owner from Tasks where What_Id is not null limit 5").json()["data"]
    assert rows and all(set(r["What_Id"]) == {"id"} and "$se_module" not in r for r in rows)


def test_coql_limits(api: httpx.Client) -> None:
    too_many = _coql(api, "select id from Accounts where id is not null limit 2001")
    assert too_many.status_code == 400 and too_many.json()["code"] == "LIMIT_EXCEEDED"
    too_far = _coql(api, "select id from Accounts where id is not null limit 99000, 2000")
    assert too_far.status_code == 400 and too_far.json()["code"] == "LIMIT_EXCEEDED"


# ----------------------------------------------------------------------------------------- the MCP endpoint
def _tool(client: httpx.Client, name: str, arguments: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    message = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
    result = client.post("/mcp", json=message).json()["result"]
    return bool(result["isError"]), json.loads(result["content"][0]["text"])


def test_mcp_tools_take_wrapped_arguments(api: httpx.Client, sandbox: RunningSandbox) -> None:
    account = sandbox.store.list_records("Accounts")[0]
    ok = _tool(api, "ZohoCRM_getRecord", {"path_variables": {"module": "Accounts", "recordID": account["id"]}})
    assert ok == (False, {"data": [ok[1]["data"][0]]}) and ok[1]["data"][0]["id"] == account["id"]
    flat_error, flat = _tool(api, "ZohoCRM_getRecord", {"module": "Accounts", "record_id": account["id"]})
    assert flat_error and flat["code"] == "INVALID_DATA"
    related_error, related = _tool(
        api,
        "ZohoCRM_getRelatedRecords",
        {
            "path_variables": {"parentRecordModule": "Accounts", "parentRecord": account["id"], "relatedList": "Tasks"},
            "query_params": {"fields": "Subject"},
        },
    )
    assert related_error and related["code"] == "INVALID_DATA"  # no Tasks related list there either


def test_mcp_tools_need_the_scope_and_profile_of_their_endpoint(tmp_path: Path) -> None:
    scopes = [s for s in DEFAULT_SCOPES if not s.startswith("ZohoSearch")]
    with start_sandbox(tmp_path / "sb", accounts=10, seed=7, scopes=scopes) as sb, _client(sb) as client:
        search = {"path_variables": {"module": "Accounts"}, "query_params": {"word": "a"}}
        is_error, body = _tool(client, "ZohoCRM_searchRecords", search)
        assert is_error and body["code"] == "OAUTH_SCOPE_MISMATCH"
        notes = {"body": {"select_query": "select Note_Content from Notes where id is not null limit 5"}}
        is_error, body = _tool(client, "ZohoCRM_executeCOQLQuery", notes)
        assert is_error and body["code"] == "NO_PERMISSION"


def test_mcp_tool_schemas_are_large(api: httpx.Client) -> None:
    listed = api.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}).json()
    sizes = {t["name"]: len(json.dumps(t["inputSchema"])) for t in listed["result"]["tools"]}
    for name in ("ZohoCRM_getRecords", "ZohoCRM_getRecord", "ZohoCRM_searchRecords", "ZohoCRM_getRelatedRecords"):
        assert sizes[name] > 3000, (name, sizes[name])  # about a thousand tokens and more, as Zoho's are


# ----------------------------------------------------------------------------------------- products
def test_products_list_like_any_record_module(api: httpx.Client, sandbox: RunningSandbox) -> None:
    """``GET /crm/v8/Products``: ``fields`` mandatory, pages of ``per_page`` with ``info.more_records``."""
    missing = api.get("/crm/v8/Products")
    assert missing.status_code == 400 and missing.json()["code"] == "REQUIRED_PARAM_MISSING"
    seen: list[dict[str, Any]] = []
    page = 1
    while True:
        query: dict[str, Any] = {
            "fields": "Product_Name,Product_Active",
            "per_page": 3,
            "page": page,
            "sort_order": "asc",
        }
        body = api.get("/crm/v8/Products", params=query).json()
        assert len(body["data"]) <= 3 and body["info"]["per_page"] == 3
        assert all(
            set(row) >= {"id", "Product_Name", "Product_Active"} and "Unit_Price" not in row for row in body["data"]
        )
        seen.extend(body["data"])
        if not body["info"]["more_records"]:
            break
        page += 1
    catalogue = sandbox.store.list_records("Products")
    assert page == -(-len(catalogue) // 3) and [r["id"] for r in seen] == sorted(r["id"] for r in catalogue)
    active = [r["Product_Name"] for r in seen if r["Product_Active"]]
    assert 6 <= len(seen) <= 10 and 0 < len(active) < len(seen)  # the demo org's catalogue: a couple retired
    one = api.get(f"/crm/v8/Products/{seen[0]['id']}", params={"fields": "Product_Name"}).json()["data"][0]
    assert one["Product_Name"] == seen[0]["Product_Name"]
    assert (
        api.get("/crm/v8/Products", params={"fields": "Product_Name", "per_page": 201}).json()["info"]["per_page"]
        == 200
    )


def test_products_field_metadata(api: httpx.Client) -> None:
    fields = {
        f["api_name"]: f for f in api.get("/crm/v8/settings/fields", params={"module": "Products"}).json()["fields"]
    }
    assert fields["Product_Name"]["system_mandatory"] and fields["Product_Name"]["data_type"] == "text"
    assert fields["Product_Active"]["data_type"] == "boolean" and fields["Product_Code"]["length"] == 40
    modules = {m["api_name"]: m for m in api.get("/crm/v8/settings/modules").json()["modules"]}
    assert modules["Products"]["api_supported"] and modules["Products"]["singular_label"] == "Product"


def test_products_need_their_module_scope(tmp_path: Path) -> None:
    others = [f"ZohoCRM.modules.{m}.ALL" for m in ("accounts", "contacts", "deals", "tasks", "notes")]
    for scopes, status in ((others, 401), ([*others, "ZohoCRM.modules.products.READ"], 200)):
        with start_sandbox(tmp_path / f"sb{status}", accounts=10, seed=7, scopes=scopes) as sb, _client(sb) as api:
            answer = api.get("/crm/v8/Products", params={"fields": "Product_Name"})
            assert answer.status_code == status, answer.text
            if status == 401:
                assert answer.json()["code"] == "OAUTH_SCOPE_MISMATCH"
                assert api.get("/crm/v8/Accounts", params={"fields": "Account_Name"}).status_code == 200
