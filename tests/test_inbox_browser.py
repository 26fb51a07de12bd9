"""The web inbox in a real Chromium (Playwright, Debian's /usr/bin/chromium; never a browser download),
against the sandbox and the state store: the keyless ``review`` proposes, ``python main.py serve`` serves,
two demo users sign in through the sandbox's Zoho sign-in page, each sees only their own accounts'
proposals; one approves a task, edits a note and approves it, rejects a field update with a reason; the
other approves two at once after the confirmation. The sandbox holds each approved write once and the
rejected one not at all, and ``audit`` names who decided each. Screenshots of the inbox (desktop and a
390-px phone) go to the test's directory, and to docs/screenshots/ with SERGAS_SAVE_SCREENSHOTS=1."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_support import ROOT, free_port, run_main, sandbox_cli_env
from inbox_support import enqueue, fields_for, note_for
from playwright.sync_api import expect
from sandbox_rest import stored

from approvals.executor import EXECUTOR_LOCK
from config import load_settings
from sandbox.embedded import RunningSandbox
from state.store import StateStore

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Read at import: the suite's autouse fixture clears SERGAS_* variables before each test.
SAVE_SCREENSHOTS = os.environ.get("SERGAS_SAVE_SCREENSHOTS") == "1"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium: scripts/install --test installs it"),
]


@pytest.fixture
def org(tmp_path: Path) -> Iterator[RunningSandbox]:
    from sandbox.embedded import start_sandbox

    with start_sandbox(tmp_path / "sandbox", accounts=40, seed=11) as running:
        yield running


@pytest.fixture
def served(org: RunningSandbox, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """The keyless review's proposals (plus a note and a field update per owner), served by `serve`."""
    env = sandbox_cli_env(org, tmp_path / "home")
    review = run_main(env, "review", "--json")
    assert review.returncode == 0, review.stderr
    settings = load_settings(home=tmp_path / "home")
    with StateStore.open(settings) as store:
        owners = _owners_with_tasks(org, store)
        for account_id in owners.values():
            enqueue(store, note_for(account_id, "Spoke with the buyer; they want the renewal quote by Friday."))
            enqueue(store, fields_for(account_id, {"Rating": "Cold"}))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, server)
        yield {"base": base, "env": env, "settings": settings, "owners": owners}
    finally:
        server.terminate()
        server.wait(timeout=30)


def _owners_with_tasks(org: RunningSandbox, store: StateStore) -> dict[str, str]:
    """Two standard users whose accounts got a task from the review: user id → one such account."""
    owner_of = {a["id"]: (a.get("Owner") or {}).get("id") for a in org.store.list_records("Accounts")}
    admin = org.store.users[0]["id"]
    found: dict[str, str] = {}
    for rec in store.list_recommendations(status="pending", kind="create_task"):
        owner = owner_of.get(rec.proposal.account_id)
        if owner and owner != admin and owner not in found:
            found[owner] = rec.proposal.account_id
    assert len(found) >= 2, "the review proposed tasks for fewer than two standard users"
    return dict(list(found.items())[:2])


