"""The web inbox against the sandbox and a real state store (starlette's TestClient; sign-in through the
sandbox's Zoho sign-in page): who sees and decides what, CSRF, sessions, editing, rejecting, security
headers, and a browser approval racing a terminal ``approve`` (written once)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_support import run_main, sandbox_cli_env
from inbox_support import (
    PUBLIC_URL,
    accounts_of,
    csrf_of,
    enqueue,
    fields_for,
    inbox_context,
    note_for,
    sign_in,
    task_for,
    user,
)
from sandbox_rest import stored
from starlette.testclient import TestClient

from config import Settings
from sandbox.embedded import RunningSandbox
from state.store import StateStore
from web.app import create_app
from web.sessions import Viewer


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(sandbox_settings: Settings, clock: Clock) -> Iterator[StateStore]:
    with StateStore.open(sandbox_settings, clock=clock) as opened:
        yield opened


@pytest.fixture
def world(sandbox: RunningSandbox, store: StateStore) -> dict[str, Any]:
    """Two standard users with an account each, the administrator, and a proposal of each kind."""
    maria, james, alex = user(sandbox, 1), user(sandbox, 2), user(sandbox, 0)
    m_account, j_account = accounts_of(sandbox, maria["id"])[0], accounts_of(sandbox, james["id"])[0]
    return {
        "maria": maria,
        "james": james,
        "alex": alex,
        "m_account": m_account,
        "j_account": j_account,
        "m_task": enqueue(store, task_for(m_account["id"], "Call the CFO about the renewal")),
        "m_note": enqueue(store, note_for(m_account["id"], "Agreed to renew for two years.")),
        "m_fields": enqueue(store, fields_for(m_account["id"], {"Rating": "Cold"})),
        "j_task": enqueue(store, task_for(j_account["id"], "Send James's customer the price list")),
    }


@pytest.fixture
def client(sandbox_settings: Settings, store: StateStore) -> Iterator[TestClient]:
    with TestClient(create_app(inbox_context(sandbox_settings, store)), base_url=PUBLIC_URL) as test_client:
        yield test_client


def tasks_named(sandbox: RunningSandbox, subject: str) -> list[dict[str, Any]]:
    return [t for t in sandbox.store.list_records("Tasks") if t.get("Subject") == subject]


def test_each_person_sees_only_the_proposals_of_their_own_accounts(
    client: TestClient, sandbox: RunningSandbox, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["maria"]["id"])
    assert page.status_code == 200 and str(page.url).endswith("/inbox")
    for rec in ("m_task", "m_note", "m_fields"):
        assert world[rec].id in page.text
    assert world["j_task"].id not in page.text and "price list" not in page.text
    assert world["m_account"]["Account_Name"] in page.text and "<title>Inbox (3) · Sergas inbox</title>" in page.text
    assert "<del>" in page.text and "Cold" in page.text  # the field update as a diff: now in Zoho → proposed


def test_an_administrator_sees_everyone_and_filters_by_owner(
    client: TestClient, sandbox: RunningSandbox, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["alex"]["id"])
    assert world["j_task"].id in page.text and world["m_task"].id in page.text
    only_james = client.get(f"/inbox?owner={world['james']['id']}")
    assert world["j_task"].id in only_james.text and world["m_task"].id not in only_james.text


def test_changing_the_id_in_the_url_or_the_form_shows_and_decides_nothing_of_another_owner(
    client: TestClient, sandbox: RunningSandbox, store: StateStore, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["maria"]["id"])
    token, theirs = csrf_of(page), world["j_task"]
    assert client.get(f"/proposals/{theirs.id}").status_code == 404
    assert client.get(f"/proposals/{theirs.id}/edit").status_code == 404
    assert client.get(f"/proposals/{theirs.id}/status").status_code == 404
    assert client.get(f"/accounts/{world['j_account']['id']}").status_code == 404
    for action, extra in (("approve", {}), ("reject", {"reason": "not mine"}), ("skip", {}), ("edit", {"q0": "x"})):
        answer = client.post(f"/proposals/{theirs.id}/{action}", data={"csrf_token": token, **extra})
        assert answer.status_code == 404, action
        assert "traceback" not in answer.text.lower()
    mixed = {"csrf_token": token, "ids": [world["m_task"].id, theirs.id]}
    assert client.post("/proposals/batch", data=mixed).status_code == 404
    assert client.post("/proposals/batch/approve", data=mixed).status_code == 404
    assert store.get_recommendation(theirs.id).status == "pending"  # type: ignore[union-attr]
    assert store.get_recommendation(world["m_task"].id).status == "pending"  # type: ignore[union-attr]
    assert not tasks_named(sandbox, "Send James's customer the price list")


def test_a_post_without_the_csrf_token_or_from_another_site_is_refused(
    client: TestClient, sandbox: RunningSandbox, store: StateStore, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["maria"]["id"])
    rec = world["m_task"]
    missing = client.post(f"/proposals/{rec.id}/approve", data={})
    assert missing.status_code == 403 and "Reload the page" in missing.text
    wrong = client.post(f"/proposals/{rec.id}/approve", data={"csrf_token": "forged"})
    assert wrong.status_code == 403
    elsewhere = client.post(
        f"/proposals/{rec.id}/approve",
        data={"csrf_token": csrf_of(page)},
        headers={"origin": "https://evil.example"},
    )
    assert elsewhere.status_code == 403
    assert client.post("/auth/signout", data={}).status_code == 403  # signing out needs the token too
    assert store.get_recommendation(rec.id).status == "pending"  # type: ignore[union-attr]


def test_an_expired_or_signed_out_session_is_sent_to_sign_in(
    client: TestClient, sandbox: RunningSandbox, clock: Clock, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["maria"]["id"])
    clock.now += timedelta(hours=9)  # SERGAS_INBOX_SESSION_HOURS defaults to 8
    expired = client.get("/inbox", follow_redirects=False)
    assert expired.status_code == 303 and expired.headers["location"].startswith("/signin?next=")
    post = client.post(f"/proposals/{world['m_task'].id}/approve", data={"csrf_token": csrf_of(page)})
    assert str(post.url).startswith(PUBLIC_URL + "/signin")

    clock.now -= timedelta(hours=9)
    page = sign_in(client, sandbox, world["maria"]["id"])
    cookie = client.cookies.get("sergas_session")
    client.post("/auth/signout", data={"csrf_token": csrf_of(page)})
    client.cookies.set("sergas_session", cookie or "")  # the old cookie, replayed after signing out
    assert client.get("/inbox", follow_redirects=False).status_code == 303


def test_approve_edit_and_reject_write_what_was_decided_once(
    client: TestClient, sandbox: RunningSandbox, store: StateStore, world: dict[str, Any]
) -> None:
    page = sign_in(client, sandbox, world["maria"]["id"])
    token = csrf_of(page)
    done = client.post(f"/proposals/{world['m_task'].id}/approve", data={"csrf_token": token, "back": "/inbox"})
    assert "Written to Zoho" in done.text
    assert len(tasks_named(sandbox, "Call the CFO about the renewal")) == 1
    state = client.get(f"/proposals/{world['m_task'].id}/status").json()
    assert state["status"] == "executed" and state["outcome"].startswith("Written to Zoho: task created")

    note = world["m_note"]
    form = client.get(f"/proposals/{note.id}/edit")
    assert 'name="q0"' in form.text and 'name="q1"' in form.text  # the terminal's questions: title, content
    empty = client.post(f"/proposals/{note.id}/edit", data={"csrf_token": token, "q0": "Call", "q1": ""})
    assert empty.status_code == 400 and "content" in empty.text.lower()
    assert store.get_recommendation(note.id).status == "pending"  # type: ignore[union-attr]
    edited = {"csrf_token": token, "q0": "Renewal call", "q1": "Agreed to renew for three years."}
    client.post(f"/proposals/{note.id}/edit", data=edited)
    notes = [n for n in sandbox.store.list_records("Notes") if n.get("Note_Title") == "Renewal call"]
    assert len(notes) == 1 and "three years" in notes[0]["Note_Content"]

    fields = world["m_fields"]
    assert client.post(f"/proposals/{fields.id}/reject", data={"csrf_token": token, "reason": " "}).status_code == 400
    client.post(f"/proposals/{fields.id}/reject", data={"csrf_token": token, "reason": "Rating is right"})
    rejected = store.get_recommendation(fields.id)
    assert rejected is not None and rejected.status == "rejected" and rejected.decision_reason == "Rating is right"
    assert stored(sandbox, "Accounts", world["m_account"]["id"])["Rating"] != "Cold"
    who = f"{world['maria']['email']} (Zoho user {world['maria']['id']})"
    assert {store.get_recommendation(r.id).decided_by for r in (world["m_task"], note, fields)} == {who}  # type: ignore[union-attr]
    again = client.post(f"/proposals/{world['m_task'].id}/approve", data={"csrf_token": token})
    assert again.status_code == 409
    after = client.get("/inbox").text
    assert "<title>Inbox (0) · Sergas inbox</title>" in after and after.count("Decided recently by you") == 1
    recent = after.split("Decided recently by you")[1]
    assert recent.count("written to Zoho") == 2 and "Rating is right" in recent


def test_pages_carry_security_headers_and_no_secret_reaches_a_page_or_the_log(
    client: TestClient, sandbox: RunningSandbox, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    start = client.get("/auth/start", follow_redirects=False)
    assert "code_challenge_method=S256" in start.headers["location"] and "state=" in start.headers["location"]
    signin_cookie = start.headers["set-cookie"].lower()
    assert "httponly" in signin_cookie and "samesite=lax" in signin_cookie and "secure" not in signin_cookie
    page = sign_in(client, sandbox, world["maria"]["id"])
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["cache-control"] == "no-store"
    session_cookie = next(c for c in page.history[-1].headers.get_list("set-cookie") if "sergas_session=" in c)
    assert (
        "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower() and "Max-Age=28800" in session_cookie
    )
    assert sandbox.client_secret not in page.text and "1000." not in page.text  # no client secret, no Zoho token
    logged = [r for r in caplog.records if r.levelno >= logging.INFO and not r.name.startswith("httpx2")]
    server_log = "\n".join(r.getMessage() for r in logged)  # the test client's own request lines aside
    assert "code=" not in server_log and "token=" not in server_log and sandbox.client_secret not in server_log
    assert "GET /auth/callback" in caplog.text  # the access log has the path, not the query


def test_a_https_public_url_makes_the_cookies_secure(
    sandbox_settings: Settings, store: StateStore, sandbox: RunningSandbox
) -> None:
    ctx = inbox_context(sandbox_settings, store)
    ctx.config.public_url = "https://inbox.example.com"
    with TestClient(create_app(ctx), base_url="https://testserver") as https_client:
        start = https_client.get("/auth/start", follow_redirects=False)
    assert "__Host-sergas_signin=" in start.headers["set-cookie"] and "Secure" in start.headers["set-cookie"]
    assert "strict-transport-security" in start.headers
    assert "redirect_uri=https%3A%2F%2Finbox.example.com%2Fauth%2Fcallback" in start.headers["location"]


def test_a_forged_or_cancelled_sign_in_gets_a_clear_page(client: TestClient, sandbox: RunningSandbox) -> None:
    forged = client.get("/auth/callback?code=1000.x.y&state=guess")
    assert forged.status_code == 400 and "Sign-in expired" in forged.text
    client.get("/auth/start", follow_redirects=False)
    cancelled = client.get("/auth/callback?error=access_denied&state=x")
    assert cancelled.status_code == 400 and "chose not to sign in" in cancelled.text
    assert client.get("/inbox", follow_redirects=False).headers["location"].startswith("/signin")
    assert client.get("/no/such/page").status_code == 404


@pytest.mark.slow
def test_a_proposal_approved_in_the_browser_while_approve_runs_in_a_terminal_is_written_once(
    client: TestClient, sandbox: RunningSandbox, store: StateStore, world: dict[str, Any], tmp_path: Path
) -> None:
    account = world["m_account"]["id"]
    # 120 different actions (similar wordings would be one situation, queued once): enough for the two to meet.
    subjects = [f"Check item {n} alpha{n} bravo{n}" for n in range(120)]
    recs = [enqueue(store, task_for(account, subject)) for subject in subjects]
    page = sign_in(client, sandbox, world["maria"]["id"])
    token = csrf_of(page)
    env = sandbox_cli_env(sandbox, tmp_path / "home")
    terminal: dict[str, Any] = {}
    command = ("approve", "--approve-all", "--account", account)
    thread = threading.Thread(target=lambda: terminal.update(result=run_main(env, *command)))
    thread.start()
    deadline = datetime.now(UTC) + timedelta(seconds=120)
    while thread.is_alive() and all(store.get_recommendation(r.id).status == "pending" for r in recs):  # type: ignore[union-attr]
        assert datetime.now(UTC) < deadline, "the terminal approve decided nothing"
        threading.Event().wait(0.02)
    # The terminal decides from the first; the browser approves from the last, until they meet.
    answers = [client.post(f"/proposals/{r.id}/approve", data={"csrf_token": token}).status_code for r in recs[::-1]]
    thread.join(timeout=300)
    assert set(answers) <= {200, 409}, answers  # approved here, or already decided in the terminal
    if terminal["result"].returncode != 0:  # it met a proposal decided here meanwhile (or our executor): it says so
        said = terminal["result"].stdout + terminal["result"].stderr
        assert "cannot mark it" in said or "another approve is executing" in said, said
    assert run_main(env, "approve", "--execute").returncode in (0, 1)  # what it tells the operator to run
    deadline = datetime.now(UTC) + timedelta(seconds=120)  # its own: the race above may have used most of the first
    while any(store.get_recommendation(r.id).status != "executed" for r in recs):  # type: ignore[union-attr]
        assert datetime.now(UTC) < deadline, [store.get_recommendation(r.id) for r in recs]
        threading.Event().wait(0.5)
    for subject in subjects:
        assert len(tasks_named(sandbox, subject)) == 1, subject
    writes = [e for r in recs for e in store.list_audit(recommendation_id=r.id) if e.outcome == "created"]
    assert len(writes) == len(recs)


async def test_a_batch_leaves_a_proposal_decided_elsewhere_meanwhile_as_it_is(
    sandbox_settings: Settings, store: StateStore, sandbox: RunningSandbox, world: dict[str, Any]
) -> None:
    ctx = inbox_context(sandbox_settings, store)
    maria = world["maria"]
    viewer = Viewer(
        user_id=maria["id"],
        email=maria["email"],
        name="Maria",
        profile="Standard",
        is_admin=False,
        csrf_token="t",
        key_hash="k",
    )
    store.decide(world["m_note"].id, "rejected", by="operator", reason="done by phone")  # a terminal, a moment ago
    after = await ctx.decisions.approve_many(viewer, [world["m_task"].id, world["m_note"].id])
    assert [r.status for r in after] == ["executed", "rejected"]
    assert len(tasks_named(sandbox, "Call the CFO about the renewal")) == 1
    await ctx.decisions.aclose()
