"""API keys as `Authorization: Bearer` (seed 002's main service calls its CRM that way) and
`GET /auth/me` for a caller that is a key: the key is recognised by its prefix wherever
X-API-Key works, with the same scopes, organization, quota and idempotency scope."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.config import Settings
from maitred.crm.models import CrmRecord
from maitred.kit.db import Database
from tests.crm.given import SEED_002_NOTIFICATION
from tests.factories import Actor, signed_in_as
from tests.probe_router import error_of

KEYS = "/api/v1/api-keys"
# The same with a dialable phone: these tests are about the credential, not the contact field.
NOTIFY = {
    **SEED_002_NOTIFICATION,
    "user": {**SEED_002_NOTIFICATION["user"], "phone": "+19165550123"},
}
SEED_002_ANSWER = {"message": "Booking notification received successfully", "status": "success"}


async def new_key(
    client: httpx.AsyncClient, admin: Actor, scopes: list[str], name: str = "Main service"
) -> dict[str, Any]:
    response = await client.post(KEYS, json={"name": name, "scopes": scopes}, headers=admin.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def bearer(key: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {key['key']}"}


async def crm_records(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(CrmRecord)) or 0)


async def test_seed_002s_notify_with_a_bearer_api_key_is_received(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await new_key(client, admin, ["crm:read", "crm:write"])

    response = await client.post("/api/notify", json=SEED_002_NOTIFICATION, headers=bearer(key))
    listed = await client.get("/api/v1/crm/bookings", headers=bearer(key))

    assert response.status_code == 201, response.text
    answer = response.json()
    # The seed's `+1234567890` is one digit short: kept as sent and flagged, never refused.
    assert list(answer.pop("contact_flags")) == ["user.phone"]
    assert {k: v for k, v in answer.items() if k != "notification_id"} == SEED_002_ANSWER
    assert listed.status_code == 200
    assert [r["booking_id"] for r in listed.json()["items"]] == ["1"]
    assert await crm_records(database) == 1


async def test_a_bearer_key_that_is_unknown_revoked_or_not_allowed_stores_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    revoked = await new_key(client, admin, ["crm:write"], name="Old")
    assert (
        await client.delete(f"{KEYS}/{revoked['id']}", headers=admin.headers)
    ).status_code == 204
    reader = await new_key(client, admin, ["crm:read"], name="Reader")
    forged = {"key": "mk_" + "A" * 43}

    answers = [
        await client.post("/api/notify", json=NOTIFY, headers=bearer(k))
        for k in (forged, revoked, reader)
    ]

    assert [a.status_code for a in answers] == [401, 401, 403]
    assert error_of(answers[0])["message"] == "The API key is invalid, expired or revoked"
    assert error_of(answers[2])["message"] == "Requires permission crm:write"
    assert await crm_records(database) == 0


async def test_a_bearer_key_is_of_its_own_organization_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    victim = await signed_in_as(client, database, "admin")
    assert victim.organization is not None
    victim_key = await new_key(client, victim, ["crm:read", "crm:write"])
    await client.post("/api/notify", json=NOTIFY, headers=bearer(victim_key))
    intruder = await signed_in_as(client, database, "admin")
    intruder_key = await new_key(client, intruder, ["crm:read", "crm:write"])
    other_tenant = {**bearer(intruder_key), "X-Tenant-ID": str(victim.organization.id)}

    listed = await client.get("/api/v1/crm/bookings", headers=bearer(intruder_key))
    across = await client.get("/api/v1/crm/bookings", headers=other_tenant)
    written = await client.post("/api/notify", json=NOTIFY, headers=other_tenant)

    assert listed.json()["items"] == []
    assert [across.status_code, written.status_code] == [404, 404]
    assert await crm_records(database) == 1


async def test_two_different_keys_in_one_request_are_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    first = await new_key(client, admin, ["crm:write"], name="First")
    second = await new_key(client, admin, ["crm:write"], name="Second")

    both = await client.post(
        "/api/notify",
        json=NOTIFY,
        headers={**bearer(first), "X-API-Key": second["key"]},
    )
    same = await client.post(
        "/api/notify", json=NOTIFY, headers={**bearer(first), "X-API-Key": first["key"]}
    )

    assert both.status_code == 401
    assert same.status_code == 201, same.text
    assert await crm_records(database) == 1


async def test_an_idempotency_key_is_the_api_keys_whichever_header_carries_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await new_key(client, admin, ["crm:write"])
    retry = {"Idempotency-Key": "notify-1"}

    first = await client.post("/api/notify", json=NOTIFY, headers={**bearer(key), **retry})
    again = await client.post(
        "/api/notify", json=NOTIFY, headers={"X-API-Key": key["key"], **retry}
    )

    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()


async def test_auth_me_describes_the_api_key(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    assert admin.organization is not None
    key = await new_key(client, admin, ["crm:write", "bookings:read"])

    by_bearer = await client.get("/api/v1/auth/me", headers=bearer(key))
    by_header = await client.get("/api/v1/auth/me", headers={"X-API-Key": key["key"]})
    seed_002_alias = await client.get("/api/auth/profile", headers=bearer(key))

    assert by_bearer.status_code == 200, by_bearer.text
    body = by_bearer.json()
    assert body["last_used_at"] is not None
    assert {k: v for k, v in body.items() if k != "last_used_at"} == {
        "kind": "api_key",
        "id": key["id"],
        "name": "Main service",
        "prefix": key["prefix"],
        "scopes": ["bookings:read", "crm:write"],
        "permissions": ["bookings:read", "crm:write"],
        "role": "admin",
        "organization_id": str(admin.organization.id),
        "organization": {
            "id": str(admin.organization.id),
            "name": admin.organization.name,
            "slug": admin.organization.slug,
        },
        "created_by_id": str(admin.user.id),
        "expires_at": None,
        "created_at": key["created_at"],
    }
    assert key["key"] not in by_bearer.text
    assert by_header.json() == body
    assert seed_002_alias.json() == body
    # A person's own profile is unchanged.
    me = await client.get("/api/v1/auth/me", headers=admin.headers)
    assert me.json()["email"] == admin.user.email
    assert "kind" not in me.json()


async def test_auth_me_with_a_revoked_key_is_401(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = await new_key(client, admin, ["crm:write"])
    await client.delete(f"{KEYS}/{key['id']}", headers=admin.headers)

    response = await client.get("/api/v1/auth/me", headers=bearer(key))

    assert response.status_code == 401
    assert key["name"] not in response.text


async def test_a_key_has_one_quota_whichever_header_carries_it(
    settings: Settings, database: Database
) -> None:
    limited = settings.model_copy(
        update={"rate_limit_enabled": True, "rate_limit_authenticated": "3/minute"}
    )
    app = create_app(limited, database=database)
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        admin = await signed_in_as(client, database, "admin")
        key = await new_key(client, admin, ["crm:read"])
        as_header = {"X-API-Key": key["key"]}
        answers = [
            await client.get("/api/v1/crm/bookings", headers=headers)
            for headers in (bearer(key), as_header, bearer(key), as_header)
        ]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
