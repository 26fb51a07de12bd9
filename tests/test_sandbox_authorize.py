"""The sandbox's Zoho Accounts authorization endpoint (sign-in page for its demo users) and the
authorization_code grant it feeds: redirect URI and PKCE verifier checked, codes single-use and short-lived,
``users?type=CurrentUser`` answering for the user the token belongs to."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from integrations.zoho.signin import new_pkce
from sandbox.auth import TokenRegistry
from sandbox.embedded import RunningSandbox

REDIRECT = "http://127.0.0.1:9/auth/callback"


def _params(sandbox: RunningSandbox, **extra: str) -> dict[str, str]:
    pkce = new_pkce()
    return {
        "client_id": sandbox.client_id,
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "ZohoCRM.users.READ,ZohoCRM.org.READ",
        "state": "st-123",
        "access_type": "online",
        "prompt": "consent",
        "code_challenge": pkce.challenge,
        "code_challenge_method": "S256",
        "_verifier": pkce.verifier,
        **extra,
    }


def _authorize(sandbox: RunningSandbox, params: dict[str, str], **form: str) -> dict[str, str]:
    sent = {k: v for k, v in params.items() if not k.startswith("_")}
    answer = httpx.post(f"{sandbox.base_url}/oauth/v2/auth", data={**sent, **form})
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(REDIRECT + "?")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def _exchange(sandbox: RunningSandbox, code: str, verifier: str, redirect: str = REDIRECT) -> dict[str, Any]:
    form = {
        "grant_type": "authorization_code",
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "redirect_uri": redirect,
        "code": code,
        "code_verifier": verifier,
    }
    body: dict[str, Any] = httpx.post(f"{sandbox.base_url}/oauth/v2/token", data=form).json()
    return body


def test_the_sign_in_page_lists_the_demo_users_with_their_profiles(sandbox: RunningSandbox) -> None:
    params = {k: v for k, v in _params(sandbox).items() if not k.startswith("_")}
    page = httpx.get(f"{sandbox.base_url}/oauth/v2/auth", params=params)
    assert page.status_code == 200
    for user in sandbox.store.users:
        assert user["email"] in page.text and str(user["id"]) in page.text
    assert "Administrator" in page.text and "Standard" in page.text and "Deny" in page.text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"client_id": "1000.OTHER"}, "Invalid Client"),
        ({"redirect_uri": "javascript:alert(1)"}, "Invalid Redirect Uri"),
        ({"response_type": "token"}, "response_type"),
        ({"scope": ""}, "scope"),
        ({"code_challenge_method": "MD5"}, "code_challenge_method"),
    ],
)
def test_a_bad_request_gets_an_error_page_not_a_redirect(
    sandbox: RunningSandbox, change: dict[str, str], message: str
) -> None:
    params = {k: v for k, v in _params(sandbox, **change).items() if not k.startswith("_")}
    page = httpx.get(f"{sandbox.base_url}/oauth/v2/auth", params=params)
    assert page.status_code == 400 and message in page.text


def test_deny_sends_access_denied_with_the_state(sandbox: RunningSandbox) -> None:
    back = _authorize(sandbox, _params(sandbox), decision="deny")
    assert back == {"error": "access_denied", "state": "st-123"}


def test_a_code_is_bound_to_its_verifier_and_redirect_uri_and_used_once(sandbox: RunningSandbox) -> None:
    user = sandbox.store.users[2]
    params = _params(sandbox)
    back = _authorize(sandbox, params, user_id=str(user["id"]))
    assert back["state"] == "st-123" and back["location"] == "us" and back["accounts-server"] == sandbox.base_url
    assert _exchange(sandbox, back["code"], "not-the-verifier") == {"error": "invalid_code"}

    back = _authorize(sandbox, params, user_id=str(user["id"]))
    assert _exchange(sandbox, back["code"], params["_verifier"], "http://127.0.0.1:9/other") == {
        "error": "invalid_redirect_uri"
    }

    back = _authorize(sandbox, params, user_id=str(user["id"]))
    token = _exchange(sandbox, back["code"], params["_verifier"])
    assert token["access_token"] and "refresh_token" not in token  # access_type=online
    assert _exchange(sandbox, back["code"], params["_verifier"]) == {"error": "invalid_code"}  # once
    me = httpx.get(
        f"{sandbox.base_url}/crm/v8/users",
        params={"type": "CurrentUser"},
        headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"},
    ).json()
    assert me["users"][0]["id"] == user["id"] and me["users"][0]["profile"]["name"] == "Standard"
    assert set(token["scope"].split()) == {"ZohoCRM.users.READ", "ZohoCRM.org.READ"}  # what was consented to
    records = httpx.get(
        f"{sandbox.base_url}/crm/v8/Accounts", headers={"Authorization": f"Zoho-oauthtoken {token['access_token']}"}
    )
    assert (
        records.status_code == 401 and records.json()["code"] == "OAUTH_SCOPE_MISMATCH"
    )  # the inbox cannot read CRM data with it


def test_a_code_expires_after_two_minutes() -> None:
    now = [1000.0]
    registry = TokenRegistry("id", "secret", "refresh", "u1", clock=lambda: now[0])
    pkce = new_pkce()
    form = {"grant_type": "authorization_code", "client_id": "id", "client_secret": "secret"}
    code = registry.issue_grant_code(
        "u2", redirect_uri=REDIRECT, code_challenge=pkce.challenge, code_challenge_method="S256"
    )
    now[0] += 121
    assert registry.grant({**form, "code": code, "redirect_uri": REDIRECT, "code_verifier": pkce.verifier}) == {
        "error": "invalid_code"
    }


def test_a_record_link_of_the_web_ui_answers_with_the_record(sandbox: RunningSandbox) -> None:
    account = sandbox.store.list_records("Accounts")[0]
    found = httpx.get(f"{sandbox.base_url}/__sandbox/web/crm/org1/tab/Accounts/{account['id']}")
    assert found.status_code == 200 and found.json()["record"]["Account_Name"] == account["Account_Name"]
    assert httpx.get(f"{sandbox.base_url}/__sandbox/web/crm/org1/tab/Accounts/1").status_code == 404
