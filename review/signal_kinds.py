"""The account situations the review detects, by name. The sandbox's manifest uses the same names for
the situations it plants, so a review run can be scored against ground truth.

Definitions (``today`` is the day of the run; thresholds live in ``review.triage``):

- ``deal_stalled``: an open deal whose stage and activity have not moved for 45+ days.
  Evidence: the deal.
- ``closing_soon_no_activity``: an open deal (new or renewal) closing within 30 days with no activity on
  it or its account in the last 14 days and no open task planned. Evidence: the deal.
- ``silent_account``: a big account (annual revenue >= 1,000,000) with no activity for 60+ days.
  Evidence: the account.
- ``overdue_tasks``: open tasks on the account or its deals past their due date. Evidence: the tasks.
- ``contact_gone``: a contact of the account has left (marked so on the record, or a note says that *this*
  contact left: never the colleague who reported it). Subject: the contact. Evidence: the contact and the
  notes saying so; the signal quotes the sentence.
- ``churn_risk``: a recent note says the account may leave (cancel, not renewing, moving to a competitor...),
  not negated, resolved or in the past. Subject: the account. Evidence: the notes; quotes the sentence.
- ``upsell_signal``: a recent note says the account wants more (more seats, new team, bigger plan...).
  Subject: the account. Evidence: the notes; quotes the sentence.
"""

from typing import Literal

SignalKind = Literal[
    "deal_stalled",
    "closing_soon_no_activity",
    "silent_account",
    "overdue_tasks",
    "contact_gone",
    "churn_risk",
    "upsell_signal",
]
SIGNAL_KINDS: tuple[str, ...] = (
    "deal_stalled",
    "closing_soon_no_activity",
    "silent_account",
    "overdue_tasks",
    "contact_gone",
    "churn_risk",
    "upsell_signal",
)
