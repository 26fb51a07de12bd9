"""What Zoho's web UI would show for a record link, in the sandbox: the record's JSON.

Zoho's web UI addresses a record as ``https://crm.zoho.<dc>/crm/org<zgid>/tab/<Module>/<id>``; the sandbox
answers the same path under ``/__sandbox/web`` (no token: it stands for a page the person is signed in to),
so links built for real Zoho open the record as stored here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.responses import zoho_error, zoho_json
from sandbox.state import SandboxState

WEB_UI_PREFIX = "/__sandbox/web"


def routes(state: SandboxState) -> list[BaseRoute]:
    async def record(request: Request) -> Response:
        module, record_id = request.path_params["module"], request.path_params["record_id"]
        found = state.store.get(module, record_id)
        if found is None:
            return zoho_error("INVALID_DATA", "the record does not exist", 404, {"id": record_id})
        return zoho_json({"module": module, "record": found})

    return [Route(WEB_UI_PREFIX + "/crm/{org}/tab/{module}/{record_id}", record, methods=["GET"])]
