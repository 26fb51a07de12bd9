"""The interactive terminal session behind ``python main.py chat`` (composed in ``cli/chat_command.py``).

- ``slash``: a typed line as a question or a slash command (pure parsing).
- ``turn_view``: one agent turn on screen as it streams: the orchestrator's words, which subagent works.
- ``agent_turns``: the chat's one ``ClaudeSDKClient`` conversation; a turn can be interrupted.
- ``detached_cli``: the Claude Code CLI started in its own session, so Ctrl-C reaches only the chat.
- ``interrupts``: Ctrl-C interrupts a running turn, or clears the line at the prompt.
- ``approval_step``: proposals put to the user after a turn, through the ``approve`` command's session.
- ``keyless``: the deterministic answers given without a model key (the meeting brief), labelled.
- ``repl``: the loop that reads lines and dispatches them.
"""
