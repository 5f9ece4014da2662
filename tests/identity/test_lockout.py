"""Repeated failed sign-ins lock the account (whatever the address) and the address (whatever
the account), in the database, so every API process sees the same count."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from maitred.app import create_app
from maitred.kit.db import Database
from tests.conftest import make_settings
from tests.factories import PASSWORD, given_organization, given_user


@pytest.fixture
async def strict_app(
    data_dir: Path, database_url: str, database: Database
) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        data_dir,
        database_url,
        login_max_failures_per_account=3,
        login_max_failures_per_ip=5,
        trusted_proxies="127.0.0.1",
    )
    application = create_app(settings)
    yield application
    await application.state.database.dispose()


@pytest.fixture
async def strict(strict_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=strict_app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def attempt(
    client: httpx.AsyncClient, email: str, password: str, ip: str = "203.0.113.7"
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/login",
        json={"email": email, "password": password},
        headers={"X-Forwarded-For": ip},
    )


async def test_an_account_locks_after_repeated_failures(
    strict: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)

    failures = [
        (await attempt(strict, user.email, "wrong guess number", ip=f"198.51.100.{n}")).status_code
        for n in range(3)
    ]
    locked = await attempt(strict, user.email, PASSWORD, ip="192.0.2.200")

    assert failures == [401, 401, 401]
    assert locked.status_code == 429
    assert locked.json()["error"] == "rate_limit_exceeded"
    assert int(locked.headers["Retry-After"]) > 0
    # Another account from the same addresses is not affected.
    other = await given_user(database, org)
    assert (await attempt(strict, other.email, PASSWORD, ip="198.51.100.0")).status_code == 200


async def test_unknown_emails_lock_the_same_way(
    strict: httpx.AsyncClient, database: Database
) -> None:
    statuses = [
        (await attempt(strict, "ghost@example.com", "wrong guess number", ip=f"198.51.100.{n}"))
        for n in range(4)
    ]

    assert [r.status_code for r in statuses] == [401, 401, 401, 429]


async def test_an_address_locks_after_failures_across_accounts(
    strict: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)

    statuses = [
        (await attempt(strict, f"guess{n}@example.com", "wrong guess number")).status_code
        for n in range(5)
    ]
    from_there = await attempt(strict, user.email, PASSWORD)
    from_elsewhere = await attempt(strict, user.email, PASSWORD, ip="192.0.2.1")

    assert statuses == [401] * 5
    assert from_there.status_code == 429
    assert from_elsewhere.status_code == 200


async def test_a_success_resets_the_account_count(
    strict: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)

    for _ in range(2):
        await attempt(strict, user.email, "wrong guess number", ip="192.0.2.10")
    assert (await attempt(strict, user.email, PASSWORD, ip="192.0.2.11")).status_code == 200
    for _ in range(2):
        await attempt(strict, user.email, "wrong guess number", ip="192.0.2.12")

    assert (await attempt(strict, user.email, PASSWORD, ip="192.0.2.13")).status_code == 200
