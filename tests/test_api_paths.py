"""One copy of each API route: `/api/...` is served by rewriting it to `/api/v1/...`, and a
request is matched only against the routes its path can match (kit/api_paths.py)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, WebSocket
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Match
from starlette.types import Scope
from websockets.asyncio.client import connect

from maitred.kit.api_paths import requested_path
from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from tests.messaging.inbox.test_live_inbox import serving


def test_every_api_route_is_in_the_route_table_once(app: FastAPI) -> None:
    paths = [
        (context.path, tuple(sorted(context.methods or ())))
        for context in iter_route_contexts(app.routes)
        if (context.path or "").startswith("/api")
    ]

    assert paths, "the app serves API routes"
    assert [p for p, _ in paths if not p.startswith("/api/v1/")] == []
    assert len(paths) == len(set(paths))


class _CountingRoute(APIRoute):
    """A route that counts how often the router tried it."""

    tried = 0

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        type(self).tried += 1
        return super().matches(scope)


@pytest.mark.own_app
async def test_a_request_is_not_matched_against_other_resources_routes(
    app: FastAPI, client: httpx.AsyncClient, database: Database
) -> None:
    async with database.transaction() as session:
        org = await tenancy_service.create(session, name="Hibachi at Home", timezone="UTC")
    elsewhere = APIRouter(prefix="/elsewhere", route_class=_CountingRoute)
    for n in range(300):
        elsewhere.add_api_route(f"/thing-{n}", _answer_ok, methods=["GET"])
    app.include_router(elsewhere, prefix="/api/v1")
    # Tried first by Starlette's own scan, ahead of every real router (the dispatch stays first).
    app.router.routes.insert(1, app.router.routes.pop())
    _CountingRoute.tried = 0

    versioned = await client.get(f"/api/v1/public/organizations/{org.slug}")
    unversioned = await client.get(f"/api/public/organizations/{org.slug}")
    page = await client.get("/app/sign-in")  # the pages, included after the API, too
    tried_for_others = _CountingRoute.tried
    own = await client.get("/api/elsewhere/thing-299")

    assert (versioned.status_code, unversioned.status_code, page.status_code) == (200, 200, 200)
    assert "<form" in page.text
    assert unversioned.json()["id"] == str(org.id)
    assert tried_for_others == 0
    assert (own.status_code, own.json()) == (200, {"ok": "yes"})
    assert _CountingRoute.tried >= 300  # its own request did scan them


async def _answer_ok() -> dict[str, str]:
    return {"ok": "yes"}


socket_router = APIRouter(prefix="/probe-socket")


@socket_router.websocket("")
async def _echo_paths(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_json(
        {"path": websocket.scope["path"], "requested": requested_path(websocket.scope)}
    )
    await websocket.close()


@pytest.mark.own_app
async def test_a_websocket_under_the_unversioned_prefix_reaches_its_route(app: FastAPI) -> None:
    app.include_router(socket_router, prefix="/api/v1")

    answers: list[Any] = []
    async with serving(app) as base:
        for path in ("/api/v1/probe-socket", "/api/probe-socket"):
            async with connect(base + path) as socket:
                answers.append(await socket.recv())

    assert [json.loads(a) for a in answers] == [
        {"path": "/api/v1/probe-socket", "requested": "/api/v1/probe-socket"},
        {"path": "/api/v1/probe-socket", "requested": "/api/probe-socket"},
    ]
