"""A local stand-in for an OpenAI-compatible server: POST /v1/chat/completions answering as the
documented API does (a completion, or `chat.completion.chunk` server-sent events ending in
`data: [DONE]`, tool calls included), or with a 429 or 5xx. Tests script its answers step by
step and read the requests it received (what the model was shown)."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


@dataclass
class Step:
    """One answer: text, tool calls [(name, arguments)], or an HTTP error status."""

    content: str = ""
    tool_calls: list[tuple[str, dict[str, Any] | str]] = field(default_factory=list)
    status: int = 200
    # A streamed answer stops after its first word until `hold` is set, and says so in
    # `holding` (a model that takes its time).
    hold: threading.Event | None = None
    holding: threading.Event = field(default_factory=threading.Event)


@dataclass
class StandIn:
    url: str = ""
    steps: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # Answer when the script ran out: a plain sentence.
    default: Step = field(default_factory=lambda: Step(content="How else can I help?"))

    def script(self, *steps: Step) -> None:
        self.steps[:] = list(steps)
        self.requests.clear()

    def shown_to_model(self) -> str:
        """Everything the model received, as one text (to look for leaks)."""
        return json.dumps(self.requests)


_ids = itertools.count(1)


def _calls(step: Step) -> list[dict[str, Any]]:
    return [
        {
            "id": f"call_{next(_ids)}",
            "type": "function",
            "function": {
                "name": name,
                "arguments": args if isinstance(args, str) else json.dumps(args),
            },
        }
        for name, args in step.tool_calls
    ]


def _completion(model: str, step: Step) -> dict[str, Any]:
    calls = _calls(step)
    message: dict[str, Any] = {"role": "assistant", "content": step.content or None}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{next(_ids)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}
        ],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150},
    }


def _chunks(model: str, step: Step) -> Iterator[dict[str, Any]]:
    base = {"id": f"chatcmpl-{next(_ids)}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    yield chunk({"role": "assistant", "content": ""})
    for word in step.content.split(" ") if step.content else []:
        yield chunk({"content": word + " "})
    for index, call in enumerate(_calls(step)):
        arguments = call["function"]["arguments"]
        yield chunk({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                     "function": {"name": call["function"]["name"],
                                                  "arguments": ""}}]})  # fmt: skip
        for start in range(0, len(arguments), 7):
            piece = arguments[start : start + 7]
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, "tool_calls" if step.tool_calls else "stop")
    usage = {"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}
    yield base | {"choices": [], "usage": usage}


def build(state: StandIn) -> Starlette:
    async def completions(request: Request) -> Response:
        body = await request.json()
        state.requests.append(body)
        step = state.steps.pop(0) if state.steps else state.default
        if step.status == 429:
            return JSONResponse(
                {"error": {"message": "Rate limit reached", "type": "rate_limit_error"}},
                status_code=429,
                headers={"retry-after-ms": "1"},
            )
        if step.status >= 500:
            return JSONResponse(
                {"error": {"message": "The server had an error", "type": "server_error"}},
                status_code=step.status,
                headers={"retry-after-ms": "1"},
            )
        model = body.get("model", "stand-in")
        if not body.get("stream"):
            return JSONResponse(_completion(model, step))

        async def events() -> AsyncIterator[bytes]:
            for number, chunk in enumerate(_chunks(model, step)):
                yield f"data: {json.dumps(chunk)}\n\n".encode()
                await asyncio.sleep(0)
                if number == 1 and step.hold is not None:
                    step.holding.set()
                    # The stand-in runs in a thread of its own: wait there, not in the loop.
                    await asyncio.to_thread(step.hold.wait, 30)
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"])])


class Running:
    """The stand-in served by uvicorn on a free local port, in a thread of its own."""

    def __init__(self) -> None:
        self.state = StandIn()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.state.url = f"http://127.0.0.1:{port}/v1"
        config = uvicorn.Config(build(self.state), host="127.0.0.1", port=port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            time.sleep(0.01)
        return self.state

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
