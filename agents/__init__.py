"""The orchestrator and its three subagents on claude-agent-sdk."""
