"""The sandbox's demo OAuth client: the credentials a sandbox accepts unless told others.

They are documented, not secret: they only open the local emulator. The sandbox owns them; a client
learns them from the sandbox it started (``RunningSandbox.client_id`` / ``client_secret`` /
``refresh_token``), and a client that reaches a sandbox served by another process keeps its own copy
(the product's ``config.settings.SANDBOX_*``, checked equal to these by a test).
"""

from __future__ import annotations

DEMO_CLIENT_ID = "1000.SANDBOXDEMOCLIENT"
DEMO_CLIENT_SECRET = "sandbox-demo-secret"
DEMO_REFRESH_TOKEN = "1000.sandbox-demo-refresh.token"
