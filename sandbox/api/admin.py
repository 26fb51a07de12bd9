"""``/__sandbox/*``, the sandbox's own controls (no auth, no accounting): health, manifest (ground truth),
stats, faults, config, clock, credits, grant codes. Families add their own (``/__sandbox/notifications/
deliveries``, ``/__sandbox/attachments/manifest``).

- ``GET /__sandbox/stats``: calls and credits since the last reset, and ``org_credits`` (edition, limit,
  used, left, next_release_at) of the rolling 24-hour window.
- ``GET|POST /__sandbox/clock``: the sandbox clock; ``{"advance_seconds": N}`` moves it (credits roll
  back in, channels expire, Modified_Time stamps follow).
- ``POST /__sandbox/credits``: ``{"spend": N}`` spends N of the org's credits now, as another
  integration of the same org would.
"""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, Field, ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.clock import iso
from sandbox.faults import FaultSpec
from sandbox.responses import ZohoHTTPError, zoho_json

HEALTH_MODULES = ("Accounts", "Contacts", "Deals", "Tasks", "Notes", "Products")


class ConfigUpdate(BaseModel):
    concurrency_limit: int | None = Field(default=None, ge=1, le=1000)
    token_ttl_seconds: float | None = Field(default=None, gt=0)
    page_token_ttl_seconds: float | None = Field(default=None, gt=0)


class ClockUpdate(BaseModel):
    advance_seconds: float = Field(ge=-30 * 86_400, le=366 * 86_400)


class CreditSpend(BaseModel):
    spend: int = Field(ge=1, le=100_000_000)


Body = TypeVar("Body", bound=BaseModel)


async def parsed(request: Request, model: type[Body], what: str) -> Body:
    """The request body as ``model``; Zoho's INVALID_DATA naming ``what`` was bad otherwise."""
    raw = await request.body()
    try:
        return model.model_validate(json.loads(raw) if raw.strip() else {})
    except (ValidationError, ValueError) as exc:
        raise ZohoHTTPError("INVALID_DATA", f"bad {what}: {exc}", 400) from None


class AdminApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/__sandbox/health", self.health, methods=["GET"]),
            Route("/__sandbox/manifest", self.manifest, methods=["GET"]),
            Route("/__sandbox/stats", self.stats, methods=["GET"]),
            Route("/__sandbox/stats/reset", self.stats_reset, methods=["POST"]),
            Route("/__sandbox/faults", self.faults, methods=["GET", "POST", "DELETE"]),
            Route("/__sandbox/config", self.config, methods=["GET", "POST"]),
            Route("/__sandbox/grant_code", self.grant_code, methods=["POST"]),
            Route("/__sandbox/clock", self.clock, methods=["GET", "POST"]),
            Route("/__sandbox/credits", self.credits, methods=["GET", "POST"]),
        ]

    async def health(self, request: Request) -> Response:
        records = {m: self.store.count(m) for m in HEALTH_MODULES}
        return zoho_json({"status": "ok", "base_url": self.state.base_url, "records": records})

    async def manifest(self, request: Request) -> Response:
        return zoho_json(self.store.manifest)

    async def stats(self, request: Request) -> Response:
        return zoho_json(self.state.stats.snapshot())

    async def stats_reset(self, request: Request) -> Response:
        self.state.stats.reset()
        return zoho_json(self.state.stats.snapshot())

    async def faults(self, request: Request) -> Response:
        faults = self.state.faults
        if request.method == "DELETE":
            faults.clear()
            return zoho_json({"faults": []})
        if request.method == "GET":
            return zoho_json({"faults": faults.active()})
        spec = await parsed(request, FaultSpec, "fault")
        if spec.kind == "expire_tokens":
            expired = self.state.tokens.expire_all()
            return zoho_json({"expired_tokens": expired, "faults": faults.active()})
        faults.add(spec)
        return zoho_json({"faults": faults.active()})

    async def config(self, request: Request) -> Response:
        if request.method == "POST":
            update = await parsed(request, ConfigUpdate, "config")
            self.state.configure(**update.model_dump())
        cfg = self.state.config
        return zoho_json(
            {
                "concurrency_limit": cfg.concurrency_limit,
                "token_ttl_seconds": cfg.token_ttl_seconds,
                "page_token_ttl_seconds": cfg.page_token_ttl_seconds,
            }
        )

    async def clock(self, request: Request) -> Response:
        clock = self.state.clock
        if request.method == "POST":
            move = await parsed(request, ClockUpdate, "clock update")
            clock.advance(move.advance_seconds)
        return zoho_json({"now": iso(clock()), "offset_seconds": clock.offset_seconds})

    async def credits(self, request: Request) -> Response:
        window = self.state.credits
        if window is None:
            raise ZohoHTTPError("INVALID_DATA", "this sandbox meters no credits", 400)
        if request.method == "POST":
            spend = await parsed(request, CreditSpend, "credit spend")
            window.charge(spend.spend)
        return zoho_json(window.snapshot())

    async def grant_code(self, request: Request) -> Response:
        return zoho_json({"code": self.state.tokens.issue_grant_code(str(self.state.token_user["id"]))})
