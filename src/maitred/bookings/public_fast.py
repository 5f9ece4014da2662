"""POST /api/v1/public/bookings served as plain ASGI, in front of its FastAPI route.

Why: the public booking request is the book's busiest write (ARCHITECTURE.md, Hot paths), and
FastAPI's machinery around it (matching through the included routers, solving five
dependencies, validating the body field, validating the answer into its response model and
dumping it again) cost about a tenth of its CPU (bench/README.md, "The public booking request
without FastAPI"). This route does the same steps by hand: the body through the same pydantic
model, the session as `kit.deps.get_session` opens it (`ReadsFirst`), the organization by
`tenancy.public.public_organization`, the same service call, and the answer written by
`kit.json_answers` as FastAPI writes it.

It sits among the app's routes, inside every middleware (request id, language, rate limit,
idempotency, audit), and errors the service raises reach the same exception handlers. It takes
only the plain case: a JSON object body that the model accepts, with no query string. Anything
else (a malformed body, `?org=`, another content type) is handed, body and all, to the FastAPI
route, which stays the one documented in the OpenAPI and answers those exactly as before.

A booking's audit rows go in with its own transaction (`auditnote.write_in_transaction`), not in
one of their own after the answer; a refused or failed request is still recorded after it, by
the audit middleware, as every request is.
"""

from __future__ import annotations

import json

from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.bookings import service as bookings_service
from maitred.bookings.router import public_router
from maitred.bookings.schemas import PublicBookingCreated, PublicBookingRequest
from maitred.kit import auditnote, fast_routes
from maitred.kit.db import Database
from maitred.kit.fast_routes import FastRoute
from maitred.kit.json_answers import json_answer
from maitred.tenancy.public import public_organization

PATH = "/api/v1/public/bookings"
_JSON = b"application/json"


class PublicBookingFastPath(FastRoute):
    METHOD = "POST"
    PATH = PATH

    def wants(self, scope: Scope) -> bool:
        return not scope.get("query_string")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        messages: list[Message] = []
        form = await _plain_form(scope, receive, messages)
        if form is None:
            await self.hand_over(scope, receive, send, messages)
            return
        self.taken += 1
        request = Request(scope, receive)
        async with self.database.transaction(write=True, reads_first=True) as session:
            organization = await public_organization(
                request, session, request.headers.get("x-tenant-id"), None
            )
            answer = await bookings_service.request_booking(
                session, organization, form, self.database.reads
            )
            audited = await auditnote.write_in_transaction(session, 201)
        if audited is not None:
            audited.written = True
        await json_answer(PublicBookingCreated, answer, 201)(scope, receive, send)


async def _plain_form(
    scope: Scope, receive: Receive, messages: list[Message]
) -> PublicBookingRequest | None:
    """The body as the route's model, or None when FastAPI should judge it (kept in
    `messages` either way)."""
    content_type = None
    for name, value in scope["headers"]:
        if name == b"content-type":
            content_type = value
            break
    if content_type != _JSON:
        return None
    body = b""
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return None
        body += message.get("body", b"")
        if not message.get("more_body", False):
            break
    try:
        value = json.loads(body)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    try:
        return PublicBookingRequest.model_validate(value, from_attributes=True)
    except ValidationError:
        return None


def install(routes: list[BaseRoute], router: ASGIApp, database: Database) -> None:
    (route,) = (r for r in public_router.routes if isinstance(r, APIRoute))  # its one route
    fast_routes.install(routes, PublicBookingFastPath(route, router, database))
