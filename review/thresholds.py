"""Every number the triage decides with, in one place. Override any of them with
``Thresholds(stalled_days=30)`` or ``DEFAULT_THRESHOLDS.model_copy(update={...})``."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings


class Thresholds(BaseModel):
    model_config = ConfigDict(frozen=True)

    # deal_stalled: an open deal unmoved (stage and activity) this many days
    stalled_days: int = Field(default=45, ge=1)
    # closing_soon_no_activity: closes within this many days, quiet this many days, no open task planned
    closing_window_days: int = Field(default=30, ge=0)
    closing_quiet_days: int = Field(default=14, ge=1)
    # silent_account: revenue at least this, no activity this many days
    big_account_revenue: float = Field(default=1_000_000, ge=0)
    silent_days: int = Field(default=60, ge=1)
    # overdue_tasks: an open task is overdue this many days after its due date (0: the day after)
    overdue_grace_days: int = Field(default=0, ge=0)
    # churn_risk / upsell_signal: notes this recent are read for language
    language_window_days: int = Field(default=120, ge=1)
    # contact_gone: notes this recent can say that a contact has left
    contact_note_window_days: int = Field(default=365, ge=1)
    # churn_risk / upsell_signal: the fine-tuned second reader (review.language.fine_tuned) vetoes and adds findings.
    # The product's triages take it from the settings (thresholds_for: SERGAS_SECOND_READER, on by default); False
    # here keeps a bare Thresholds() (tests, benchmarks) to the rules unless asked.
    second_reader: bool = False
    # where the second reader keeps each sentence's scores between runs (review.language.score_store); None: in memory
    second_reader_scores: Path | None = None
    # the vendor's product names, read as add-ons in notes ("wants Yard for the new site"): SERGAS_PRODUCT_NAMES
    product_names: tuple[str, ...] = ()


DEFAULT_THRESHOLDS = Thresholds()
SCORES_FILE = "second_reader_scores.sqlite3"


def thresholds_for(settings: Settings) -> Thresholds:
    """The thresholds every triage of this process uses: the defaults, with the settings' choice of reader, the
    file its scores are kept in, and the product names notes are read with."""
    return DEFAULT_THRESHOLDS.model_copy(
        update={
            "second_reader": settings.second_reader,
            "second_reader_scores": settings.state_dir / SCORES_FILE,
            "product_names": settings.products,
        }
    )
