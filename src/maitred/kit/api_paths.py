"""One copy of each API route, found without scanning them all.

Every route lives under `/api/v1`. The unversioned `/api` of seed 000 is a path rewrite
(`UnversionedApi`), not a second set of routes, and `PrefixDispatch` sends a request (under
`/api/v1/<resource>`, `/app/<page>`, …) straight to the included routers with routes its path
can match.

Why: Starlette tries an app's routes in order, and FastAPI's included routers each scan their own
routes (twice: to match, then to handle). With ~200 routes served twice that was ~2 ms of a
GET /availability answer (bench/README.md), and the pages, included last, paid for every API
route on each request. The dispatch only narrows the candidates; the order
in which they are tried, and so which route wins, is Starlette's own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi.routing import iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import ASGIApp, Receive, Scope, Send

API_PREFIX = "/api/v1"
UNVERSIONED = "/api"
REQUESTED_PATH = "maitred.requested_path"
_VERSIONED = re.compile(r"^/api/v\d+(/|$)")
_BRANCH = "maitred.route_branch"


def canonical_path(path: str) -> str:
    """`/api/bookings` is `/api/v1/bookings`; any other path (`/api/v2/…` too) is itself."""
    if path.startswith(UNVERSIONED + "/") and not _VERSIONED.match(path):
        return API_PREFIX + path[len(UNVERSIONED) :]
    return path


def requested_path(scope: Scope) -> str:
    """The path as the client sent it (before `UnversionedApi` rewrote it): error messages and
    signatures over the called URL need it."""
    path: str = scope.get(REQUESTED_PATH) or scope["path"]
    return path


class UnversionedApi:
    """Serves `/api/...` as `/api/v1/...` (HTTP and WebSocket). The middlewares outside it see
    the path as sent (logs, audit, idempotency keys); what is inside sees the canonical one and
    finds the original at `requested_path`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            route_path = get_route_path(scope)
            canonical = canonical_path(route_path)
            if canonical is not route_path:
                root = scope["path"][: len(scope["path"]) - len(route_path)]
                scope = {**scope, "path": root + canonical, REQUESTED_PATH: scope["path"]}
        await self.app(scope, receive, send)


_DEPTH = 3
"""Segments a route is indexed by: `/api/v1/<resource>` and `/app/<page>` tell routers apart."""


def _literal_prefix(path: str) -> tuple[str, ...]:
    """The segments of a route's path before its first parameter (at most `_DEPTH`): a
    request can match the route only if its own path starts with them."""
    prefix: list[str] = []
    for segment in path.strip("/").split("/")[:_DEPTH]:
        if "{" in segment:
            break
        prefix.append(segment)
    return tuple(prefix)


class PrefixDispatch(BaseRoute):
    """Put first among the app's routes: a request is matched only against the routes (or
    included routers) with a path its own path can match, by their leading literal segments
    (`/api/v1/bookings`, `/app/calendar`, `/static`), in their order. Whatever it does not
    match FULL, the app's own scan still sees, so routes added after the index was built (or
    a 404, or a 405 with a FULL match elsewhere) behave as without it."""

    def __init__(self, routes: Sequence[BaseRoute]) -> None:
        self._routes = routes
        self._index: dict[tuple[str, ...], list[int]] | None = None
        self._ordered: list[BaseRoute] = []
        self._candidates: dict[tuple[tuple[str, ...], ...], list[BaseRoute]] = {}

    def _build(self) -> dict[tuple[str, ...], list[int]]:
        index: dict[tuple[str, ...], list[int]] = {}
        self._ordered = [route for route in self._routes if route is not self]
        for position, route in enumerate(self._ordered):
            prefixes = {
                () if context.path is None else _literal_prefix(context.path)
                for context in iter_route_contexts([route])
            }
            for prefix in prefixes:
                index.setdefault(prefix, []).append(position)
        return index

    def prepare(self) -> None:
        """Builds the index now (at start-up, once every route is added): it also has FastAPI
        build each included route's context, ~57,000 objects that, made on the first request,
        would come after the start-up's `gc.freeze()` and cost every full collection ~100 ms."""
        self._index = self._build()
        self._candidates.clear()

    def _candidates_for(self, path: str) -> list[BaseRoute]:
        if self._index is None:
            self._index = self._build()
        segments = path.strip("/").split("/")[:_DEPTH]
        found = tuple(
            key
            for key in (tuple(segments[:n]) for n in range(len(segments) + 1))
            if key in self._index
        )
        candidates = self._candidates.get(found)
        if candidates is None:  # bounded: `found` is made of the index's own keys
            positions = sorted({p for key in found for p in self._index[key]})
            candidates = self._candidates[found] = [self._ordered[p] for p in positions]
        return candidates

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        partial: tuple[BaseRoute, Scope] | None = None
        for route in self._candidates_for(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return Match.FULL, {**child_scope, _BRANCH: route}
            if match is Match.PARTIAL and partial is None:
                partial = (route, child_scope)
        if partial is not None:
            return Match.PARTIAL, {**partial[1], _BRANCH: partial[0]}
        return Match.NONE, {}

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        route: BaseRoute = scope.pop(_BRANCH)
        await route.handle(scope, receive, send)

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)  # the routes themselves answer, in the app's list
