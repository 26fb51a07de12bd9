"""Speed and memory measurements (not timed tests)."""
