"""The interactive terminal session behind ``python main.py chat``.

- ``slash``: parsing a typed line into a question or a slash command (pure, no I/O).
- ``turn_view``: renders one agent turn as it streams (the orchestrator's words, which subagent works).
- ``agent_turns``: the one ``ClaudeSDKClient`` session a chat keeps; a turn can be interrupted.
- ``interrupts``: Ctrl-C interrupts a running turn, or clears the line at the prompt.
- ``approval_step``: after a turn, the writes it proposed are put to the user (reuses ``approve``).
- ``keyless``: the deterministic answers given when no model key is configured.
- ``repl``: the loop that reads lines and dispatches them.
"""
