"""GET /api/v1/monitoring/rate-limit/status: the caller's own standing, not counted."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from maitred.app import create_app
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.kit.test_ratelimit import WINDOW_START, FakeClock
from tests.probe_router import error_of

STATUS = "/api/v1/monitoring/rate-limit/status"


@pytest.fixture
async def build_app(
    data_dir: Path, database_url: str, database: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Callable[..., FastAPI]]:
    apps: list[FastAPI] = []

    def build(**overrides: object) -> FastAPI:
        overrides.setdefault("rate_limit_enabled", True)
        app = create_app(make_settings(data_dir, database_url, **overrides))
        if overrides["rate_limit_enabled"]:
            FakeClock(WINDOW_START + 42.5).install(monkeypatch)
        apps.append(app)
        return app

    yield build
    for app in apps:
        await app.state.database.dispose()


def client_of(app: FastAPI, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


async def test_status_reports_the_anonymous_callers_public_quota_without_counting_itself(
    build_app: Callable[..., FastAPI],
) -> None:
    app = build_app()
    async with client_of(app) as client:
        for _ in range(3):
            await client.get("/api/v1/public/organizations/no-such-business")
        first = await client.get(STATUS)
        second = await client.get("/api/monitoring/rate-limit/status")

    assert first.status_code == second.status_code == 200
    assert second.json() == first.json()
    assert first.json() == {
        "tier": "public",
        "limit": 20,
        "remaining": 17,
        "reset_at": "2024-10-27T03:34:43Z",  # the first request leaves the window
        "requests_made": 3,
        "window_duration": 60,
    }
    assert first.headers["x-ratelimit-remaining"] == "17"
    assert first.headers["ratelimit"] == "limit=20, remaining=17, reset=60"


async def test_status_reports_the_quota_of_the_presented_credential(
    build_app: Callable[..., FastAPI],
) -> None:
    app = build_app(rate_limit_authenticated="2/minute")
    async with client_of(app, headers={"Authorization": "Bearer token-a"}) as client:
        for _ in range(3):
            await client.get("/api/v1/public/organizations/no-such-business")  # public: by IP
        await client.get("/api/v1/anything-else")
        await client.get("/api/v1/anything-else")
        exhausted = await client.get(STATUS)
    async with client_of(app, headers={"Authorization": "Bearer token-b"}) as client:
        other = await client.get(STATUS)

    assert exhausted.json() == {
        "tier": "authenticated",
        "limit": 2,
        "remaining": 0,
        "reset_at": "2024-10-27T03:34:43Z",
        "requests_made": 2,
        "window_duration": 60,
    }
    assert exhausted.status_code == 200  # asking is allowed even when the quota is spent
    assert other.json()["remaining"] == 2


async def test_status_is_404_when_rate_limiting_is_off(
    build_app: Callable[..., FastAPI],
) -> None:
    app = build_app(rate_limit_enabled=False)
    async with client_of(app) as client:
        response = await client.get(STATUS)

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "No rate limit applies to this request",
        "details": {},
    }


async def test_status_is_documented(build_app: Callable[..., FastAPI]) -> None:
    app = build_app()
    async with client_of(app) as client:
        schema = (await client.get("/openapi.json")).json()

    operation = schema["paths"][STATUS]["get"]
    assert operation["tags"] == ["monitoring"]
    content = operation["responses"]["200"]["content"]["application/json"]
    assert content["schema"] == {"$ref": "#/components/schemas/RateLimitStatusRead"}
    model = schema["components"]["schemas"]["RateLimitStatusRead"]
    assert model["examples"][0]["tier"] == "authenticated"
    assert set(model["required"]) == {
        "tier",
        "limit",
        "remaining",
        "reset_at",
        "requests_made",
        "window_duration",
    }
    assert "/api/monitoring/rate-limit/status" not in schema["paths"]
