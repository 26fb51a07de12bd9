"""The sandbox owns its demo credentials; the product keeps its own copy (to reach a sandbox served by another
process, where no ``RunningSandbox`` can tell it) and this test keeps the two equal."""

from __future__ import annotations

from config import settings
from sandbox import credentials


def test_the_products_copy_of_the_demo_credentials_is_the_sandboxs() -> None:
    assert settings.SANDBOX_CLIENT_ID == credentials.DEMO_CLIENT_ID
    assert settings.SANDBOX_CLIENT_SECRET == credentials.DEMO_CLIENT_SECRET
    assert settings.SANDBOX_REFRESH_TOKEN == credentials.DEMO_REFRESH_TOKEN
