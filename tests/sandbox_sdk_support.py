"""The official Zoho SDK pointed at the sandbox (tests of the sandbox through the SDK Zoho publishes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zohocrmsdk.src.com.zoho.api.authenticator.oauth_token import OAuthToken
from zohocrmsdk.src.com.zoho.api.authenticator.store.file_store import FileStore
from zohocrmsdk.src.com.zoho.crm.api.dc.data_center import DataCenter
from zohocrmsdk.src.com.zoho.crm.api.initializer import Initializer
from zohocrmsdk.src.com.zoho.crm.api.sdk_config import SDKConfig

from sandbox.embedded import RunningSandbox


class SandboxDataCenter(DataCenter):
    """A custom data centre whose one environment is the sandbox (API, accounts server, uploads)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def get_iam_url(self) -> str:
        return f"{self.base_url}/oauth/v2/token"

    def get_file_upload_url(self) -> str:
        return self.base_url

    def environment(self) -> DataCenter.Environment:
        return DataCenter.Environment(self.base_url, self.get_iam_url(), self.get_file_upload_url())


def init_sdk(sb: RunningSandbox, workdir: Path, **token_options: Any) -> OAuthToken:
    """Initialise the official SDK (process-wide) against the sandbox with its demo credentials, as a
    developer would for a custom data centre; ``token_options`` go to its ``OAuthToken``."""
    resources = workdir / "sdk-resources"
    resources.mkdir(parents=True, exist_ok=True)
    token = OAuthToken(
        client_id=sb.client_id, client_secret=sb.client_secret, refresh_token=sb.refresh_token, **token_options
    )
    Initializer.initialize(
        environment=SandboxDataCenter(sb.base_url).environment(),
        token=token,
        store=FileStore(str(workdir / "sdk-tokens.csv")),
        sdk_config=SDKConfig(update_api_domain=False),
        resource_path=str(resources),
    )
    return token
