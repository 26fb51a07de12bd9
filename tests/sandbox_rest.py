"""Plant data in a test sandbox through its REST API, as a CRM user (or an attacker who can write CRM
data) would: ``SandboxRest(sandbox).update("Accounts", id, {"Account_Name": ...})``."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.embedded import RunningSandbox


def stored(sandbox: RunningSandbox, module: str, record_id: str) -> dict[str, Any]:
    """The record as the sandbox holds it now; fails the test when there is none."""
    record = sandbox.store.get(module, record_id)
    assert record is not None, f"the sandbox holds no {module}/{record_id}"
    return record


def access_token(sandbox: RunningSandbox) -> str:
    """An access token from the sandbox's OAuth endpoint (its demo refresh token)."""
    reply = httpx.post(
        f"{sandbox.base_url}/oauth/v2/token",
        data={
            "grant_type": "refresh_token",
            "client_id": sandbox.client_id,
            "client_secret": sandbox.client_secret,
            "refresh_token": sandbox.refresh_token,
        },
    )
    reply.raise_for_status()
    return str(reply.json()["access_token"])


class SandboxRest:
    def __init__(self, sandbox: RunningSandbox) -> None:
        self.base = f"{sandbox.base_url}/crm/v8"
        self.headers = {"Authorization": f"Zoho-oauthtoken {access_token(sandbox)}"}

    def get(self, module: str, record_id: str) -> dict[str, Any]:
        reply = httpx.get(f"{self.base}/{module}/{record_id}", headers=self.headers)
        reply.raise_for_status()
        row: dict[str, Any] = reply.json()["data"][0]
        return row

    def update(self, module: str, record_id: str, fields: dict[str, Any]) -> None:
        reply = httpx.put(f"{self.base}/{module}", headers=self.headers, json={"data": [{"id": record_id, **fields}]})
        reply.raise_for_status()
        assert reply.json()["data"][0]["status"] == "success", reply.text

    def create(self, module: str, fields: dict[str, Any]) -> str:
        reply = httpx.post(f"{self.base}/{module}", headers=self.headers, json={"data": [fields]})
        reply.raise_for_status()
        return str(reply.json()["data"][0]["details"]["id"])

    def related(self, module: str, record_id: str, related: str, fields: str) -> list[dict[str, Any]]:
        reply = httpx.get(
            f"{self.base}/{module}/{record_id}/{related}", headers=self.headers, params={"fields": fields}
        )
        reply.raise_for_status()
        return [] if reply.status_code == 204 else list(reply.json()["data"])

    def upload(self, module: str, record_id: str, name: str, content: bytes, content_type: str) -> str:
        reply = httpx.post(
            f"{self.base}/{module}/{record_id}/Attachments",
            headers=self.headers,
            files={"file": (name, content, content_type)},
        )
        reply.raise_for_status()
        return str(reply.json()["data"][0]["details"]["id"])
