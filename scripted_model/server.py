"""``ScriptedModelServer``: a fake Anthropic Messages API on 127.0.0.1 for the real Claude Code CLI.

    with ScriptedModelServer(script=obedient_reviewer) as model:
        env = model.env()                       # ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, ...
        ...run the SDK...
        model.requests                          # every request, as ModelRequest

Modes: a script function ``(ModelRequest) -> ModelTurn``, or a queue of turns (``turns=[...]``, used in
order). Faults: ``fail_next(n, status=529)`` answers the next n calls with that status;
``fail_always(status)`` until ``clear_faults()``. Housekeeping calls the CLI may make without tools
(titles, summaries) get a short text answer and never consume the queue or reach the script.
"""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import traceback
from collections.abc import AsyncIterator, Callable, Iterable

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from scripted_model.sse import message_json, stream_events
from scripted_model.turns import ModelRequest, ModelTurn, Script

DUMMY_API_KEY = "sk-ant-scripted-model-dummy"


class ScriptError(Exception):
    """The script raised or the turn queue ran dry: a test bug, reported as a 500 and kept here."""


class ScriptedModelServer:
    def __init__(
        self,
        script: Script | None = None,
        *,
        turns: Iterable[ModelTurn] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if script is None and turns is None:
            raise ValueError("give a script function or a list of turns")
        self._script = script
        self._turns = list(turns or [])
        self.host = host
        self.port = port
        self.requests: list[ModelRequest] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._fail_remaining = 0
        self._fail_status = 529
        self._fail_always: int | None = None
        self.fault_responses = 0
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    # --- faults -------------------------------------------------------------------------------
    def fail_next(self, n: int, status: int = 529) -> None:
        with self._lock:
            self._fail_remaining, self._fail_status = n, status

    def fail_always(self, status: int = 529) -> None:
        with self._lock:
            self._fail_always = status

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_remaining, self._fail_always = 0, None

    def _fault(self) -> int | None:
        with self._lock:
            if self._fail_always is not None:
                self.fault_responses += 1
                return self._fail_always
            if self._fail_remaining > 0:
                self._fail_remaining -= 1
                self.fault_responses += 1
                return self._fail_status
        return None

    # --- scripting ----------------------------------------------------------------------------
    def set_script(self, script: Script) -> None:
        with self._lock:
            self._script, self._turns = script, []

    def push(self, *turns: ModelTurn) -> None:
        with self._lock:
            self._turns.extend(turns)

    def agent_requests(self, role: str) -> list[ModelRequest]:
        return [r for r in self.requests if r.agent() == role]

    def _answer(self, request: ModelRequest) -> ModelTurn:
        if request.is_side_call:
            return ModelTurn.say("Account review")
        with self._lock:
            if self._turns:
                return self._turns.pop(0)
            script = self._script
        if script is None:
            raise ScriptError("the turn queue is empty and no script is set")
        return script(request)

    # --- HTTP ---------------------------------------------------------------------------------
    async def _messages(self, http_request: Request) -> Response:
        body = await http_request.json()
        headers = {k: v for k, v in http_request.headers.items() if k.lower() not in ("x-api-key", "authorization")}
        request = ModelRequest(body=body, headers=headers)
        with self._lock:
            self.requests.append(request)
        status = self._fault()
        if status is not None:
            kind = "overloaded_error" if status == 529 else "api_error"
            return JSONResponse(
                {"type": "error", "error": {"type": kind, "message": f"scripted {status}"}}, status_code=status
            )
        try:
            turn = self._answer(request)
        except Exception as exc:  # a script bug: make it visible to the test, not a hang
            self.errors.append("".join(traceback.format_exception(exc)))
            return JSONResponse({"type": "error", "error": {"type": "api_error", "message": str(exc)}}, status_code=500)
        model = str(body.get("model", "scripted"))
        if not body.get("stream"):
            return JSONResponse(message_json(turn, model=model))

        async def events() -> AsyncIterator[bytes]:
            for event in stream_events(turn, model=model):
                yield event.encode()

        return StreamingResponse(
            events(),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "request-id": "req_scripted"},
        )

    async def _count_tokens(self, http_request: Request) -> Response:
        body = await http_request.json()
        return JSONResponse({"input_tokens": max(1, len(json.dumps(body)) // 4)})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/messages", self._messages, methods=["POST"]),
                Route("/v1/messages/count_tokens", self._count_tokens, methods=["POST"]),
            ]
        )

    # --- lifecycle ----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        """Environment for the Claude Code CLI so it talks to this server only."""
        return {
            "ANTHROPIC_BASE_URL": self.base_url,
            "ANTHROPIC_API_KEY": DUMMY_API_KEY,
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        }

    def start(self) -> ScriptedModelServer:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app(), log_level="warning", access_log=False, lifespan="off")
        server = uvicorn.Server(config)
        self._server = server
        started = threading.Event()

        def serve() -> None:
            async def main() -> None:
                serving = asyncio.ensure_future(server.serve(sockets=[sock]))
                while not server.started and not serving.done():
                    await asyncio.sleep(0.01)
                started.set()
                await serving

            asyncio.run(main())

        self._thread = threading.Thread(target=serve, name="scripted-model", daemon=True)
        self._thread.start()
        started.wait(10)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self._server, self._thread = None, None

    def __enter__(self) -> ScriptedModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def queue_script(turns: list[ModelTurn], then: Callable[[ModelRequest], ModelTurn] | None = None) -> Script:
    """A script that plays ``turns`` in order, then delegates to ``then`` (or says "Done.")."""
    pending = list(turns)
    lock = threading.Lock()

    def script(request: ModelRequest) -> ModelTurn:
        with lock:
            if pending:
                return pending.pop(0)
        return then(request) if then else ModelTurn.say("Done.")

    return script
