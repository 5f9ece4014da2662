"""`Idempotency-Key` on POST (../shared/API.md, Requests)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update

from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.idempotency_records import IdempotencyRecord
from maitred.kit.idempotency_scope import default_caller_scope
from maitred.tenancy.models import Organization
from tests.probe_router import ProbeControls, error_of

ORGANIZATIONS = "/api/v1/probe/organizations"
SUSHI = {"name": "Sushi Bar", "country": "JP"}


async def organization_names(database: Database) -> list[str]:
    async with database.transaction(write=False) as session:
        return list(
            (await session.scalars(select(Organization.name).order_by(Organization.name))).all()
        )


async def stored_keys(database: Database) -> list[tuple[str, bool]]:
    async with database.transaction(write=False) as session:
        rows = await session.execute(
            select(IdempotencyRecord.key, IdempotencyRecord.completed).order_by(
                IdempotencyRecord.key
            )
        )
        return [(key, completed) for key, completed in rows.all()]


async def test_same_key_and_body_replays_the_first_response_without_a_second_row(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    second = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 201
    assert second.content == first.content
    assert second.headers["content-type"] == first.headers["content-type"] == "application/json"
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert second.headers["x-request-id"] != first.headers["x-request-id"]
    assert probe.calls == 1
    assert await organization_names(database) == ["Sushi Bar"]


async def test_a_kept_answer_is_stored_encrypted(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-sealed"})
    async with database.transaction(write=False) as session:
        stored = await session.scalar(
            select(IdempotencyRecord.response_body).where(IdempotencyRecord.key == "k-sealed")
        )
    second = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-sealed"})

    assert stored is not None
    assert b"Sushi" not in stored
    assert stored.startswith(b"v1.")
    assert second.content == first.content


async def test_replay_ignores_json_key_order_only_when_bytes_match(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await client.post(
        ORGANIZATIONS,
        content=b'{"name": "Sushi Bar", "country": "JP"}',
        headers={"Idempotency-Key": "k-1", "Content-Type": "application/json"},
    )

    reordered = await client.post(
        ORGANIZATIONS,
        content=b'{"country": "JP", "name": "Sushi Bar"}',
        headers={"Idempotency-Key": "k-1", "Content-Type": "application/json"},
    )

    assert reordered.status_code == 422
    assert error_of(reordered)["error"] == "idempotency_key_reused"
    assert await organization_names(database) == ["Sushi Bar"]


async def test_same_key_with_a_different_body_is_422_and_writes_nothing(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    reused = await client.post(
        ORGANIZATIONS, json={"name": "Taco Truck"}, headers={"Idempotency-Key": "k-1"}
    )

    assert first.status_code == 201
    assert reused.status_code == 422
    assert error_of(reused) == {
        "error": "idempotency_key_reused",
        "message": "This Idempotency-Key was used with a different request",
        "details": {},
    }
    assert probe.calls == 1
    assert await organization_names(database) == ["Sushi Bar"]


async def test_same_key_on_another_path_is_a_different_request(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    elsewhere = await client.post(
        "/api/v1/probe/statuses", json={"status": "pending"}, headers={"Idempotency-Key": "k-1"}
    )

    assert elsewhere.status_code == 422
    assert error_of(elsewhere)["error"] == "idempotency_key_reused"


async def test_concurrent_request_with_a_key_in_flight_is_409(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    probe.gate = asyncio.Event()

    async def first() -> httpx.Response:
        return await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    async def second_while_first_waits() -> httpx.Response:
        await asyncio.wait_for(probe.entered.wait(), timeout=5)
        try:
            return await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})
        finally:
            assert probe.gate is not None
            probe.gate.set()

    original, concurrent = await asyncio.gather(first(), second_while_first_waits())

    assert original.status_code == 201
    assert concurrent.status_code == 409
    assert concurrent.headers["retry-after"] == "1"
    assert error_of(concurrent) == {
        "error": "conflict",
        "message": "A request with this Idempotency-Key is still being processed",
        "details": {},
    }
    assert probe.calls == 1
    assert await organization_names(database) == ["Sushi Bar"]

    after = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert after.status_code == 201
    assert after.headers["idempotent-replayed"] == "true"
    assert after.content == original.content


async def test_x_idempotency_key_is_the_same_key(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    alias = await client.post(ORGANIZATIONS, json=SUSHI, headers={"X-Idempotency-Key": "k-1"})

    assert alias.status_code == 201
    assert alias.headers["idempotent-replayed"] == "true"
    assert alias.content == first.content
    assert await organization_names(database) == ["Sushi Bar"]


async def test_x_idempotency_key_alone_replays(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI, headers={"X-Idempotency-Key": "k-1"})

    second = await client.post(ORGANIZATIONS, json=SUSHI, headers={"X-Idempotency-Key": "k-1"})

    assert first.status_code == 201
    assert second.headers["idempotent-replayed"] == "true"
    assert await organization_names(database) == ["Sushi Bar"]


async def test_different_callers_with_the_same_key_are_independent(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    alice = await client.post(
        ORGANIZATIONS,
        json={"name": "Alice's Diner"},
        headers={"Idempotency-Key": "k-1", "Authorization": "Bearer alice-token"},
    )

    bob = await client.post(
        ORGANIZATIONS,
        json={"name": "Bob's Bistro"},
        headers={"Idempotency-Key": "k-1", "Authorization": "Bearer bob-token"},
    )

    assert alice.status_code == bob.status_code == 201
    assert "idempotent-replayed" not in bob.headers
    assert bob.json()["name"] == "Bob's Bistro"
    assert await organization_names(database) == ["Alice's Diner", "Bob's Bistro"]


async def test_api_key_callers_are_scoped_by_their_key(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(
        ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1", "X-API-Key": "key-a"}
    )

    other = await client.post(
        ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1", "X-API-Key": "key-b"}
    )
    same = await client.post(
        ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1", "X-API-Key": "key-a"}
    )

    assert (first.status_code, other.status_code, same.status_code) == (201, 201, 201)
    assert "idempotent-replayed" not in other.headers
    assert same.headers["idempotent-replayed"] == "true"
    assert await organization_names(database) == ["Sushi Bar", "Sushi Bar"]


async def test_caller_scope_never_contains_the_credential() -> None:
    scope = {"headers": [(b"authorization", b"Bearer secret-access-token")], "client": None}

    caller = await default_caller_scope(scope)

    assert caller.startswith("cred:")
    assert "secret-access-token" not in caller
    assert len(caller) == 45


async def test_a_5xx_releases_the_key_so_a_retry_runs_again(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    probe.failures_left = 1
    failed = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})
    assert failed.status_code == 500
    assert await organization_names(database) == []
    assert await stored_keys(database) == []

    retried = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert retried.status_code == 201
    assert "idempotent-replayed" not in retried.headers
    assert probe.calls == 2
    assert await organization_names(database) == ["Sushi Bar"]
    assert await stored_keys(database) == [("k-1", True)]


async def test_a_response_cut_short_releases_the_key(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    with pytest.raises(RuntimeError, match="export failed halfway"):
        await client.post("/api/v1/probe/exports", headers={"Idempotency-Key": "k-1"})

    assert await stored_keys(database) == []


async def test_a_4xx_is_kept_and_replayed(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    invalid = {"name": "Sushi Bar", "country": "Japan"}
    first = await client.post(ORGANIZATIONS, json=invalid, headers={"Idempotency-Key": "k-1"})

    second = await client.post(ORGANIZATIONS, json=invalid, headers={"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 422
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert await organization_names(database) == []


async def test_requests_without_the_header_are_not_affected(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    first = await client.post(ORGANIZATIONS, json=SUSHI)

    second = await client.post(ORGANIZATIONS, json=SUSHI)

    assert first.status_code == second.status_code == 201
    assert first.json()["id"] != second.json()["id"]
    assert "idempotent-replayed" not in second.headers
    assert probe.calls == 2
    assert await organization_names(database) == ["Sushi Bar", "Sushi Bar"]
    assert await stored_keys(database) == []


async def test_keys_are_kept_at_least_24_hours(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    before = utcnow()

    await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    async with database.transaction(write=False) as session:
        expires_at = await session.scalar(select(IdempotencyRecord.expires_at))
    assert expires_at is not None
    assert expires_at >= before + timedelta(hours=24)


async def test_an_expired_key_runs_the_request_again(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})
    async with database.transaction() as session:
        await session.execute(
            update(IdempotencyRecord).values(expires_at=utcnow() - timedelta(seconds=1))
        )

    again = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert again.status_code == 201
    assert "idempotent-replayed" not in again.headers
    assert await organization_names(database) == ["Sushi Bar", "Sushi Bar"]
    assert await stored_keys(database) == [("k-1", True)]


async def test_a_key_whose_holder_died_is_taken_over_after_its_lock_times_out(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    probe.gate = asyncio.Event()
    abandoned = asyncio.create_task(
        client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})
    )
    await asyncio.wait_for(probe.entered.wait(), timeout=5)
    async with database.transaction() as session:
        await session.execute(
            update(IdempotencyRecord).values(locked_until=utcnow() - timedelta(seconds=1))
        )
    probe.gate = None

    takeover = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert takeover.status_code == 201
    assert "idempotent-replayed" not in takeover.headers
    abandoned.cancel()
    with pytest.raises(asyncio.CancelledError):
        await abandoned
    assert await organization_names(database) == ["Sushi Bar"]
    assert await stored_keys(database) == [("k-1", True)]

    retried = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert retried.headers["idempotent-replayed"] == "true"
    assert retried.content == takeover.content


@pytest.mark.parametrize("key", ["", "k" * 256])
async def test_key_of_invalid_length_is_400_and_writes_nothing(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database, key: str
) -> None:
    response = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": key})

    assert response.status_code == 400
    assert error_of(response) == {
        "error": "invalid_request",
        "message": "Idempotency-Key must be 1 to 255 characters",
        "details": {},
    }
    assert probe.calls == 0
    assert await organization_names(database) == []


async def test_key_is_ignored_on_reads(
    client: httpx.AsyncClient, probe: ProbeControls, database: Database
) -> None:
    await client.get(ORGANIZATIONS, headers={"Idempotency-Key": "k-1"})

    created = await client.post(ORGANIZATIONS, json=SUSHI, headers={"Idempotency-Key": "k-1"})

    assert created.status_code == 201
    assert "idempotent-replayed" not in created.headers
    assert await stored_keys(database) == [("k-1", True)]
