"""The app answers nothing, /health included, before its start-up work is done: a load balancer
or a bench that waits for /health never sends its first requests into the understanding
engine's warm-up (a second or more of CPU that would take the interpreter from them)."""

from __future__ import annotations

import httpx
from asgi_lifespan import LifespanManager

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database


async def test_health_answers_only_once_the_understanding_engine_is_warm(
    settings: Settings, database: Database
) -> None:
    # On the run's database (migrated), through a handle of its own: the lifespan disposes of it.
    app = create_app(settings)
    async with LifespanManager(app, startup_timeout=120):
        warm_when_ready = app.state.nlu_warm_up.done()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            health = await client.get("/health")

    assert warm_when_ready
    assert health.status_code == 200
    assert health.json()["status"] == "healthy"
