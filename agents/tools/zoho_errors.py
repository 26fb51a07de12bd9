"""A Zoho error inside a tool, as the model should read it.

Most Zoho errors are something the model can work around (an id that does not exist, a tier down: try
another read). A spent credit budget is not: every tier draws on the same credits, so the run's reads are
over. The run is marked stopped (nothing more is queued, ``RunContext.queue``), the model is told to stop,
and the review raises the error when the session ends, so that the account is reviewed again, with the
agents, when the run resumes: never half-read and proposed on.
"""

from __future__ import annotations

from agents.run_context import RunContext
from agents.tools.formatting import ToolResult, error_result
from integrations.zoho.credits import stop_message
from integrations.zoho.errors import ZohoCreditsExhaustedError, ZohoError


def zoho_error_result(exc: ZohoError, ctx: RunContext) -> ToolResult:
    """The tool error for ``exc``; a spent credit budget also stops the run (``ctx.stop``)."""
    if isinstance(exc, ZohoCreditsExhaustedError):
        ctx.stop(exc)
        return error_result(
            f"{stop_message(exc)} Stop now: read nothing more and propose nothing; answer in one line that the "
            "review could not finish because the Zoho credits are spent. The account is reviewed again when the "
            "run resumes."
        )
    return error_result(f"{exc} — {exc.hint}")
