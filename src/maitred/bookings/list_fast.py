"""GET /api/v1/bookings served as plain ASGI, in front of its FastAPI route.

Why: on one process the list saturates the event loop under load, and its tail scales with the
CPU of a request (bench/README.md, "The availability read without FastAPI"). FastAPI's
machinery around it (solving six dependencies, two of them with ten query parameters between
them, and validating eleven more) was about a quarter of that CPU (bench/README.md, "The list
and the detail without FastAPI"). This route does the same steps by hand:
the caller through the route's own permission check, the session as `kit.deps.get_session`
opens it for a GET (nothing is sent unless the service reads through it), the same service
call, and the answer written by `kit.json_answers`, inside every middleware and with the same
exception handlers.

It takes only the plain case: `status`, `event_date_from`/`event_date_to` (or `date_from`/
`date_to`), `page`, `limit` (or `per_page`/`page_size`), `sort`/`sort_by`, `order`/
`sort_order`, `search`, `event_type` and `kind`, each at most once and each valid as the route
declares it. Anything else (`upcoming`, `created_from`, an id, a malformed or repeated
parameter, an unknown one) goes to the FastAPI route, which stays the one documented in the
OpenAPI and answers it exactly as before.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from maitred.bookings import service as bookings_service
from maitred.bookings.router import READ, list_bookings, router
from maitred.bookings.schemas import BookingSummary
from maitred.kit import fast_routes
from maitred.kit.db import Database
from maitred.kit.fast_routes import FastRoute
from maitred.kit.json_answers import json_answer
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, MAX_PAGE, Page, PageParams

PATH = "/api/v1/bookings"
_NUMBER = re.compile(r"[1-9]\d{0,6}")
_DATES = ("event_date_from", "event_date_to", "date_from", "date_to")
_SIZES = ("limit", "per_page", "page_size")
_ORDERS = ("asc", "desc")
# The route's Query(max_length=…) of each free-text parameter (None: unbounded).
_TEXTS: dict[str, int | None] = {"status": None, "search": 200, "event_type": 32, "kind": None}
_check = READ.dependency  # the route's `requires("bookings:read")`
_ANSWER = Page[BookingSummary]


class BookingListFastPath(FastRoute):
    METHOD = "GET"
    PATH = PATH

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        asked = _plain_query(scope["query_string"])
        if asked is None:
            await self.hand_over(scope, receive, send)
            return
        self.taken += 1
        auth = await _check(Request(scope, receive))
        size = asked.get("limit") or asked.get("per_page") or asked.get("page_size")
        pagination = PageParams(page=asked.get("page", 1), limit=size or DEFAULT_LIMIT)
        sort = asked.get("sort_by", asked.get("sort"))
        order = asked.get("sort_order", asked.get("order"))
        listing = ListQuery(
            sort_by=sort or "event_date",
            descending=(order or "desc") == "desc",
            sort_given=sort is not None,
        )
        async with self.database.transaction(write=False) as session:
            items, info = await bookings_service.list_bookings(
                session,
                self.database.reads,
                bookings_service.viewer_of(auth),
                pagination,
                status=asked.get("status"),
                date_from=asked.get("event_date_from") or asked.get("date_from"),
                date_to=asked.get("event_date_to") or asked.get("date_to"),
                event_type=asked.get("event_type"),
                search=asked.get("search"),
                kind=asked.get("kind"),
                listing=listing,
            )
        await json_answer(_ANSWER, {"items": items, "pagination": info})(scope, receive, send)


def _plain_query(raw: bytes) -> dict[str, Any] | None:
    """The parameters as the route would read them, or None when the FastAPI route should judge
    the query (as Starlette decodes it: latin-1, then percent-decoding)."""
    asked: dict[str, Any] = {}
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name in asked:
            return None
        if name in _DATES:
            day = fast_routes.calendar_day(value)
            if day is None:
                return None
            asked[name] = day
        elif name == "page" or name in _SIZES:
            if not _NUMBER.fullmatch(value) or int(value) > (
                MAX_PAGE if name == "page" else MAX_LIMIT
            ):
                return None
            asked[name] = int(value)
        elif name in ("sort", "sort_by"):
            if value not in bookings_service.SORTS:
                return None
            asked[name] = value
        elif name in ("order", "sort_order"):
            if value not in _ORDERS:
                return None
            asked[name] = value
        elif name in _TEXTS:
            longest = _TEXTS[name]
            if longest is not None and len(value) > longest:
                return None
            asked[name] = value
        else:
            return None
    if ("sort" in asked and "sort_by" in asked) or ("order" in asked and "sort_order" in asked):
        return None  # which one wins is the FastAPI route's to say
    return asked


def install(routes: list[BaseRoute], router_app: ASGIApp, database: Database) -> None:
    (route,) = (r for r in router.routes if isinstance(r, APIRoute) and r.endpoint is list_bookings)
    fast_routes.install(routes, BookingListFastPath(route, router_app, database))