def _wait_ready(base: str, server: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited: {server.stdout.read() if server.stdout else ''}")
        try:
            if httpx.get(f"{base}/signin", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise AssertionError("serve did not answer within two minutes")


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _sign_in(browser: Any, base: str, user: dict[str, Any], *, width: int = 1280, height: int = 900) -> Any:
    page = browser.new_context(viewport={"width": width, "height": height}).new_page()
    page.goto(f"{base}/inbox")
    assert "/signin" in page.url
    page.get_by_role("link", name="Sign in with Zoho").click()
    page.wait_for_url("**/oauth/v2/auth?**")
    page.get_by_role("button", name=user["full_name"]).click()
    page.wait_for_url(f"{base}/inbox")
    assert user["full_name"] in page.locator("header").inner_text()
    return page


def _card(page: Any, text: str) -> Any:
    return page.locator("article.card", has_text=text).first


def _save_screenshots(page: Any, tmp_path: Path) -> list[Path]:
    shots = []
    for name, size in (("inbox-desktop.png", (1280, 900)), ("inbox-phone.png", (390, 844))):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        path = tmp_path / name
        page.screenshot(path=str(path), full_page=False)
        shots.append(path)
    if SAVE_SCREENSHOTS:
        target = ROOT / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        for path in shots:
            shutil.copy(path, target / path.name)
    return shots


def approve_edit_and_reject(page: Any, task_id: str, note_id: str, update_id: str) -> None:
    """With the mouse: approve the task, edit the note's content and approve it, reject the update with a reason."""
    page.locator(f"#p-{task_id}").get_by_role("button", name="Approve").click()
    page.wait_for_selector("section.done")
    assert "Written to Zoho" in page.locator("section.done").inner_text()

    page.locator(f"#p-{note_id}").get_by_role("link", name="Edit").click()
    page.get_by_label("Content").fill("Spoke with the buyer; the renewal quote goes out Thursday.")
    page.get_by_role("button", name="Approve as edited").click()
    page.wait_for_selector("section.done")

    card = page.locator(f"#p-{update_id}")
    card.locator("summary", has_text="Reject").click()
    card.get_by_label("Why reject it?").fill("The account is active; the rating stays.")
    card.get_by_role("button", name="Reject", exact=True).click()
    page.wait_for_selector("section.done")


def test_two_account_managers_decide_their_own_proposals_in_a_real_browser(
    org: RunningSandbox, served: dict[str, Any], browser: Any, tmp_path: Path
) -> None:
    base, settings = served["base"], served["settings"]
    (first_id, first_account), (second_id, second_account) = served["owners"].items()
    first, second = org.store.user(first_id), org.store.user(second_id)
    assert first is not None and second is not None, served["owners"]
    with StateStore.open(settings) as store:
        pending = store.list_recommendations(status="pending")
    owner_of = {a["id"]: (a.get("Owner") or {}).get("id") for a in org.store.list_records("Accounts")}
    mine = [r for r in pending if owner_of[r.proposal.account_id] == first_id]
    theirs = [r for r in pending if owner_of[r.proposal.account_id] != first_id]

    page = _sign_in(browser, base, first)
    html = page.content()
    assert all(r.id in html for r in mine) and not any(r.id in html for r in theirs)
    shots = _save_screenshots(page, tmp_path)
    assert all(p.stat().st_size > 10_000 for p in shots)
    page.set_viewport_size({"width": 1280, "height": 900})

    task = next(r for r in mine if r.proposal.kind == "create_task")
    note = next(r for r in mine if r.proposal.kind == "add_note")
    update = next(r for r in mine if r.proposal.kind == "update_fields")
    approve_edit_and_reject(page, task.id, note.id, update.id)

    other = _sign_in(browser, base, second, width=390, height=844)  # the phone, with the keyboard only
    other_html = other.content()
    assert not any(r.id in other_html for r in mine)
    their_tasks = [
        r for r in pending if owner_of[r.proposal.account_id] == second_id and r.proposal.kind == "create_task"
    ]
    chosen = [
        their_tasks[0].id,
        next(r.id for r in pending if r.proposal.account_id == second_account and r.proposal.kind == "add_note"),
    ]
    for rec_id in chosen:
        other.locator(f"#sel-{rec_id}").focus()
        other.keyboard.press("Space")
    other.get_by_role("button", name="Approve selected…").focus()
    other.keyboard.press("Enter")
    other.wait_for_url(f"{base}/proposals/batch")
    with StateStore.open(settings) as store:  # a terminal `approve` is executing: the writes must wait for it
        assert store.acquire_run_lock(EXECUTOR_LOCK, owner="a terminal approve", ttl_seconds=600)
        other.get_by_role("button", name="Approve and write 2").click()
        waiting = other.locator("section.done li")
        expect(waiting.first).to_contain_text("approved, being sent to Zoho")
        store.release_run_lock(EXECUTOR_LOCK, "a terminal approve")
    for line in range(2):  # the page's script watches them land (the server retried once the lock was free)
        expect(waiting.nth(line)).to_contain_text("written to Zoho", timeout=60_000)

    _check_writes(org, settings, task, note, update, chosen)
    _check_audit(served["env"], first, second, [task.id, note.id, update.id], chosen)


def _check_writes(org: RunningSandbox, settings: Any, task: Any, note: Any, update: Any, chosen: list[str]) -> None:
    tasks = org.store.list_records("Tasks")
    assert len([t for t in tasks if t.get("Subject") == task.proposal.task.subject]) == 1
    notes = [n for n in org.store.list_records("Notes") if "goes out Thursday" in str(n.get("Note_Content"))]
    assert len(notes) == 1
    assert stored(org, "Accounts", update.proposal.account_id)["Rating"] != "Cold"
    with StateStore.open(settings) as store:
        statuses = {r: store.get_recommendation(r).status for r in [task.id, note.id, *chosen]}  # type: ignore[union-attr]
        assert set(statuses.values()) == {"executed"}, statuses
        assert store.get_recommendation(update.id).status == "rejected"  # type: ignore[union-attr]


def _check_audit(
    env: dict[str, str], first: dict[str, Any], second: dict[str, Any], by_first: list[str], by_second: list[str]
) -> None:
    audit = run_main(env, "audit", "--json")
    assert audit.returncode == 0, audit.stderr
    chains = {c["recommendation"]["id"]: c for c in json.loads(audit.stdout)["chains"]}
    for rec_ids, person in ((by_first, first), (by_second, second)):
        for rec_id in rec_ids:
            deciders = [d["agent_id"] for d in chains[rec_id]["decisions"]]
            assert deciders == [f"{person['email']} (Zoho user {person['id']})"], deciders
    shown = run_main(env, "audit")
    assert first["email"] in shown.stdout and second["email"] in shown.stdout
