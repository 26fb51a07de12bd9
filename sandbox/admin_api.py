"""``/__sandbox/*``: health, manifest (ground truth), stats, faults, config, clock, credits, grant codes.
No auth.

- ``GET /__sandbox/stats``: calls and credits since the last reset, and ``org_credits`` (edition, limit,
  used, left, next_release_at) of the rolling 24-hour window.
- ``GET|POST /__sandbox/clock``: the sandbox clock; ``{"advance_seconds": N}`` moves it (credits roll
  back in, channels expire, Modified_Time stamps follow).
- ``POST /__sandbox/credits``: ``{"spend": N}`` spends N of the org's credits now, as another
  integration of the same org would.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.clock import iso
from sandbox.faults import FaultSpec
from sandbox.responses import zoho_error, zoho_json
from sandbox.state import SandboxState


class ConfigUpdate(BaseModel):
    concurrency_limit: int | None = Field(default=None, ge=1, le=1000)
    token_ttl_seconds: float | None = Field(default=None, gt=0)
    page_token_ttl_seconds: float | None = Field(default=None, gt=0)


class ClockUpdate(BaseModel):
    advance_seconds: float = Field(ge=-30 * 86_400, le=366 * 86_400)


class CreditSpend(BaseModel):
    spend: int = Field(ge=1, le=100_000_000)


async def _json(request: Request) -> Any:
    body = await request.body()
    return json.loads(body) if body.strip() else {}


Body = TypeVar("Body", bound=BaseModel)


async def _parsed(request: Request, model: type[Body], what: str) -> Body | Response:
    """The request body as ``model``, or Zoho's INVALID_DATA answer naming ``what`` was bad."""
    try:
        return model.model_validate(await _json(request))
    except (ValidationError, ValueError) as exc:
        return zoho_error("INVALID_DATA", f"bad {what}: {exc}", 400)


def routes(state: SandboxState) -> list[BaseRoute]:
    async def health(request: Request) -> Response:
        return zoho_json(
            {
                "status": "ok",
                "base_url": state.base_url,
                "records": {m: state.store.count(m) for m in ("Accounts", "Contacts", "Deals", "Tasks", "Notes")},
            }
        )

    async def manifest(request: Request) -> Response:
        return zoho_json(state.store.manifest)

    async def stats(request: Request) -> Response:
        return zoho_json(state.stats.snapshot())

    async def stats_reset(request: Request) -> Response:
        state.stats.reset()
        return zoho_json(state.stats.snapshot())

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            state.faults.clear()
            return zoho_json({"faults": []})
        if request.method == "GET":
            return zoho_json({"faults": state.faults.active()})
        spec = await _parsed(request, FaultSpec, "fault")
        if isinstance(spec, Response):
            return spec
        if spec.kind == "expire_tokens":
            expired = state.tokens.expire_all()
            return zoho_json({"expired_tokens": expired, "faults": state.faults.active()})
        state.faults.add(spec)
        return zoho_json({"faults": state.faults.active()})

    async def config(request: Request) -> Response:
        if request.method == "POST":
            update = await _parsed(request, ConfigUpdate, "config")
            if isinstance(update, Response):
                return update
            state.configure(**update.model_dump())
        cfg = state.config
        return zoho_json(
            {
                "concurrency_limit": cfg.concurrency_limit,
                "token_ttl_seconds": cfg.token_ttl_seconds,
                "page_token_ttl_seconds": cfg.page_token_ttl_seconds,
            }
        )

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            move = await _parsed(request, ClockUpdate, "clock update")
            if isinstance(move, Response):
                return move
            state.clock.advance(move.advance_seconds)
        return zoho_json({"now": iso(state.clock()), "offset_seconds": state.clock.offset_seconds})

    async def credits(request: Request) -> Response:
        if state.credits is None:
            return zoho_error("INVALID_DATA", "this sandbox meters no credits", 400)
        if request.method == "POST":
            spend = await _parsed(request, CreditSpend, "credit spend")
            if isinstance(spend, Response):
                return spend
            state.credits.charge(spend.spend)
        return zoho_json(state.credits.snapshot())

    async def grant_code(request: Request) -> Response:
        return zoho_json({"code": state.tokens.issue_grant_code(str(state.token_user["id"]))})

    return [
        Route("/__sandbox/health", health, methods=["GET"]),
        Route("/__sandbox/manifest", manifest, methods=["GET"]),
        Route("/__sandbox/stats", stats, methods=["GET"]),
        Route("/__sandbox/stats/reset", stats_reset, methods=["POST"]),
        Route("/__sandbox/faults", faults, methods=["GET", "POST", "DELETE"]),
        Route("/__sandbox/config", config, methods=["GET", "POST"]),
        Route("/__sandbox/grant_code", grant_code, methods=["POST"]),
        Route("/__sandbox/clock", clock, methods=["GET", "POST"]),
        Route("/__sandbox/credits", credits, methods=["GET", "POST"]),
    ]
