"""The account page: the brief (``briefs.build_brief``), the memory timeline (read-only; may be absent), the
open and past proposals of the account, and its entry in the latest review. Admins can open the full review
report (served under a CSP that allows its inline styles and nothing else).

    GET /accounts/{account_id}
    GET /reports/{run_id}          admins only
"""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from briefs.builder import build_brief
from briefs.models import Brief
from integrations.zoho.errors import ZohoError
from web.context import PageError, WebContext
from web.inbox_routes import cards_for, current_values

OPEN = ("pending", "failed", "approved", "executing")
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
_RUN_ID = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")


def brief_sections(brief: Brief, links: Any) -> list[tuple[str, list[dict[str, Any]], str]]:
    """(title, lines, what to say when empty); each line: text, its record link, a flag."""

    def lines(items: list[Any]) -> list[dict[str, Any]]:
        out = []
        for item in items:
            flag = getattr(item, "severity", None) or ("overdue" if getattr(item, "overdue", False) else None)
            url = links.record(item.module, item.record_id) if item.record_id and item.source == "zoho" else None
            out.append({"text": item.text, "url": url, "flag": flag, "ref": item.record_id})
        return out

    return [
        ("Open risks", lines(brief.risks), "None found by the triage."),
        ("Suggested talking points", lines(brief.talking_points), "None."),
        ("Open deals", lines(brief.open_deals), "No open deals."),
        ("Open tasks", lines(brief.open_tasks), "No open tasks."),
        ("Contacts", lines(brief.contacts), "No contacts."),
        ("Recent notes", lines(brief.recent_notes), "No notes."),
    ]


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def account(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        account_id = request.path_params["account_id"]
        owner = await ctx.visible_account(viewer, account_id)
        links = ctx.links(viewer)
        memory = ctx.memory.memory if ctx.memory is not None else None
        brief, brief_error = None, None
        try:
            brief = await build_brief(
                ctx.gateway, memory, account_id, thresholds=ctx.config.thresholds, product_names=ctx.products
            )
        except ZohoError as exc:
            brief_error = f"{exc.message}. {exc.hint}"
        history: list[Any] = []
        history_status = "Long-term memory is not configured."
        if ctx.memory is not None:
            history, history_status = await ctx.memory.timeline(account_id)
        recs = ctx.store.list_recommendations(account_id=account_id)
        current, error = await current_values(ctx, [r for r in recs if r.status in OPEN])
        make, _ = cards_for(ctx, viewer, recs, current, error)
        result = ctx.store.latest_review_results([account_id]).get(account_id)
        report = ctx.config.reports_dir / f"review-{result.run_id}.html" if result else None
        return ctx.render(
            request,
            "account.html",
            viewer,
            owner=owner,
            account_url=links.record("Accounts", account_id),
            brief=brief,
            brief_error=brief_error,
            sections=brief_sections(brief, links) if brief else [],
            history=[{"text": h.text, "at": h.at} for h in history],
            history_status=history_status,
            open_cards=[make(r) for r in recs if r.status in OPEN],
            past_cards=[make(r) for r in reversed(recs) if r.status not in OPEN],
            result=result,
            report_available=bool(viewer.is_admin and report is not None and report.exists()),
        )

    async def report(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        run_id = request.path_params["run_id"]
        if not viewer.is_admin:
            raise PageError(403, "For admins only", "The full review report covers every account; ask an admin.")
        path = ctx.config.reports_dir / f"review-{run_id}.html"
        if not _RUN_ID.match(run_id) or not path.is_file():
            raise PageError(404, "No such report", "There is no review report with this run id.")
        return HTMLResponse(path.read_text(encoding="utf-8"), headers={"content-security-policy": REPORT_CSP})

    return [
        Route("/accounts/{account_id}", account, methods=["GET"]),
        Route("/reports/{run_id}", report, methods=["GET"]),
    ]
