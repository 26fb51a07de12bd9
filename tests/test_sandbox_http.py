"""The sandbox through raw httpx: OAuth, auth errors, paging, search, COQL, writes, notes, 204/304/207."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sandbox_rest import stored

from sandbox.embedded import RunningSandbox

JSON_CT = "application/json;charset=UTF-8"


def _token(sb: Any, **overrides: str) -> httpx.Response:
    form = {
        "grant_type": "refresh_token",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "refresh_token": sb.refresh_token,
        **overrides,
    }
    return httpx.post(f"{sb.base_url}/oauth/v2/token", data=form)


@pytest.fixture
def api(sandbox: RunningSandbox) -> httpx.Client:
    token = _token(sandbox).json()["access_token"]
    return httpx.Client(base_url=sandbox.base_url, headers={"Authorization": f"Zoho-oauthtoken {token}"})


def test_token_refresh_shape_and_failures(sandbox: RunningSandbox) -> None:
    body = _token(sandbox).json()
    assert body["access_token"].startswith("1000.") and body["expires_in"] == 3600
    assert "expires_in_sec" not in body and body["api_domain"] == sandbox.base_url
    bad = _token(sandbox, refresh_token="1000.nope")
    assert bad.status_code == 200 and bad.json() == {"error": "invalid_code"}
    assert _token(sandbox, client_secret="wrong").json() == {"error": "invalid_client"}
    # query-string form is accepted too
    query = httpx.post(
        f"{sandbox.base_url}/oauth/v2/token",
        params={
            "grant_type": "refresh_token",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "refresh_token": sandbox.refresh_token,
        },
    )
    assert "access_token" in query.json()


def test_authorization_code_grant_and_revoke(sandbox: RunningSandbox) -> None:
    code = httpx.post(f"{sandbox.base_url}/__sandbox/grant_code").json()["code"]
    body = _token(sandbox, grant_type="authorization_code", code=code, redirect_uri="http://127.0.0.1/cb").json()
    assert body["refresh_token"] and body["access_token"]
    assert _token(sandbox, grant_type="authorization_code", code=code).json() == {"error": "invalid_code"}
    revoked = httpx.post(f"{sandbox.base_url}/oauth/v2/token/revoke", params={"token": body["refresh_token"]})
    assert revoked.json() == {"status": "success"}
    assert _token(sandbox, refresh_token=body["refresh_token"]).json() == {"error": "invalid_code"}


def test_auth_errors(sandbox: RunningSandbox) -> None:
    missing = httpx.get(f"{sandbox.base_url}/crm/v8/org")
    assert missing.status_code == 401 and missing.json()["code"] == "AUTHENTICATION_FAILURE"
    bad = httpx.get(f"{sandbox.base_url}/crm/v8/org", headers={"Authorization": "Zoho-oauthtoken 1000.x.y"})
    assert bad.status_code == 401
    assert bad.json() == {
        "code": "INVALID_TOKEN",
        "details": {},
        "message": "invalid oauth token",
        "status": "error",
    }
    assert bad.headers["content-type"] == JSON_CT


def test_short_token_ttl_expires(sandbox: RunningSandbox) -> None:
    httpx.post(f"{sandbox.base_url}/__sandbox/config", json={"token_ttl_seconds": 0.2})
    token = _token(sandbox).json()
    assert token["expires_in"] == 0
    import time

    time.sleep(0.3)
    resp = httpx.get(
        f"{sandbox.base_url}/crm/v8/org",
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
    )
    assert resp.json()["code"] == "INVALID_TOKEN"


def test_metadata_endpoints(api: httpx.Client, sandbox: RunningSandbox) -> None:
    me = api.get("/crm/v8/users", params={"type": "CurrentUser"}).json()["users"]
    assert len(me) == 1 and "@" in me[0]["email"]
    assert len(api.get("/crm/v8/users").json()["users"]) >= 6
    assert api.get("/crm/v8/org").json()["org"][0]["zgid"]
    fields = {f["api_name"]: f for f in api.get("/crm/v8/settings/fields", params={"module": "Tasks"}).json()["fields"]}
    assert fields["What_Id"]["lookup"]["module"]["api_name"] == "se_module"
    stages = api.get("/crm/v8/settings/fields", params={"module": "Deals"}).json()["fields"]
    allowed = {v["actual_value"] for f in stages if f["api_name"] == "Stage" for v in f["pick_list_values"]}
    assert {d["Stage"] for d in sandbox.store.list_records("Deals")} <= allowed
    rel = api.get("/crm/v8/settings/related_lists", params={"module": "Accounts"}).json()["related_lists"]
    names = {r["api_name"] for r in rel}
    assert names >= {"Contacts", "Deals", "Notes", "Activities", "Activities_History"} and all(r["href"] for r in rel)
    assert "Tasks" not in names  # activities are not a Tasks related list on Accounts in Zoho
    assert api.get("/crm/v8/settings/modules").json()["modules"]


def test_list_rules(api: httpx.Client, sandbox: RunningSandbox) -> None:
    assert api.get("/crm/v8/Accounts").json()["code"] == "REQUIRED_PARAM_MISSING"
    too_many = ",".join(f"F{i}" for i in range(51))
    assert api.get("/crm/v8/Accounts", params={"fields": too_many}).json()["code"] == "LIMIT_EXCEEDED"
    deep = api.get("/crm/v8/Accounts", params={"fields": "Account_Name", "page": 11})
    assert deep.status_code == 400 and deep.json()["code"] == "DISCRETE_PAGINATION_LIMIT_EXCEEDED"
    assert deep.json()["details"] == {"limit": 2000}
    assert api.get("/crm/v8/Nope", params={"fields": "x"}).json()["code"] == "INVALID_MODULE"

    first = api.get("/crm/v8/Accounts", params={"fields": "Account_Name,Owner", "per_page": 20, "sort_order": "asc"})
    assert first.headers["content-type"] == JSON_CT
    info = first.json()["info"]
    assert info["more_records"] and info["next_page_token"] and info["count"] == 20
    ids = [r["id"] for r in first.json()["data"]]
    assert ids == sorted(ids) and all(len(i) == 19 and i.isdigit() for i in ids)
    params: dict[str, str | int] = {"fields": "Account_Name,Owner", "per_page": 20, "sort_order": "asc"}
    second = api.get("/crm/v8/Accounts", params={**params, "page_token": info["next_page_token"]}).json()
    assert second["info"]["page"] == 2 and second["data"][0]["id"] > ids[-1]
    changed = api.get("/crm/v8/Accounts", params={**params, "per_page": 10, "page_token": info["next_page_token"]})
    assert changed.json()["code"] == "TOKEN_BOUND_DATA_MISMATCH"
    both = api.get("/crm/v8/Accounts", params={**params, "page": 2, "page_token": info["next_page_token"]})
    assert both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"
    some = ",".join(ids[:3])
    by_ids = api.get("/crm/v8/Accounts", params={"ids": some}).json()["data"]
    assert sorted(r["id"] for r in by_ids) == sorted(ids[:3])


def test_page_token_expiry(api: httpx.Client, sandbox: RunningSandbox) -> None:
    sandbox.state.configure(page_token_ttl_seconds=0.05)
    params: dict[str, str | int] = {"fields": "Account_Name", "per_page": 5}
    token = api.get("/crm/v8/Accounts", params=params).json()["info"]["next_page_token"]
    import time

    time.sleep(0.1)
    assert api.get("/crm/v8/Accounts", params={**params, "page_token": token}).json()["code"] == "EXPIRED_VALUE"


def test_get_one_204_and_if_modified_since_304(api: httpx.Client, sandbox: RunningSandbox) -> None:
    assert api.get("/crm/v8/Accounts/1234567890123456789").status_code == 204
    account = sandbox.store.list_records("Accounts")[0]
    one = api.get(f"/crm/v8/Accounts/{account['id']}").json()["data"][0]
    assert one["Account_Name"] == account["Account_Name"]
    later = "2999-01-01T00:00:00+00:00"
    not_modified = api.get("/crm/v8/Accounts", params={"fields": "Account_Name"}, headers={"If-Modified-Since": later})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert api.get(f"/crm/v8/Accounts/{account['id']}", headers={"If-Modified-Since": later}).status_code == 304


def test_search(api: httpx.Client, sandbox: RunningSandbox) -> None:
    accounts = sandbox.store.list_records("Accounts")
    target = accounts[3]
    crit = f"((Account_Name:equals:{target['Account_Name']})and(Annual_Revenue:greater_equal:0))"
    found = api.get("/crm/v8/Accounts/search", params={"criteria": crit}).json()["data"]
    assert target["id"] in {r["id"] for r in found}
    none = api.get("/crm/v8/Accounts/search", params={"criteria": "(Account_Name:equals:zzzz-no-such)"})
    assert none.status_code == 204 and none.content == b""
    contact = sandbox.store.list_records("Contacts")[0]
    by_email = api.get("/crm/v8/Contacts/search", params={"email": contact["Email"]}).json()["data"]
    assert contact["id"] in {r["id"] for r in by_email}
    assert api.get("/crm/v8/Accounts/search", params={"criteria": "(Nope:equals:1)"}).json()["code"] == "INVALID_QUERY"
    deep = api.get("/crm/v8/Accounts/search", params={"word": "a", "page": 11})
    assert deep.json()["code"] == "LIMIT_REACHED"
    big = api.get("/crm/v8/Accounts/search", params={"criteria": "(Industry:in:Technology,Retail)"}).json()["data"]
    assert big and all(r["Industry"] in ("Technology", "Retail") for r in big)


def test_coql(api: httpx.Client, sandbox: RunningSandbox) -> None:
    def coql(query: str) -> httpx.Response:
        return api.post("/crm/v8/coql", content=json.dumps({"select_query": query}))

    rows = coql(
        "select Deal_Name, Stage, Account_Name, Account_Name.Account_Name, Owner from Deals "
        "where (Stage not in ('Closed Won', 'Closed Lost') and Amount between 1000 and 300000) "
        "or Closing_Date is null order by Amount desc limit 5 offset 1"
    ).json()
    assert rows["info"]["count"] <= 5
    first = rows["data"][0]
    assert set(first["Account_Name"]) == {"id"} and set(first["Owner"]) == {"id"}
    count = coql("select COUNT(id) from Accounts where Account_Name like '%a%'").json()["data"][0]["COUNT(id)"]
    assert count == sum(1 for a in sandbox.store.list_records("Accounts") if "a" in a["Account_Name"].lower())
    assert coql("select Account_Name from Accounts where Account_Name = 'zz-none'").status_code == 204
    assert coql("select from Accounts").json()["code"] == "SYNTAX_ERROR"
    assert coql("select Nope from Accounts").json()["code"] == "INVALID_QUERY"
    assert coql("select Account_Name from Accounts limit 2001").json()["code"] == "LIMIT_EXCEEDED"
    httpx.post(f"{sandbox.base_url}/__sandbox/stats/reset")
    coql("select Account_Name from Accounts limit 1500")
    assert httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()["by_endpoint"]["POST /crm/v8/coql"]["credits"] == 3


def test_writes_envelopes_and_side_effects(api: httpx.Client, sandbox: RunningSandbox) -> None:
    account = sandbox.store.list_records("Accounts")[0]
    httpx.post(f"{sandbox.base_url}/__sandbox/stats/reset")
    mixed = api.post(
        "/crm/v8/Tasks",
        content=json.dumps(
            {
                "data": [
                    {
                        "Subject": "Call back",
                        "What_Id": {"id": int(account["id"])},
                        "$se_module": "Accounts",
                        "Status": "Not Started",
                        "Due_Date": "2030-01-01",
                    },
                    {"Due_Date": "2030-01-01"},
                ]
            }
        ),
    )
    assert mixed.status_code == 207
    ok, bad = mixed.json()["data"]
    assert ok["code"] == "SUCCESS" and ok["message"] == "record added"
    assert bad["code"] == "MANDATORY_NOT_FOUND" and bad["details"]["json_path"] == "$.data[1].Subject"
    assert stored(sandbox, "Accounts", account["id"])["Last_Activity_Time"] > account["Last_Activity_Time"]
    all_bad = api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "X", "Industry": "Not an industry"}]})
    assert all_bad.status_code == 400 and all_bad.json()["data"][0]["code"] == "INVALID_DATA"
    assert all_bad.json()["data"][0]["details"]["json_path"] == "$.data[0].Industry"
    created = api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "New Co", "Annual_Revenue": 5}]})
    assert created.status_code == 201
    new_id = created.json()["data"][0]["details"]["id"]
    updated = api.put("/crm/v8/Accounts", content=json.dumps({"data": [{"id": int(new_id), "Rating": "Hot"}]}))
    assert updated.status_code == 200 and updated.json()["data"][0]["message"] == "record updated"
    back = api.get(f"/crm/v8/Accounts/{new_id}").json()["data"][0]
    assert back["Rating"] == "Hot" and back["Modified_Time"] >= back["Created_Time"]
    unknown = api.put("/crm/v8/Accounts/1234567890123456789", json={"data": [{"Rating": "Hot"}]})
    assert unknown.status_code == 400 and unknown.json()["data"][0]["details"]["id"] == "1234567890123456789"
    upsert = api.post(
        "/crm/v8/Accounts/upsert",
        json={
            "data": [{"Account_Name": "new co", "Rating": "Warm"}],
            "duplicate_check_fields": ["Account_Name"],
        },
    )
    assert upsert.json()["data"][0]["action"] == "update"
    assert stored(sandbox, "Accounts", new_id)["Rating"] == "Warm"
    assert api.post("/crm/v8/Accounts", json={"data": [{"Account_Name": "x"}] * 101}).json()["code"] == "LIMIT_EXCEEDED"
    deleted = api.delete("/crm/v8/Accounts", params={"ids": f"{new_id},1234567890123456789"})
    assert deleted.status_code == 207 and sandbox.store.get("Accounts", new_id) is None
    stats = httpx.get(f"{sandbox.base_url}/__sandbox/stats").json()
    assert stats["by_endpoint"]["POST /crm/v8/{module}"]["calls"] == 4


def test_notes_both_ways_and_related(api: httpx.Client, sandbox: RunningSandbox) -> None:
    account = sandbox.store.list_records("Accounts")[1]
    top = api.post(
        "/crm/v8/Notes",
        content=json.dumps(
            {
                "data": [
                    {
                        "Note_Title": "Recap",
                        "Note_Content": "Met the team.",
                        "Parent_Id": {"module": {"api_name": "Accounts"}, "id": int(account["id"])},
                    }
                ]
            }
        ),
    )
    assert top.status_code == 201
    under = api.post(f"/crm/v8/Accounts/{account['id']}/Notes", json={"data": [{"Note_Content": "Second"}]})
    assert under.status_code == 201
    notes = api.get(f"/crm/v8/Accounts/{account['id']}/Notes", params={"fields": "Note_Content,Parent_Id"}).json()
    contents = {n["Note_Content"] for n in notes["data"]}
    assert {"Met the team.", "Second"} <= contents
    parent = notes["data"][0]["Parent_Id"]
    assert parent["module"]["api_name"] == "Accounts" and parent["id"] == account["id"]
    bad = api.post(
        "/crm/v8/Notes",
        json={"data": [{"Note_Content": "x", "Parent_Id": {"module": {"api_name": "Accounts"}, "id": 1}}]},
    )
    assert bad.status_code == 400 and bad.json()["data"][0]["code"] == "INVALID_DATA"
    listed = api.get("/crm/v8/Notes", params={"fields": "Note_Title", "per_page": 5}).json()
    assert listed["info"]["count"] == 5
    contacts = api.get(f"/crm/v8/Accounts/{account['id']}/Contacts", params={"fields": "Last_Name"}).json()["data"]
    expected = {c["id"] for c in sandbox.store.list_records("Contacts") if c["Account_Name"]["id"] == account["id"]}
    assert {c["id"] for c in contacts} == expected


def test_deleted_records_are_listed_from_the_recycle_bin(api: httpx.Client, sandbox: RunningSandbox) -> None:
    import time

    assert api.get("/crm/v8/Deals/deleted").status_code == 204
    first, second = sandbox.store.list_records("Deals")[:2]
    assert api.delete(f"/crm/v8/Deals/{first['id']}").status_code == 200
    stamp = sandbox.store.deleted_records("Deals")[0]["deleted_time"]
    time.sleep(1.1)  # Zoho's times have whole seconds
    assert api.delete(f"/crm/v8/Deals/{second['id']}").status_code == 200
    listed = api.get("/crm/v8/Deals/deleted", params={"type": "all"})
    assert listed.status_code == 200 and listed.headers["content-type"] == JSON_CT
    body = listed.json()
    assert [d["id"] for d in body["data"]] == [first["id"], second["id"]]
    entry = body["data"][0]
    assert entry["display_name"] == first["Deal_Name"] and entry["type"] == "recycle"
    assert set(entry["deleted_by"]) == {"name", "id"} and entry["deleted_time"] == stamp
    assert body["info"] == {"per_page": 200, "count": 2, "page": 1, "more_records": False}
    after = api.get("/crm/v8/Deals/deleted", headers={"If-Modified-Since": stamp}).json()
    assert [d["id"] for d in after["data"]] == [second["id"]]
    assert api.get("/crm/v8/Deals/deleted", params={"per_page": 1}).json()["info"]["more_records"] is True
    assert api.get("/crm/v8/Deals/deleted", params={"type": "permanent"}).status_code == 204
    assert api.get("/crm/v8/Deals/deleted", params={"type": "bogus"}).status_code == 400
    assert api.get("/crm/v8/Deals/deleted", params={"per_page": 201}).status_code == 400


def test_the_recycle_bin_survives_a_restart(tmp_path: Any) -> None:
    from sandbox.store import SandboxStore

    store = SandboxStore.open(tmp_path, accounts=3, seed=1)
    note = store.list_records("Notes")[0]
    store.delete("Notes", note["id"])
    store.close()
    again = SandboxStore.open(tmp_path, accounts=3, seed=1)
    try:
        assert [e["id"] for e in again.deleted_records("Notes")] == [note["id"]]
        assert again.get("Notes", note["id"]) is None
    finally:
        again.close()
