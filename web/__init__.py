"""The web inbox (``python main.py serve``): account managers sign in with Zoho and decide the proposals for
their own accounts, on the same state store and through the same executor as ``approve``.

    app.py              the Starlette app and its error pages (``create_app``)
    config.py           what the app needs to know (public URL, OAuth client, admins, cookie flags)
    context.py          the app's parts (``WebContext.build``), the viewer, CSRF and ownership checks, rendering
    sessions.py         server-side sessions in the state store; the signed-in ``Viewer``
    security.py         security headers (CSP), the CSRF check, an access log without query strings
    ownership.py        who owns which account, read from Zoho and trusted briefly; who may see what
    record_values.py    field values now in Zoho (the old side of a diff), trusted briefly
    timed_cache.py      the small cache both use
    inbox_view.py       what a page shows for a proposal (finding, evidence, exact change), all text made safe
    editing_form.py     the terminal's edit questions and validation, as a form
    actions.py          approve / edit / reject / skip through ``approvals.decisions`` and ``approvals.executor``
    memory_access.py    the memory timeline, read-only and optional
    links.py            links to a record in Zoho's web UI (or the sandbox's record JSON)
    *_routes.py         the pages: sign-in, inbox, decisions, accounts
    templates/, static/ Jinja2 templates (autoescaped), one stylesheet and a few lines of script (a write still
                        on its way is watched until it lands); no build step
"""
