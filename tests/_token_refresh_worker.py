"""Run by the token store tests in separate processes: refresh one token through a slow fake accounts
server, after waiting at a start line, and print the access token it ended up with.

With a sixth argument (an accounts URL, e.g. a sandbox's), the real accounts server is asked with the
sandbox's demo credentials instead, and a refusal is printed as ``REFUSED <ZohoError class>: <message>``."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
from pydantic import SecretStr

from config.settings import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_REFRESH_TOKEN
from integrations.zoho.errors import ZohoError
from integrations.zoho.oauth import OAuthClient, TokenManager
from integrations.zoho.token_store import FileTokenStore, SecretCodec, SqliteTokenStore, TokenStore


def _store(kind: str, where: str, key: str | None) -> TokenStore:
    codec = SecretCodec(key)
    if kind == "file":
        return FileTokenStore(Path(where), codec=codec)
    if kind == "sqlite":
        return SqliteTokenStore(Path(where), codec=codec)
    from integrations.zoho.token_store.postgres_store import PostgresTokenStore

    return PostgresTokenStore(where, codec=codec)


async def main(
    kind: str, where: str, counter: str, start_line: str, key: str | None, accounts_url: str | None = None
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        with Path(counter).open("a") as fh:
            fh.write("refresh\n")
        time.sleep(0.5)  # a slow accounts server: the other process must wait, not refresh too
        return httpx.Response(200, json={"access_token": f"1000.{time.time_ns()}", "expires_in": 3600})

    store = _store(kind, where, key)
    if accounts_url:
        client = OAuthClient(
            accounts_url=accounts_url,
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SecretStr(SANDBOX_CLIENT_SECRET),
            refresh_token=SecretStr(SANDBOX_REFRESH_TOKEN),
        )
        http = httpx.AsyncClient()
    else:
        client = OAuthClient(
            accounts_url="http://accounts.test",
            client_id="1000.CID",
            client_secret=SecretStr("secret"),
            refresh_token=SecretStr("1000.rt"),
        )
        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    tokens = TokenManager(client, store, http=http)
    Path(f"{start_line}.ready.{os.getpid()}").touch()
    while not Path(start_line).exists():
        await asyncio.sleep(0.01)
    try:
        print(await tokens.access_token())
    except ZohoError as exc:
        print(f"REFUSED {type(exc).__name__}: {exc}")
    store.close()


if __name__ == "__main__":
    key_arg = sys.argv[5] if len(sys.argv) > 5 and sys.argv[5] != "-" else None
    kind, where, counter, start_line = sys.argv[1:5]
    asyncio.run(main(kind, where, counter, start_line, key_arg, sys.argv[6] if len(sys.argv) > 6 else None))
