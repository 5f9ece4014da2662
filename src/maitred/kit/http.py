"""The outermost middleware: request ids, the access log, and the 500 envelope.

Pure ASGI (not BaseHTTPMiddleware) so it adds little to every request and never buffers bodies.
"""

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.kit.errors import (
    DATABASE_UNAVAILABLE,
    database_unavailable_response,
    error_response,
)
from maitred.kit.requestcontext import request_id_var

access_log = logging.getLogger("maitred.access")
error_log = logging.getLogger("maitred.errors")
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _incoming_request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = str(value.decode("latin-1"))
            if _VALID_REQUEST_ID.match(candidate):
                return candidate
            break
    return os.urandom(16).hex()


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope)
        token = request_id_var.set(request_id)
        header = (b"x-request-id", request_id.encode())
        status = 500
        started = False
        began = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if started:
                error_log.exception("error after the response started on %s", scope["path"])
                raise
            if isinstance(exc, DATABASE_UNAVAILABLE):  # raised outside the routes (middleware)
                error_log.error("database unavailable: %s", exc)
                response = database_unavailable_response()
            else:
                error_log.exception("unhandled error on %s %s", scope["method"], scope["path"])
                response = error_response(500, "internal_error", "An internal error occurred")
            status = response.status_code
            await response(scope, receive, send_with_id)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                duration_ms = round((time.perf_counter() - began) * 1000, 2)
                access_log.info(
                    "%s %s %s %.1fms",
                    scope["method"],
                    scope["path"],
                    status,
                    duration_ms,
                    extra={
                        "method": scope["method"],
                        "path": scope["path"],
                        "status": status,
                        "duration_ms": duration_ms,
                    },
                )
            request_id_var.reset(token)
