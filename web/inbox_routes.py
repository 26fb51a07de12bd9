"""The inbox and the decisions on proposals. Every handler checks the session, then the ownership of the
proposal's account (read from Zoho), then (for a POST) the CSRF token; ids in the URL or the form are
never trusted.

    GET  /inbox                       pending proposals of the viewer's accounts (admins: all, ?owner=ID)
    GET  /proposals/{id}              one proposal with the records as read from Zoho now
    POST /proposals/{id}/approve      approve and write it now (same executor as `approve`)
    GET  /proposals/{id}/edit         the terminal's edit questions as a form
    POST /proposals/{id}/edit         approve as edited (same validation), then write
    POST /proposals/{id}/reject       reject with a reason
    POST /proposals/{id}/skip         leave it pending, hidden for this session
    POST /proposals/batch             the confirmation page for several at once
    POST /proposals/batch/approve     approve (and write) the confirmed ones
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from approvals.models import ProposedAction, Recommendation
from integrations.zoho.errors import ZohoError
from state.errors import InvalidTransition, NotFoundError
from state.models import RecommendationRef
from web.context import PageError, WebContext, safe_next
from web.editing_form import EditRefused, apply_answers, questions
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
        if rec.proposal.kind == "update_fields":
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
        now = current.get(rec.proposal.target_id) if rec.proposal.kind == "update_fields" else None
        return card(
            rec,
            links=links,
            account_name=ctx.owners.known_name(rec.proposal.account_id),
            result=results.get(rec.proposal.account_id),
            current=now,
            current_error=error if rec.proposal.kind == "update_fields" and now is None else None,
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


def routes(ctx: WebContext) -> list[BaseRoute]:
    async def home(request: Request) -> Response:
        return RedirectResponse("/inbox" if ctx.viewer(request) else "/signin", status_code=303)

    async def inbox(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        page = _page_number(request.query_params.get("page"))
        owner_filter = request.query_params.get("owner") if viewer.is_admin else None
        visible, owners = await _visible_pending(ctx, viewer)
        if owner_filter:
            visible = [r for r in visible if owners[r.account_id].owner_id == owner_filter]
        scores = ctx.store.latest_review_scores({r.account_id for r in visible})
        ordered = order_for_inbox(visible, owners, scores)
        size = ctx.config.page_size
        pages = max(1, -(-len(ordered) // size))
        page = min(page, pages)
        shown = ctx.store.get_recommendations(r.id for r in ordered[(page - 1) * size : page * size])
        current, error = await current_values(ctx, shown)
        make, results = cards_for(ctx, viewer, shown, current, error)
        done = await _done(ctx, viewer, request.query_params.get("done"))
        recent_recs = ctx.store.decided_by(viewer.decided_by, limit=10)
        recent_make, _ = cards_for(ctx, viewer, recent_recs, {}, None)
        return ctx.render(
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

    async def _done(ctx: WebContext, viewer: Viewer, raw: str | None) -> list[Card]:
        """The proposals just decided here (their outcome), when the viewer may see them."""
        if not raw:
            return []
        recs = [ctx.store.get_recommendation(i) for i in raw.split(",")[:MAX_BATCH] if 0 < len(i) <= 64]
        found = [r for r in recs if r is not None]
        owners = await ctx.owners.owners(r.proposal.account_id for r in found)
        mine = [r for r in found if may_see(viewer, owners[r.proposal.account_id])]
        make, _ = cards_for(ctx, viewer, mine, {}, None)
        return [make(r) for r in mine]

    async def proposal(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        rec, owner = await ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        current, error = await current_values(ctx, [rec], fresh=True)
        make, results = cards_for(ctx, viewer, [rec], current, error)
        records, records_error = await _records_as_read(ctx, rec.proposal)
        original = ctx.store.original_proposal(rec.id)
        return ctx.render(
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

    async def approve(request: Request) -> Response:
        viewer, form, rec = await _action(request)
        rec = await _decided(ctx.decisions.approve(viewer, rec.id))
        return _back(form, [rec.id])

    async def edit_form(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        rec, owner = await ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        return await _edit_page(request, viewer, rec, owner, None, [])

    async def _edit_page(
        request: Request, viewer: Viewer, rec: Recommendation, owner: AccountOwner, answers: Any, problems: list[str]
    ) -> Response:
        current, error = await current_values(ctx, [rec], fresh=True)
        make, _ = cards_for(ctx, viewer, [rec], current, error)
        if rec.status not in DECIDABLE:
            raise PageError(409, "Already decided", f"This proposal is {rec.status}; there is nothing to edit.")
        return ctx.render(
            request,
            "edit.html",
            viewer,
            status=400 if problems else 200,
            card=make(rec),
            owner=owner,
            questions=questions(rec.proposal, answers),
            problems=problems,
        )

    async def edit(request: Request) -> Response:
        viewer, form, rec = await _action(request)
        owner = await ctx.owners.owner(rec.proposal.account_id)
        try:
            edited = apply_answers(rec.proposal, form)
        except EditRefused as exc:
            return await _edit_page(request, viewer, rec, owner, form, exc.problems)
        rec = await _decided(ctx.decisions.approve(viewer, rec.id, edited=edited))
        return _back(form, [rec.id])

    async def reject(request: Request) -> Response:
        viewer, form, rec = await _action(request)
        reason = str(form.get("reason") or "").strip()
        if not reason:
            raise PageError(400, "A reason is needed", "Say why you reject it (it is kept with the decision).")
        rec = await _decided(ctx.decisions.reject(viewer, rec.id, reason[:2000]))
        return _back(form, [rec.id])

    async def skip(request: Request) -> Response:
        viewer, form, rec = await _action(request)
        await _decided(ctx.decisions.skip(viewer, rec.id))
        ctx.sessions.remember_skip(viewer, rec.id)
        return _back(form, [])

    async def batch_confirm(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        form = await ctx.form_with_csrf(request, viewer)
        recs = await _chosen(viewer, form.getlist("ids"))
        make, _ = cards_for(ctx, viewer, recs, {}, None)
        return ctx.render(request, "confirm_batch.html", viewer, cards=[make(r) for r in recs])

    async def batch_approve(request: Request) -> Response:
        viewer = ctx.require_viewer(request)
        form = await ctx.form_with_csrf(request, viewer)
        recs = await _chosen(viewer, form.getlist("ids"))
        done = await _decided(ctx.decisions.approve_many(viewer, [r.id for r in recs]))
        return _back(form, [r.id for r in done])

    async def _chosen(viewer: Viewer, ids: list[Any]) -> list[Recommendation]:
        wanted = list(dict.fromkeys(str(i) for i in ids))
        if not wanted:
            raise PageError(400, "Nothing chosen", "Tick the proposals to approve, then press the button again.")
        if len(wanted) > MAX_BATCH:
            raise PageError(400, "Too many at once", f"Approve at most {MAX_BATCH} proposals at once.")
        recs = [(await ctx.visible_recommendation(viewer, rec_id))[0] for rec_id in wanted]
        undecidable = [r for r in recs if r.status not in DECIDABLE]
        if undecidable:
            raise PageError(409, "Already decided", f"{len(undecidable)} of them were decided meanwhile; reload.")
        return recs

    async def _action(request: Request) -> tuple[Viewer, Any, Recommendation]:
        viewer = ctx.require_viewer(request)
        form = await ctx.form_with_csrf(request, viewer)
        rec, _ = await ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        return viewer, form, rec

    return [
        Route("/", home, methods=["GET"]),
        Route("/inbox", inbox, methods=["GET"]),
        Route("/proposals/batch", batch_confirm, methods=["POST"]),
        Route("/proposals/batch/approve", batch_approve, methods=["POST"]),
        Route("/proposals/{rec_id}", proposal, methods=["GET"]),
        Route("/proposals/{rec_id}/approve", approve, methods=["POST"]),
        Route("/proposals/{rec_id}/edit", edit_form, methods=["GET"]),
        Route("/proposals/{rec_id}/edit", edit, methods=["POST"]),
        Route("/proposals/{rec_id}/reject", reject, methods=["POST"]),
        Route("/proposals/{rec_id}/skip", skip, methods=["POST"]),
    ]


async def _decided(awaitable: Any) -> Any:
    """Run a decision; a proposal decided meanwhile (here or in a terminal) is a clear 409 page."""
    try:
        return await awaitable
    except InvalidTransition as exc:
        raise PageError(409, "Already decided", f"{exc}. Reload to see where it stands.") from None
    except NotFoundError:
        raise PageError(404, "No such proposal", "There is no proposal with this id.") from None


def _back(form: Any, done: list[str]) -> Response:
    target = safe_next(str(form.get("back") or "/inbox"))
    if done and target.startswith("/inbox"):
        joiner = "&" if "?" in target else "?"
        target = f"{target}{joiner}done={','.join(done)}"
    return RedirectResponse(target, status_code=303)


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
