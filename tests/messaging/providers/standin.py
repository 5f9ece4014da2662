"""A local HTTP server that answers like a provider's documented API, for the real provider
clients to talk to over real TCP.

The test gives it an `answer(request) -> Answer` that plays the provider (checking the auth
header, reading the form or JSON), and may queue canned answers (a 500, a 429) that are used
first. Every request is recorded for the test to assert on. It runs http.server in a thread, so
it needs no event loop of its own.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lowercased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}

    def form_lists(self) -> dict[str, list[str]]:
        """Every value of each field (Twilio's MediaUrl repeats)."""
        return parse_qs(self.body.decode())


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)


Play = Callable[[Recorded], Answer]


class StandIn:
    def __init__(self, play: Play) -> None:
        self.play = play
        self.requests: list[Recorded] = []
        self.queued: list[Answer] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def answer_next(self, *answers: Answer) -> None:
        with self._lock:
            self.queued.extend(answers)

    def _respond(self, request: Recorded) -> Answer:
        with self._lock:
            self.requests.append(request)
            if self.queued:
                return self.queued.pop(0)
        return self.play(request)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Recorded(
                    method=self.command,
                    path=self.path,
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length),
                )
                answer = stand_in._respond(request)
                raw = answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body)
                data = raw if isinstance(raw, bytes) else raw.encode()
                self.send_response(answer.status)
                content_type = "text/html" if isinstance(answer.body, bytes) else "application/json"
                headers = {"Content-Type": content_type, **answer.headers}
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST  # media downloads: the same recording, an empty body

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: the test asserts on `requests` instead."""

        return Handler

    @contextmanager
    def running(self) -> Iterator[StandIn]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._server.shutdown()
            self._server.server_close()
            thread.join()
