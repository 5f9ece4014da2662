"""Plain-ASGI routes in front of a FastAPI route, for the hot paths (ARCHITECTURE.md, Hot paths).

A fast route serves one method and path (`PATH`) itself when the request is the plain case and
hands anything else, body and all, to the FastAPI route, which stays the one documented in the
OpenAPI and answers those exactly as before. It stands among the app's routes, inside every
middleware, so errors it raises reach the same exception handlers. bookings/public_fast.py and
availability/fast.py say what each takes and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any, ClassVar

from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from maitred.kit.api_paths import PrefixDispatch
from maitred.kit.clock import EARLIEST_DATE, LATEST_DATE
from maitred.kit.db import Database

_DECLINED = "maitred.fast_route_declined"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FastRoute(BaseRoute):
    """One of the app's routes (`install`). `taken` counts the requests it kept rather than
    handing them to the FastAPI route (the tests check that the plain case is kept)."""

    METHOD: ClassVar[str]
    PATH: ClassVar[str]

    def __init__(self, route: APIRoute, router: ASGIApp, database: Database) -> None:
        self.route = route  # the FastAPI route: the audit reads its path template from scope
        self.path = self.PATH  # kit/api_paths.PrefixDispatch indexes it by its path
        self.router = router
        self.database = database
        self.taken = 0

    def wants(self, scope: Scope) -> bool:
        """Whether to look at the request at all (else the FastAPI route has it at once)."""
        return True

    def path_matches(self, path: str) -> bool:
        """Whether `path` is this route's (a route with a path parameter says how)."""
        return path == self.PATH

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if (
            scope["type"] == "http"
            and scope["method"] == self.METHOD
            and _DECLINED not in scope
            and self.path_matches(get_route_path(scope))
            and self.wants(scope)
        ):
            return Match.FULL, {"route": self.route}
        return Match.NONE, {}

    async def hand_over(
        self, scope: Scope, receive: Receive, send: Send, taken: Iterable[Message] = ()
    ) -> None:
        """The FastAPI route answers, reading the messages this one already `taken` first."""
        pending = list(taken)

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        scope[_DECLINED] = True
        scope.pop("route", None)
        await self.router(scope, replay, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)  # the FastAPI route names this path


def install(routes: list[BaseRoute], fast: FastRoute) -> None:
    """Puts `fast` in `routes` (the app's) right behind kit/api_paths.PrefixDispatch, which
    stays first and finds it by its path before the FastAPI route, which comes later."""
    (dispatch,) = (n for n, r in enumerate(routes) if isinstance(r, PrefixDispatch))
    routes.insert(dispatch + 1, fast)


def calendar_day(text: str) -> date | None:
    """`text` as a route's `CalendarDate` query parameter reads it when it is written
    YYYY-MM-DD within kit.clock's calendar, else None (the FastAPI route judges it)."""
    if not _DATE.fullmatch(text):
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None
