"""The decisions on proposals, and the edit form. Every handler checks the session, then the ownership of the
proposal's account (read from Zoho), then the CSRF token; ids in the URL or the form are never trusted.

    POST /proposals/{id}/approve      approve and write it now (same executor as `approve`)
    GET  /proposals/{id}/edit         the terminal's edit questions as a form
    POST /proposals/{id}/edit         approve as edited (same validation), then write
    POST /proposals/{id}/reject       reject with a reason
    POST /proposals/{id}/skip         leave it pending, hidden for this session
    POST /proposals/batch             the confirmation page for several at once
    POST /proposals/batch/approve     approve (and write) the confirmed ones
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from domain.recommendations import Recommendation
from state.errors import InvalidTransition, NotFoundError
from web.context import PageError, WebContext, safe_next
from web.editing_form import EditRefused, apply_answers, questions
from web.inbox_routes import DECIDABLE, cards_for, current_values
from web.ownership import AccountOwner
from web.sessions import Viewer

MAX_BATCH = 200


class DecisionRoutes:
    """The decisions (POST, CSRF-checked) and the edit form."""

    def __init__(self, ctx: WebContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[BaseRoute]:
        return [
            Route("/proposals/batch", self.batch_confirm, methods=["POST"]),
            Route("/proposals/batch/approve", self.batch_approve, methods=["POST"]),
            Route("/proposals/{rec_id}/approve", self.approve, methods=["POST"]),
            Route("/proposals/{rec_id}/edit", self.edit_form, methods=["GET"]),
            Route("/proposals/{rec_id}/edit", self.edit, methods=["POST"]),
            Route("/proposals/{rec_id}/reject", self.reject, methods=["POST"]),
            Route("/proposals/{rec_id}/skip", self.skip, methods=["POST"]),
        ]

    async def approve(self, request: Request) -> Response:
        viewer, form, rec = await self._action(request)
        rec = await _decided(self.ctx.decisions.approve(viewer, rec.id))
        return _back(form, [rec.id])

    async def edit_form(self, request: Request) -> Response:
        viewer = self.ctx.require_viewer(request)
        rec, owner = await self.ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        return await self._edit_page(request, viewer, rec, owner, None, [])

    async def _edit_page(
        self,
        request: Request,
        viewer: Viewer,
        rec: Recommendation,
        owner: AccountOwner,
        answers: Any,
        problems: list[str],
    ) -> Response:
        current, error = await current_values(self.ctx, [rec], fresh=True)
        make, _ = cards_for(self.ctx, viewer, [rec], current, error)
        if rec.status not in DECIDABLE:
            raise PageError(409, "Already decided", f"This proposal is {rec.status}; there is nothing to edit.")
        return self.ctx.render(
            request,
            "edit.html",
            viewer,
            status=400 if problems else 200,
            card=make(rec),
            owner=owner,
            questions=questions(rec.proposal, answers),
            problems=problems,
        )

    async def edit(self, request: Request) -> Response:
        viewer, form, rec = await self._action(request)
        owner = await self.ctx.owners.owner(rec.proposal.account_id)
        try:
            edited = apply_answers(rec.proposal, form)
        except EditRefused as exc:
            return await self._edit_page(request, viewer, rec, owner, form, exc.problems)
        rec = await _decided(self.ctx.decisions.approve(viewer, rec.id, edited=edited))
        return _back(form, [rec.id])

    async def reject(self, request: Request) -> Response:
        viewer, form, rec = await self._action(request)
        reason = str(form.get("reason") or "").strip()
        if not reason:
            raise PageError(400, "A reason is needed", "Say why you reject it (it is kept with the decision).")
        rec = await _decided(self.ctx.decisions.reject(viewer, rec.id, reason[:2000]))
        return _back(form, [rec.id])

    async def skip(self, request: Request) -> Response:
        viewer, form, rec = await self._action(request)
        await _decided(self.ctx.decisions.skip(viewer, rec.id))
        self.ctx.sessions.remember_skip(viewer, rec.id)
        return _back(form, [])

    async def batch_confirm(self, request: Request) -> Response:
        viewer = self.ctx.require_viewer(request)
        form = await self.ctx.form_with_csrf(request, viewer)
        recs = await self._chosen(viewer, form.getlist("ids"))
        make, _ = cards_for(self.ctx, viewer, recs, {}, None)
        return self.ctx.render(request, "confirm_batch.html", viewer, cards=[make(r) for r in recs])

    async def batch_approve(self, request: Request) -> Response:
        viewer = self.ctx.require_viewer(request)
        form = await self.ctx.form_with_csrf(request, viewer)
        recs = await self._chosen(viewer, form.getlist("ids"))
        done = await _decided(self.ctx.decisions.approve_many(viewer, [r.id for r in recs]))
        return _back(form, [r.id for r in done])

    async def _chosen(self, viewer: Viewer, ids: list[Any]) -> list[Recommendation]:
        wanted = list(dict.fromkeys(str(i) for i in ids))
        if not wanted:
            raise PageError(400, "Nothing chosen", "Tick the proposals to approve, then press the button again.")
        if len(wanted) > MAX_BATCH:
            raise PageError(400, "Too many at once", f"Approve at most {MAX_BATCH} proposals at once.")
        recs = [(await self.ctx.visible_recommendation(viewer, rec_id))[0] for rec_id in wanted]
        undecidable = [r for r in recs if r.status not in DECIDABLE]
        if undecidable:
            raise PageError(409, "Already decided", f"{len(undecidable)} of them were decided meanwhile; reload.")
        return recs

    async def _action(self, request: Request) -> tuple[Viewer, Any, Recommendation]:
        viewer = self.ctx.require_viewer(request)
        form = await self.ctx.form_with_csrf(request, viewer)
        rec, _ = await self.ctx.visible_recommendation(viewer, request.path_params["rec_id"])
        return viewer, form, rec


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


def routes(ctx: WebContext) -> list[BaseRoute]:
    return DecisionRoutes(ctx).routes()
