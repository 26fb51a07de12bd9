"""What every API family is: named handlers (methods) over one shared ``SandboxState``, and its routes.

A family's handler is an ``async def name(self, request) -> Response`` method. It learns who calls with
``self.caller(request)`` (the ``Caller`` the middleware's gate admitted: token, scopes; ``sandbox.access``),
refuses a request by raising ``ZohoHTTPError`` (the app answers with Zoho's envelope), and charges the call
with ``self.charge(request, credits)`` when it costs what the middleware's default would not say
(``sandbox.stats``). ``startup`` / ``shutdown`` run with the server's lifespan.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import BaseRoute

from sandbox.access import Caller
from sandbox.state import SandboxState
from sandbox.store import SandboxStore


def endpoint_label(request: Request) -> str:
    """``"GET /crm/v8/{module}"``: the method and the path template of the route that answered."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


class Family:
    """One API family of the sandbox."""

    def __init__(self, state: SandboxState) -> None:
        self.state = state

    @property
    def store(self) -> SandboxStore:
        return self.state.store

    def routes(self) -> list[BaseRoute]:
        raise NotImplementedError

    async def startup(self) -> None:
        """Run when the server starts (default: nothing)."""

    async def shutdown(self) -> None:
        """Run when the server stops (default: nothing)."""

    def caller(self, request: Request) -> Caller:
        return self.state.caller(request)

    def charge(self, request: Request, credits: int, label: str | None = None) -> None:
        """Charge this call ``credits`` (in place of the middleware's default), under its route's label."""
        self.state.stats.record(label or endpoint_label(request), credits)
