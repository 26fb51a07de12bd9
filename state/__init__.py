"""The state store: runs, review results, recommendations, approvals, audit, sync cursors."""
