"""The web inbox in tests: the real app (``web.app.create_app``) on the real state store and gateway, against a
running sandbox, driven by starlette's ``TestClient``; sign-in goes through the sandbox's own Zoho sign-in page.

    ctx = inbox_context(sandbox_settings, sandbox, store)
    with TestClient(create_app(ctx), base_url=PUBLIC_URL) as client:
        sign_in(client, sandbox, owner_email(sandbox, 1))
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.testclient import TestClient

from config.settings import Settings
from domain.proposals import (
    AddNoteProposal,
    Citation,
    CreateTaskProposal,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
)
from domain.recommendations import Recommendation
from integrations.zoho.connection import connection_from_settings
from integrations.zoho.factory import build_gateway
from sandbox.embedded import RunningSandbox
from state.store import StateStore
from web.config import build_web_config
from web.context import WebContext

PUBLIC_URL = "http://testserver"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def inbox_context(settings: Settings, store: StateStore, http: httpx.AsyncClient | None = None) -> WebContext:
    """The app's parts as ``serve`` builds them, on the sandbox named by ``settings``."""
    connection = connection_from_settings(settings)
    config = build_web_config(settings, connection, public_url=PUBLIC_URL)
    gateway = build_gateway(settings, connection=connection, use_mcp=False)
    return WebContext.build(config, store, gateway, http=http or httpx.AsyncClient(timeout=10))


def user(sandbox: RunningSandbox, index: int) -> dict[str, Any]:
    """The sandbox's demo user number ``index`` (0 is the Administrator)."""
    return dict(sandbox.store.users[index])


def accounts_of(sandbox: RunningSandbox, user_id: str) -> list[dict[str, Any]]:
    return [a for a in sandbox.store.list_records("Accounts") if (a.get("Owner") or {}).get("id") == user_id]


def task_for(account_id: str, subject: str, **extra: Any) -> ProposedAction:
    return CreateTaskProposal(
        account_id=account_id,
        target_id=account_id,
        task=TaskDraft(subject=subject, due_date=date(2031, 1, 15), priority="High"),
        rationale=f"Follow up: {subject}",
        evidence=[Citation(record_id=account_id, module="Accounts", excerpt="last contact 40 days ago")],
        origin="rules",
        **extra,
    )


def note_for(account_id: str, content: str) -> ProposedAction:
    return AddNoteProposal(
        account_id=account_id,
        target_id=account_id,
        note=NoteDraft(title="Call summary", content=content),
        rationale="Keep what was agreed on the account.",
        origin="rules",
    )


def fields_for(account_id: str, fields: dict[str, Any]) -> ProposedAction:
    return UpdateFieldsProposal(
        account_id=account_id,
        target_id=account_id,
        fields=fields,
        rationale="The rating no longer matches the account's activity.",
        origin="rules",
    )


def enqueue(store: StateStore, proposal: ProposedAction, *, suspicious: bool = False) -> Recommendation:
    rec, created = store.enqueue(proposal, suspicious=suspicious)
    assert created
    return rec


def sign_in(client: TestClient, sandbox: RunningSandbox, user_id: str, *, next_path: str = "/inbox") -> Any:
    """Sign in through the sandbox's Zoho sign-in page as ``user_id``; returns the page signed in to."""
    start = client.get(f"/auth/start?next={next_path}", follow_redirects=False)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    assert authorize.startswith(sandbox.base_url + "/oauth/v2/auth?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    page = httpx.get(authorize)
    assert page.status_code == 200 and user_id in page.text
    back = httpx.post(f"{sandbox.base_url}/oauth/v2/auth", data={**params, "user_id": user_id})
    assert back.status_code == 302, back.text
    location = back.headers["location"]
    assert location.startswith(PUBLIC_URL + "/auth/callback?")
    return client.get(location.removeprefix(PUBLIC_URL), follow_redirects=True)


def csrf_of(page: Any) -> str:
    found = _CSRF.search(page.text)
    assert found, "no CSRF token on the page"
    return found.group(1)
