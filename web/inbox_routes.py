"""The inbox's reading pages, and the card-building helpers the other pages share. Every page checks the
session, then the ownership of each proposal's account (read from Zoho); ids in the URL are never trusted.
The decisions themselves: ``web.decision_routes``.

    GET  /                            to the inbox (or the sign-in page)
    GET  /inbox                       pending proposals of the viewer's accounts (admins: all, ?owner=ID)
    GET  /proposals/{id}              one proposal with the records as read from Zoho now
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from approvals.proposal_view import compares_current
from domain.proposals import ProposedAction
from domain.recommendations import Recommendation
from integrations.zoho.errors import ZohoError
from state.models import RecommendationRef
from web.context import PageError, WebContext
from web.inbox_view import Card, card, group_cards, order_for_inbox
from web.ownership import AccountOwner, may_see
from web.sessions import Viewer

DECIDABLE = ["pending", "failed"]
MAX_BATCH = 200


def _looks_injected() -> Any:
    from hooks.injection import looks_like_injection

    return looks_like_injection


async def current_values(
    ctx: WebContext, recs: Sequence[Recommendation], *, fresh: bool = False
) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The Zoho records that field updates on this page would change (record id → raw fields); read
    within the last ``SERGAS_INBOX_OWNER_CACHE_SECONDS`` unless ``fresh``."""
    by_module: dict[str, set[str]] = {}
    for rec in recs:
        if compares_current(rec.proposal):
            by_module.setdefault(rec.proposal.target_module, set()).add(rec.proposal.target_id)
    found: dict[str, dict[str, Any]] = {}
    try:
        for module, ids in by_module.items():
            found.update(await ctx.records.values(module, sorted(ids), fresh=fresh))
    except ZohoError as exc:
        return found, f"the values now in Zoho could not be read ({exc.message})"
    return found, None


def cards_for(
    ctx: WebContext,
    viewer: Viewer,
    recs: Sequence[Recommendation],
    current: dict[str, dict[str, Any]],
    error: str | None,
) -> Any:
    results = ctx.store.latest_review_results({r.proposal.account_id for r in recs})
    links, injected = ctx.links(viewer), _looks_injected()

    def make(rec: Recommendation) -> Card:
        compares = compares_current(rec.proposal)
        now = current.get(rec.proposal.target_id) if compares else None
        return card(
            rec,
            links=links,
            account_name=ctx.owners.known_name(rec.proposal.account_id),
            result=results.get(rec.proposal.account_id),
            current=now,
            current_error=error if compares and now is None else None,
            looks_injected=injected,
        )

    return make, results


def _page_number(raw: str | None) -> int:
    try:
        return max(1, min(int(raw or "1"), 100_000))
    except ValueError:
        raise PageError(400, "Bad page number", "The page number must be a whole number.") from None


async def _visible_pending(ctx: WebContext, viewer: Viewer) -> tuple[list[RecommendationRef], dict[str, AccountOwner]]:
    """What waits for this viewer (ids, accounts and times only: the page loads the proposals it shows)."""
    pending = ctx.store.recommendation_refs(status=DECIDABLE)
    owners = await ctx.owners.owners(r.account_id for r in pending)
    skipped = set(viewer.skipped)
    visible = [r for r in pending if may_see(viewer, owners[r.account_id]) and r.id not in skipped]
    return visible, owners


def _owner_choices(owners: Iterable[AccountOwner]) -> list[tuple[str, str]]:
    seen = {o.owner_id: o.owner_name or o.owner_email or o.owner_id for o in owners if o.owner_id}
    return sorted(((k, str(v)) for k, v in seen.items()), key=lambda kv: kv[1].lower())


