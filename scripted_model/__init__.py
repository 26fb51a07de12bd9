"""A scripted fake of the Anthropic Messages API on 127.0.0.1, for tests, demos and benchmarks."""
