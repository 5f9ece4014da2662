"""Records every state-changing API request in the audit log, after its response is sent.

Pure ASGI (not BaseHTTPMiddleware), like kit/http.py: the body passes through unchanged while up
to `MAX_BODY` of it is kept for the field summary. The request's services and the
authentication layer write into an `AuditNote` held in a context variable; the rows are written
in a transaction of their own, so a request that failed (and rolled its own back) is still
recorded, and a failure to record never changes the answer the client got. The rows of requests
that finish together share one transaction (audit/batches.py). A hot path may write its rows
in its own transaction instead (`kit.auditnote.write_in_transaction`, the public booking): one
INSERT before a COMMIT it makes anyway; the rows are then part of its unit of work (built as
here, their values cut to their columns), and if that transaction never commits they are
written here after the answer as for any failed request. A POST that changes nothing
(`kit.auditnote.changes_nothing`, POST /ai/understand) is not recorded, as a GET is not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.audit import service as audit_service
from maitred.audit.batches import AuditBatches
from maitred.audit.service import AuditedRequest
from maitred.kit.auditnote import AuditNote, audit_note_var
from maitred.kit.db import Database
from maitred.kit.requestcontext import current_request_id

log = logging.getLogger("maitred.audit")
AUDITED_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

ClientAddressOf = Callable[[Scope, str | None], str]
"""`kit.ratelimit_middleware.ClientAddress`: the caller's address behind trusted proxies."""


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def _is_api(path: str) -> bool:
    """maitred's API, and seed 002's CRM service API under `/crm/api`."""
    return path == "/api" or path.startswith(("/api/", "/crm/api/"))


class AuditMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        database: Database,
        client_address: ClientAddressOf | None = None,
    ) -> None:
        self.app = app
        self.database = database
        self.client_address = client_address
        self.batches = AuditBatches(database)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in AUDITED_METHODS
            or not _is_api(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        note = AuditNote()
        body: bytearray | None = bytearray()
        status = 0

        async def keeping_receive() -> Message:
            nonlocal body
            message = await receive()
            if message["type"] == "http.request" and body is not None:
                body += message.get("body", b"")
                if len(body) > audit_service.MAX_BODY:
                    body = None  # summarized as nothing; the app still gets all of it
            return message

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        async def write_in(session: Any, answered: int) -> None:
            request = self._audited(scope, answered, bytes(body) if body else None)
            await audit_service.insert_entries(session, audit_service.entries_for(note, request))

        note.write_in = write_in
        token = audit_note_var.set(note)
        try:
            await self.app(scope, keeping_receive, watching_send)
        finally:
            audit_note_var.reset(token)
            # An exception escaping here becomes the outer layers' 500.
            if not note.unchanged and not note.written:
                await self._write(note, scope, status or 500, bytes(body) if body else None)

    def _audited(self, scope: Scope, status: int, body: bytes | None) -> AuditedRequest:
        route = scope.get("route")
        return audit_service.AuditedRequest(
            method=scope["method"],
            path=scope["path"],
            status_code=status,
            ip=self._client_ip(scope),
            user_agent=_header(scope, b"user-agent") or "",
            request_id=current_request_id(),
            body=body,
            route_template=getattr(route, "path", None),
        )

    async def _write(self, note: AuditNote, scope: Scope, status: int, body: bytes | None) -> None:
        request = self._audited(scope, status, body)
        label = f"{request.method} {request.path}"
        try:
            entries = audit_service.entries_for(note, request)
        except Exception:
            log.exception("could not write the audit log of %s", label)
            return
        await self.batches.write(entries, label)

    def _client_ip(self, scope: Scope) -> str:
        if self.client_address is not None:
            return self.client_address(scope, _header(scope, b"x-forwarded-for"))
        client = scope.get("client")
        return str(client[0]) if client else "unknown"
