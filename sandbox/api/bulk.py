"""The bulk family, Bulk Read (export) at ``/crm/bulk/v8/read`` (``sandbox.bulk`` runs the jobs):

- ``POST /crm/bulk/v8/read`` creates a job (201, 50 credits);
- ``GET /crm/bulk/v8/read/{job_id}`` reports it; ``result`` appears once it is COMPLETED;
- ``GET /crm/bulk/v8/read/{job_id}/result`` downloads the zip; more than 10 downloads a minute answer 429.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from sandbox.api.family import Family
from sandbox.bulk import CREATE_CREDITS, BulkJob, BulkReadService, BulkRequestError
from sandbox.responses import ZohoHTTPError, zoho_json
from sandbox.state import SandboxState


class BulkApi(Family):
    def __init__(self, state: SandboxState) -> None:
        super().__init__(state)
        self.bulk = state.services["bulk"] = BulkReadService(state.store)

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/crm/bulk/v8/read", self.create, methods=["POST"]),
            Route("/crm/bulk/v8/read/{job_id}", self.status, methods=["GET"]),
            Route("/crm/bulk/v8/read/{job_id}/result", self.download, methods=["GET"]),
        ]

    async def shutdown(self) -> None:
        await self.bulk.close()

    async def create(self, request: Request) -> Response:
        caller = self.caller(request)
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            raise ZohoHTTPError("INVALID_DATA", "body is not valid JSON", 400) from None
        try:
            job = self.bulk.create_job(body, caller.user)
        except BulkRequestError as error:
            raise ZohoHTTPError(error.code, str(error), 400, error.details) from None
        self.charge(request, CREATE_CREDITS)
        self.bulk.start(job)
        details = {
            "id": job.id,
            "operation": "read",
            "state": job.state,
            "created_by": job.created_by,
            "created_time": job.created_time,
        }
        added = {
            "status": "success",
            "code": "ADDED_SUCCESSFULLY",
            "message": "Added successfully.",
            "details": details,
        }
        return zoho_json({"data": [added], "info": {}}, 201)

    async def status(self, request: Request) -> Response:
        return zoho_json({"data": [self.job(request).describe()]}, 200)

    async def download(self, request: Request) -> Response:
        job = self.job(request)
        if job.state != "COMPLETED" or job.archive is None:
            raise ZohoHTTPError("INVALID_REQUEST", "the job has not completed yet", 400, {"state": job.state})
        if not self.bulk.limiter.allow():
            raise ZohoHTTPError("TOO_MANY_REQUESTS", "You have exceeded the download limit of 10 per minute", 429)
        return Response(
            job.archive,
            status_code=200,
            media_type="application/zip",
            headers={"Content-Disposition": f'attachment; filename="{job.id}.zip"'},
        )

    def job(self, request: Request) -> BulkJob:
        """The job of the path; 404 RESOURCE_NOT_FOUND when there is none."""
        self.caller(request)
        job = self.bulk.jobs.get(request.path_params["job_id"])
        if job is None:
            raise ZohoHTTPError("RESOURCE_NOT_FOUND", "The requested resource does not exist", 404)
        return job
