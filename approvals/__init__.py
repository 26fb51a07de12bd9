"""The approval queue: proposals, human decisions, and the exactly-once write executor."""
