import asyncio
import os
from pathlib import Path

import httpx
import pytest

from maitred.app import create_app
from maitred.health.schemas import HealthRead
from maitred.kit.db import Database
from maitred.kit.worker import Worker, WorkerOptions
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
    "external_services",
}
NOTHING_EXTERNAL = {
    "stripe": "not_configured",
    "openai": "not_configured",
    "smtp": "not_configured",
    "twilio": "not_configured",
    "ringcentral": "not_configured",
    "whatsapp": "not_configured",
    "telegram": "not_configured",
    "google_sign_in": "not_configured",
}


async def test_health_reports_a_connected_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == HEALTH_FIELDS
    HealthRead.model_validate(body)  # the hand-rendered body keeps to its documented model
    assert body["status"] == "healthy"
    assert body["database"] == "connected"
    assert body["redis"] == "not_configured"
    assert body["environment"] == "development"
    assert body["timestamp"].endswith("Z")
    assert body["external_services"] == NOTHING_EXTERNAL


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


async def test_health_is_503_when_the_sqlite_path_cannot_be_opened(tmp_path: Path) -> None:
    unopenable = tmp_path / "a-directory.db"
    unopenable.mkdir()
    app = create_app(make_settings(tmp_path, f"sqlite:///{unopenable}"))
    response = await _get(app, "/health")
    db_response = await _get(app, "/health/db")
    await app.state.database.dispose()
    assert response.status_code == 503
    assert set(response.json()) == HEALTH_FIELDS
    assert response.json()["database"] == "disconnected"
    assert db_response.status_code == 503
    assert "unable to open database file" in db_response.json()["error"]


async def test_health_db_names_backend_and_applied_migration(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/db")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "connected"
    assert body["backend"] in ("sqlite", "postgresql")
    assert body["migration"]


async def _get(app: object, path: str) -> httpx.Response:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        base_url="http://testserver",
    ) as client:
        return await client.get(path)


async def test_health_is_503_when_postgresql_server_is_not_running(tmp_path: Path) -> None:
    # Port 9 (discard) has no PostgreSQL listening: the server is "stopped".
    app = create_app(make_settings(tmp_path, "postgresql://maitred@127.0.0.1:9/maitred"))
    response = await _get(app, "/health")
    await app.state.database.dispose()
    assert response.status_code == 503
    assert set(response.json()) == HEALTH_FIELDS
    assert response.json()["database"] == "disconnected"
    assert response.json()["features"]["workers"] == "stopped"


async def test_health_reports_redis_state(tmp_path: Path, database_url: str) -> None:
    redis_url = os.environ.get("MAITRED_TEST_REDIS_URL")
    if not redis_url:
        pytest.skip("MAITRED_TEST_REDIS_URL not set (.ci/run starts a redis-server)")
    up = create_app(make_settings(tmp_path, database_url, redis_url=redis_url))
    down = create_app(make_settings(tmp_path, database_url, redis_url="redis://127.0.0.1:9/0"))
    up_body = (await _get(up, "/health")).json()
    down_response = await _get(down, "/health")
    for app in (up, down):
        await app.state.database.dispose()
    assert up_body["redis"] == "connected"
    assert down_response.json()["redis"] == "disconnected"
    assert down_response.status_code == 200  # redis is optional: degraded, not down


async def test_workers_health_lists_a_running_worker(
    client: httpx.AsyncClient, database: Database
) -> None:
    worker = Worker(database, WorkerOptions(poll_seconds=0.05))
    task = asyncio.create_task(worker.run())
    try:
        deadline = asyncio.get_running_loop().time() + 5
        while True:
            response = await client.get("/health/workers")
            if response.status_code == 200 or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
    finally:
        worker.stop()
        await task
    assert response.status_code == 200
    body = response.json()
    assert [w["worker_id"] for w in body["workers"]] == [worker.worker_id]
    assert body["outbox"] == {"due": 0, "dead": 0}
    after = await client.get("/health/workers")
    assert after.status_code == 503  # a stopped worker removes its heartbeat
    assert after.json()["workers"] == []


async def test_features_report_seed_000s_features_and_seed_001s_services(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/health/features")

    assert response.status_code == 200
    assert response.json() == {
        "status": "healthy",
        "features": {
            "authentication": "enabled",
            "mfa": "enabled",
            "workers": "stopped",
            "email_service": "console",
            "sms_service": "console",
            "whatsapp_service": "console",
            "telegram_service": "console",
            "payment_service": "not_configured",
            "payments": "not_configured",
            "encryption": "enabled",
            "audit_logging": "enabled",
            "rate_limiting": "disabled",
            "outbox": "enabled",
            "idempotency": "enabled",
        },
        "external_services": NOTHING_EXTERNAL,
    }


SECRETS = {
    "smtp_url": "smtp://mailer:smtp-pass-7f3k@mail.example.com:587",
    "twilio_account_sid": "AC0123456789abcdef0123456789abcdef",
    "twilio_auth_token": "twilio-token-9d8c7b6a5f4e",
    "twilio_from_number": "+15005550006",
    "stripe_api_key": "sk_live_51QxR9bLkdIwHu7ixLive0Key",
    "stripe_webhook_secret": "whsec_health_probe_secret",
    "telegram_bot_token": "123456:telegram-bot-token-xyz",
    "google_client_id": "1234-health.apps.googleusercontent.com",
}


async def test_features_follow_the_configured_providers_and_never_show_their_secrets(
    tmp_path: Path, database_url: str, database: Database
) -> None:
    app = create_app(
        make_settings(
            tmp_path,
            database_url,
            rate_limit_enabled=True,
            redis_url="redis://127.0.0.1:9/0",
            **SECRETS,
        ),
        database=database,
    )
    features = await _get(app, "/health/features")
    health = await _get(app, "/health")

    assert features.status_code == 200, features.text
    body = features.json()
    assert {name: body["features"][name] for name in SHOWN} == SHOWN
    assert body["external_services"] == {
        **NOTHING_EXTERNAL,
        "stripe": "configured",
        "smtp": "configured",
        "twilio": "configured",
        "telegram": "configured",
        "google_sign_in": "configured",
    }
    assert health.json()["external_services"] == body["external_services"]
    for text in (features.text, health.text):
        for secret in (*SECRETS.values(), "smtp-pass", "sk_live", "mail.example.com"):
            assert secret not in text


SHOWN = {
    "email_service": "smtp",
    "sms_service": "twilio",
    "whatsapp_service": "console",
    "telegram_service": "telegram",
    "payment_service": "stripe_live",
    "payments": "stripe_live",
    "rate_limiting": "redis",
}


async def test_sms_through_ringcentral_when_only_ringcentral_is_configured(
    tmp_path: Path, database_url: str, database: Database
) -> None:
    app = create_app(
        make_settings(
            tmp_path,
            database_url,
            rate_limit_enabled=True,
            ringcentral_client_id="rc-client-id",
            ringcentral_client_secret="rc-client-secret-value",
            ringcentral_jwt="rc.jwt.value",
        ),
        database=database,
    )
    response = await _get(app, "/health/features")

    features = response.json()["features"]
    assert (features["sms_service"], features["rate_limiting"]) == ("ringcentral", "memory")
    assert response.json()["external_services"]["ringcentral"] == "configured"
    assert "rc-client-secret-value" not in response.text
    assert "rc.jwt.value" not in response.text
