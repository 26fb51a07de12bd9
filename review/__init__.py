"""The account review pipeline: deterministic triage, agent review of the top accounts, reports."""
