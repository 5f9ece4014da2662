from pathlib import Path

import httpx

from maitred.app import create_app
from tests.conftest import make_settings

HEALTH_FIELDS = {
    "status",
    "version",
    "uptime_seconds",
    "database",
    "redis",
    "environment",
    "timestamp",
    "features",
}


async def test_health_reports_a_connected_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == HEALTH_FIELDS
    assert body["status"] == "healthy"
    assert body["database"] == "connected"
    assert body["redis"] == "not_configured"
    assert body["environment"] == "development"
    assert body["timestamp"].endswith("Z")


async def test_health_is_503_with_the_same_shape_when_sqlite_file_is_not_a_database(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not an sqlite database file at all" * 200)
    app = create_app(make_settings(tmp_path, f"sqlite:///{broken}"))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.get("/health")
        db_response = await client.get("/health/db")
    await app.state.database.dispose()
    assert response.status_code == 503
    assert set(response.json()) == HEALTH_FIELDS
    assert response.json()["status"] == "unhealthy"
    assert response.json()["database"] == "disconnected"
    assert db_response.status_code == 503
    assert "not a database" in db_response.json()["error"]


async def test_health_db_names_backend_and_applied_migration(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "connected"
    assert body["backend"] in ("sqlite", "postgresql")
    assert body["migration"]
