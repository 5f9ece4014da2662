"""GET /api/v1/availability served as plain ASGI, in front of its FastAPI route.

Why: on one process this read saturates the event loop (bench/README.md, "The availability
read without FastAPI"), and FastAPI's machinery around it (the route's handling, solving four
dependencies and validating four query parameters) was about a fifth of its CPU. This route
does the same steps by hand: the caller through the route's own permission check
(`identity.deps.requires`), the same service call, and the answer written by
`kit.json_answers`, inside every middleware and with the same exception handlers.

It takes only the plain case: `date` (YYYY-MM-DD), `guest_count` (digits) and `location`,
each at most once and each valid as the route declares it, and nothing else in the query.
Anything else (`days`, a malformed or repeated parameter, an unknown one) goes to the FastAPI
route, which stays the one documented in the OpenAPI and answers it exactly as before.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from maitred.availability import service as availability_service
from maitred.availability.router import READ, get_availability, router
from maitred.availability.schemas import AvailabilityRead
from maitred.kit import fast_routes
from maitred.kit.db import Database
from maitred.kit.fast_routes import FastRoute, calendar_day
from maitred.kit.json_answers import json_answer

PATH = "/api/v1/availability"
_GUESTS = re.compile(r"[1-9]\d{0,2}")
_MOST_GUESTS = 500  # as the route's GuestsQuery
_LONGEST_LOCATION = 300  # as the route's LocationQuery
_check = READ.dependency  # the route's `requires("availability:read")`


class AvailabilityFastPath(FastRoute):
    METHOD = "GET"
    PATH = PATH

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = _plain_query(scope["query_string"])
        if asked is None:
            await self.hand_over(scope, receive, send)
            return
        self.taken += 1
        auth = await _check(Request(scope, receive))
        answer = await availability_service.availability(
            self.database.reads,
            organization_id=auth.org_id,
            version=auth.organization_version,
            day=asked[0],
            guest_count=asked[1],
            location=asked[2],
            days=None,
        )
        await json_answer(AvailabilityRead, answer)(scope, receive, send)


def _plain_query(raw: bytes) -> tuple[date | None, int | None, str | None] | None:
    """(date, guest_count, location) as the route would read them, or None when the FastAPI
    route should judge the query (as Starlette decodes it: latin-1, then percent-decoding)."""
    day: date | None = None
    guests: int | None = None
    location: str | None = None
    seen: set[str] = set()
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name in seen:
            return None
        seen.add(name)
        if name == "date":
            if (day := calendar_day(value)) is None:
                return None
        elif name == "guest_count":
            if not _GUESTS.fullmatch(value) or int(value) > _MOST_GUESTS:
                return None
            guests = int(value)
        elif name == "location":
            if len(value) > _LONGEST_LOCATION:
                return None
            location = value
        else:
            return None
    return day, guests, location


def install(routes: list[BaseRoute], router_app: ASGIApp, database: Database) -> None:
    (route,) = (
        r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is get_availability
    )
    fast_routes.install(routes, AvailabilityFastPath(route, router_app, database))
