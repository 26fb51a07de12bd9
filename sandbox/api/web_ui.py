"""What Zoho's web UI would show for a record link, in the sandbox: the record's JSON.

Zoho's web UI addresses a record as ``https://crm.zoho.<dc>/crm/org<zgid>/tab/<Module>/<id>``; the sandbox
answers the same path under ``/__sandbox/web`` (no token: it stands for a page the person is signed in to),
so links built for real Zoho open the record as stored here.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.responses import ZohoHTTPError, zoho_json

WEB_UI_PREFIX = "/__sandbox/web"


class WebUiApi(Family):
    def routes(self) -> list[BaseRoute]:
        return [Route(WEB_UI_PREFIX + "/crm/{org}/tab/{module}/{record_id}", self.record, methods=["GET"])]

    async def record(self, request: Request) -> Response:
        module, record_id = request.path_params["module"], request.path_params["record_id"]
        found = self.store.get(module, record_id)
        if found is None:
            raise ZohoHTTPError("INVALID_DATA", "the record does not exist", 404, {"id": record_id})
        return zoho_json({"module": module, "record": found})