class InboxPages:
    """GET pages: the inbox and one proposal."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/", self.home, methods=["GET"]),
            Route("/inbox", self.inbox, methods=["GET"]),
            Route("/proposals/{rec_id}", self.proposal, methods=["GET"]),
            Route("/proposals/{rec_id}/status", self.status, methods=["GET"]),
        ]

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/inbox" if self.ctx.viewer(request) else "/signin", status_code=303)

    async def inbox(self, request: Request) -> Response:
        viewer = self.ctx.require_viewer(request)
        page = _page_number(request.query_params.get("page"))
        owner_filter = request.query_params.get("owner") if viewer.is_admin else None
        visible, owners = await _visible_pending(self.ctx, viewer)
        if owner_filter:
            visible = [r for r in visible if owners[r.account_id].owner_id == owner_filter]
        scores = self.ctx.store.latest_review_scores({r.account_id for r in visible})
        ordered = order_for_inbox(visible, owners, scores)
        size = self.ctx.config.page_size
        pages = max(1, -(-len(ordered) // size))
        page = min(page, pages)
        shown = self.ctx.store.get_recommendations(r.id for r in ordered[(page - 1) * size : page * size])
        current, error = await current_values(self.ctx, shown)
        make, results = cards_for(self.ctx, viewer, shown, current, error)
        done = await self._done(viewer, request.query_params.get("done"))
        recent_recs = self.ctx.store.decided_by(viewer.decided_by, limit=10)
        recent_make, _ = cards_for(self.ctx, viewer, recent_recs, {}, None)
        return self.ctx.render(
            request,
            "inbox.html",
            viewer,
            groups=group_cards(shown, owners, results, make),
            total=len(ordered),
            page=page,
            pages=pages,
            owner_filter=owner_filter,
            owner_choices=_owner_choices(owners.values()) if viewer.is_admin else [],
            done=done,
            recent=[recent_make(r) for r in recent_recs],
            all_owners=bool(viewer.is_admin and not owner_filter),
            back=f"/inbox?{urlencode({'page': page, **({'owner': owner_filter} if owner_filter else {})})}",
        )

    async def _done(self, viewer: Viewer, raw: str | None) -> list[Card]:
        """The proposals just decided here (their outcome), when the viewer may see them."""
        if not raw:
            return []
        recs = [self.ctx.store.get_recommendation(i) for i in raw.split(",")[:MAX_BATCH] if 0 < len(i) <= 64]
        found = [r for r in recs if r is not None]
        owners = await self.ctx.owners.owners(r.proposal.account_id for r in found)
        mine = [r for r in found if may_see(viewer, owners[r.proposal.account_id])]
        make, _ = cards_for(self.ctx, viewer, mine, {}, None)
        return [make(r) for r in mine]

    async def proposal(self, request: Request) -> Response:
        viewer = self.ctx.require_viewer(request)
        rec, owner = await self.ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        current, error = await current_values(self.ctx, [rec], fresh=True)
        make, results = cards_for(self.ctx, viewer, [rec], current, error)
        records, records_error = await _records_as_read(self.ctx, rec.proposal)
        original = self.ctx.store.original_proposal(rec.id)
        return self.ctx.render(
            request,
            "proposal.html",
            viewer,
            card=make(rec),
            owner=owner,
            score=results.get(rec.proposal.account_id),
            records=records,
            records_error=records_error,
            edited=original is not None,
        )

    async def status(self, request: Request) -> Response:
        """Where a proposal stands (JSON), for the page that waits for a write to land."""
        viewer = self.ctx.require_viewer(request)
        rec, _ = await self.ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        shown = card(rec, links=self.ctx.links(viewer))
        return JSONResponse(
            {
                "status": shown.status,
                "status_label": shown.status_label,
                "outcome": shown.outcome,
                "outcome_url": shown.outcome_url,
            }
        )


def routes(ctx: WebContext) -> list[BaseRoute]:
    return InboxPages(ctx).routes()


async def _records_as_read(ctx: WebContext, proposal: ProposedAction) -> tuple[list[dict[str, Any]], str | None]:
    """The evidence records (and the target) as Zoho has them now: module, id and their fields."""
    wanted: dict[str, list[str]] = {}
    for c in proposal.evidence:
        if c.source == "zoho" and c.module in ("Accounts", "Contacts", "Deals", "Tasks", "Notes"):
            wanted.setdefault(c.module, []).append(c.record_id)
    wanted.setdefault(proposal.target_module, []).append(proposal.target_id)
    out: list[dict[str, Any]] = []
    try:
        for module, ids in wanted.items():
            for record in await ctx.gateway.get_records(module, list(dict.fromkeys(ids))[:50]):  # type: ignore[arg-type]
                fields = [(k, v) for k, v in record.raw.items() if not k.startswith("$") and v not in (None, "", [])]
                out.append({"module": module, "id": record.id, "fields": fields[:40]})
    except ZohoError as exc:
        return out, f"Zoho could not be read just now ({exc.message}); the excerpts above are what the review read."
    return out, None
