"""GET /api/v1/bookings/{id or reference} served as plain ASGI, in front of its FastAPI route.

Why: as for the list (bookings/list_fast.py), FastAPI's machinery around this read (matching the
path's pattern, solving four dependencies, validating the path parameter, then validating the
answer into its response model and dumping it) was about a quarter of its CPU. This route does the
same steps by hand: the caller through the route's own permission check, the session as
`kit.deps.get_session` opens it for a GET (a customer's own booking is read through it), the same
service call, and the answer written by `kit.json_answers`, inside every middleware and with the
same exception handlers.

It takes a path whose last segment the FastAPI route's pattern accepts (a UUID or a number such
as `BK-2025-000123`) and no query string; a query (which the FastAPI route refuses) goes to it.
"""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from maitred.bookings import service as bookings_service
from maitred.bookings.router import READ, get_booking, router
from maitred.bookings.schemas import BookingRead
from maitred.kit import fast_routes
from maitred.kit.db import Database
from maitred.kit.fast_routes import FastRoute
from maitred.kit.json_answers import json_answer
from maitred.kit.path_ids import IdOrNumberConvertor

PREFIX = "/api/v1/bookings/"
_ID_OR_NUMBER = re.compile(IdOrNumberConvertor.regex)
_check = READ.dependency  # the route's `requires("bookings:read")`


class BookingDetailFastPath(FastRoute):
    METHOD = "GET"
    PATH = PREFIX + "{booking_id}"  # kit/api_paths.PrefixDispatch indexes it by /api/v1/bookings

    def path_matches(self, path: str) -> bool:
        return path.startswith(PREFIX) and _ID_OR_NUMBER.fullmatch(path, len(PREFIX)) is not None

    def wants(self, scope: Scope) -> bool:
        return not scope.get("query_string")

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.taken += 1
        booking_id = get_route_path(scope)[len(PREFIX) :]
        auth = await _check(Request(scope, receive))
        async with self.database.transaction(write=False) as session:
            answer = await bookings_service.booking_detail(
                session, self.database.reads, bookings_service.viewer_of(auth), booking_id
            )
        await json_answer(BookingRead, answer)(scope, receive, send)


def install(routes: list[BaseRoute], router_app: ASGIApp, database: Database) -> None:
    (route,) = (r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is get_booking)
    fast_routes.install(routes, BookingDetailFastPath(route, router_app, database))
