"""The web inbox (``python main.py serve``): account managers sign in with Zoho and decide the proposals for
their own accounts, on the same state store and through the same executor as ``approve``.

    app.py         the Starlette app: routes, middleware, error pages (``create_app``)
    config.py      what the app needs to know (public URL, OAuth client, admins, cookie flags)
    sessions.py    server-side sessions in the state store; the signed-in ``Viewer``
    security.py    security headers (CSP), CSRF check, access log without query strings
    ownership.py   who owns which account, read from Zoho and cached briefly; who may see what
    inbox_view.py  what a page shows for a proposal (finding, evidence, exact change), all text made safe
    actions.py     approve / edit / reject / skip through ``approvals.decisions`` and ``approvals.executor``
    links.py       links to a record in Zoho's web UI (or the sandbox's record JSON)
    *_routes.py    the pages: sign-in, inbox and proposals, accounts
"""
