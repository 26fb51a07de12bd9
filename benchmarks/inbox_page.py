"""Server time of the web inbox's page with 1,000 pending proposals, printed as JSON.

The real app (``web.app.create_app``) on a real SQLite state store and gateway, against the sandbox's
5,000-account org: 1,000 pending proposals (tasks, notes, field updates) on 400 accounts with review scores.
An administrator's inbox (all 1,000, paginated) and a standard user's (theirs only) are fetched in-process
(starlette's TestClient, so the time is the server's plus a few microseconds of in-process transport):
the first request reads the owners from Zoho and pays the one-time costs (templates, the service token: cold),
the next ones use the owner cache (warm, median); ``admin_inbox_owners_reread_ms`` is a request after the
owner cache expired (what one request a minute pays with the default SERGAS_INBOX_OWNER_CACHE_SECONDS).
``--page-size 1000`` puts every proposal on one page to show what pagination saves.

    .venv/bin/python -m benchmarks.inbox_page [--accounts 5000] [--proposals 1000] [--repeat 15] [--page-size 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from config import load_settings
from domain.proposals import (
    AddNoteProposal,
    Citation,
    CreateTaskProposal,
    NoteDraft,
    ProposedAction,
    TaskDraft,
    UpdateFieldsProposal,
)
from integrations.zoho.connection import connection_from_sandbox
from integrations.zoho.factory import build_gateway
from integrations.zoho.signin import ZohoPerson
from sandbox.embedded import start_sandbox
from state.store import StateStore
from web.app import create_app
from web.config import build_web_config
from web.context import WebContext
from web.sessions import Sessions

BUDGET_MS = 300.0


def _proposal(n: int, account_id: str) -> ProposedAction:
    evidence = [Citation(record_id=account_id, module="Accounts", excerpt=f"no activity for {30 + n % 90} days")]
    common: dict[str, Any] = {
        "account_id": account_id,
        "target_id": account_id,
        "origin": "rules",
        "evidence": evidence,
    }
    if n % 3 == 0:
        task = TaskDraft(subject=f"Follow-up call #{n}", due_date=date(2031, 1, 1 + n % 28), priority="High")
        return CreateTaskProposal(task=task, rationale=f"Quiet account ({n}).", **common)
    if n % 3 == 1:
        note = NoteDraft(title=f"Renewal context #{n}", content="The customer asked for the renewal quote.\n" * 3)
        return AddNoteProposal(note=note, rationale=f"Keep the context ({n}).", **common)
    return UpdateFieldsProposal(fields={"Rating": f"R{n}"}, rationale=f"Rating is stale ({n}).", **common)


def _fill(store: StateStore, accounts: list[dict[str, Any]], proposals: int) -> None:
    run_id = store.start_run("review", {"benchmark": True})
    chosen = accounts[:400]
    for n in range(proposals):
        store.enqueue(_proposal(n, chosen[n % len(chosen)]["id"]), run_id=run_id, suspicious=n % 50 == 0)
    for i, account in enumerate(chosen):
        signals = [{"kind": "silent_account", "severity": "high", "summary": "No activity for 90 days"}]
        store.save_review_result(run_id, account["id"], float(i % 100), signals, [])
    store.finish_run(run_id, "succeeded", {})


def _time(client: TestClient, path: str, repeat: int) -> dict[str, float]:
    started = time.perf_counter()
    first = client.get(path)
    cold = (time.perf_counter() - started) * 1000
    assert first.status_code == 200, first.text[:500]
    warm = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert client.get(path).status_code == 200
        warm.append((time.perf_counter() - started) * 1000)
    return {
        "cold_ms": round(cold, 1),
        "warm_median_ms": round(statistics.median(warm), 1),
        "warm_max_ms": round(max(warm), 1),
        "bytes": len(first.content),
    }


def _viewer_cookie(sessions: Sessions, user: dict[str, Any], admin: bool) -> str:
    person = ZohoPerson(
        user_id=str(user["id"]),
        email=user["email"],
        name=user["full_name"],
        profile=user["profile"]["name"],
        active=True,
    )
    return sessions.create(person, admin=admin)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--page-size", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, start_sandbox(Path(tmp) / "sb", accounts=args.accounts, seed=42) as sb:
        settings = load_settings(home=Path(tmp) / "home")
        connection = connection_from_sandbox(sb, settings)
        store = StateStore.open(settings)
        accounts = sb.store.list_records("Accounts")
        _fill(store, accounts, args.proposals)
        gateway = build_gateway(settings, connection=connection, use_mcp=False)
        config = build_web_config(settings, connection, public_url="http://testserver")
        config.page_size = args.page_size
        config.owner_cache_seconds = 3600
        ctx = WebContext.build(config, store, gateway, http=httpx.AsyncClient())  # sessions are made directly
        sessions = ctx.sessions
        admin, standard = sb.store.users[0], sb.store.users[1]
        results: dict[str, Any] = {"proposals_pending": args.proposals, "page_size": args.page_size}
        with TestClient(create_app(ctx), base_url="http://testserver") as client:
            client.cookies.set(config.session_cookie, _viewer_cookie(sessions, admin, True))
            results["admin_inbox_page_1"] = _time(client, "/inbox", args.repeat)
            results["admin_inbox_last_page"] = _time(client, "/inbox?page=100000", args.repeat)
            ctx.owners.forget()  # what every request pays once the owners' TTL ran out: reading them again
            started = time.perf_counter()
            assert client.get("/inbox").status_code == 200
            results["admin_inbox_owners_reread_ms"] = round((time.perf_counter() - started) * 1000, 1)
            client.cookies.set(config.session_cookie, _viewer_cookie(sessions, standard, False))
            results["standard_user_inbox"] = _time(client, "/inbox", args.repeat)
        results["budget_ms"] = BUDGET_MS
        results["within_budget_warm"] = all(
            v["warm_median_ms"] < BUDGET_MS for v in results.values() if isinstance(v, dict)
        )
        store.close()
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
