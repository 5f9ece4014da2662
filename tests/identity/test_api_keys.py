"""API keys (seed 001): created once with their secret, used with X-API-Key, revoked."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from maitred.identity.models import ApiKey
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.permissions import ORGANIZATION_PERMISSIONS
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

KEYS = "/api/v1/api-keys"


async def stored_keys(database: Database) -> list[ApiKey]:
    async with database.transaction() as session:
        return list((await session.scalars(select(ApiKey))).all())


async def new_key(client: httpx.AsyncClient, actor: Actor, **body: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"name": "Website booking form"}
    payload.update(body)
    response = await client.post(KEYS, json=payload, headers=actor.headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_a_key_is_shown_once_and_stored_as_a_digest(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    created = await new_key(client, admin, scopes=["users:read", "bookings:read"])
    listed = await client.get(KEYS, headers=admin.headers)
    one = await client.get(f"{KEYS}/{created['id']}", headers=admin.headers)

    secret = created["key"]
    assert secret.startswith("mk_")
    assert created["prefix"] == secret[:10]
    assert created["scopes"] == ["bookings:read", "users:read"]
    assert created["created_by_id"] == str(admin.user.id)
    assert created["expires_at"] is None
    assert created["revoked_at"] is None
    assert secret not in listed.text
    assert secret not in one.text
    assert [k["id"] for k in listed.json()["items"]] == [created["id"]]
    assert listed.json()["pagination"]["total_items"] == 1
    assert one.json() == {k: v for k, v in created.items() if k != "key"}
    [stored] = await stored_keys(database)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(
        [(stored.name, stored.prefix, stored.key_hash, stored.scopes, stored.role)]
    )


async def test_scopes_default_to_the_creators_permissions(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    created = await new_key(client, admin, expires_in_days=30)

    assert created["scopes"] == sorted(ORGANIZATION_PERMISSIONS)
    assert created["expires_at"] is not None


async def test_a_scoped_key_does_only_what_its_scopes_allow(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    key = {"X-API-Key": (await new_key(client, admin, scopes=["users:read"]))["key"]}

    listed = await client.get("/api/v1/users", headers=key)
    created = await client.post(
        "/api/v1/users",
        json={"email": "x@hibachi.example", "full_name": "X Y", "role": "staff"},
        headers=key,
    )
    keys = await client.get(KEYS, headers=key)

    assert listed.status_code == 200
    assert [u["id"] for u in listed.json()["items"]] == [str(admin.user.id)]
    assert created.status_code == keys.status_code == 403
    assert error_of(created)["message"] == "Requires permission users:write"


async def test_use_is_recorded(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    created = await new_key(client, admin, scopes=["users:read"])
    assert created["last_used_at"] is None

    await client.get("/api/v1/users", headers={"X-API-Key": created["key"]})
    shown = await client.get(f"{KEYS}/{created['id']}", headers=admin.headers)

    assert shown.json()["last_used_at"] is not None


async def test_revoked_and_expired_keys_stop_working(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    revoked = await new_key(client, admin, scopes=["users:read"])
    expired = await new_key(client, admin, scopes=["users:read"], expires_in_days=1)
    async with database.transaction() as session:
        await session.execute(
            update(ApiKey)
            .where(ApiKey.id == uuid.UUID(expired["id"]))
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )

    deleted = await client.delete(f"{KEYS}/{revoked['id']}", headers=admin.headers)
    again = await client.delete(f"{KEYS}/{revoked['id']}", headers=admin.headers)
    with_revoked = await client.get("/api/v1/users", headers={"X-API-Key": revoked["key"]})
    with_expired = await client.get("/api/v1/users", headers={"X-API-Key": expired["key"]})
    shown = await client.get(f"{KEYS}/{revoked['id']}", headers=admin.headers)

    assert deleted.status_code == 204
    assert again.status_code == 404
    assert with_revoked.status_code == with_expired.status_code == 401
    assert error_of(with_revoked)["message"] == "The API key is invalid, expired or revoked"
    assert shown.json()["revoked_at"] is not None


async def test_a_key_belongs_to_its_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    other_admin = await signed_in_as(client, database, "admin", await given_organization(database))
    theirs = await new_key(client, other_admin, scopes=["users:read"])
    mine = await new_key(client, admin, scopes=["users:read"])
    other_org = str(other_admin.organization.id)  # type: ignore[union-attr]

    elsewhere = await client.get(
        "/api/v1/users", headers={"X-API-Key": mine["key"], "X-Tenant-ID": other_org}
    )
    read = await client.get(f"{KEYS}/{theirs['id']}", headers=admin.headers)
    revoke = await client.delete(f"{KEYS}/{theirs['id']}", headers=admin.headers)
    listed = await client.get(KEYS, headers=admin.headers)

    assert elsewhere.status_code == read.status_code == revoke.status_code == 404
    assert [k["id"] for k in listed.json()["items"]] == [mine["id"]]
    still = await client.get("/api/v1/users", headers={"X-API-Key": theirs["key"]})
    assert still.status_code == 200


async def test_who_may_manage_keys(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    existing = await new_key(client, admin, scopes=["users:read"])
    staff = await signed_in_as(client, database, "staff", admin.organization)
    manager = await signed_in_as(client, database, "manager", admin.organization)

    anonymous = await client.post(KEYS, json={"name": "x"})
    answers = [
        await client.post(KEYS, json={"name": "mine"}, headers=staff.headers),
        await client.get(KEYS, headers=staff.headers),
        await client.get(f"{KEYS}/{existing['id']}", headers=manager.headers),
        await client.delete(f"{KEYS}/{existing['id']}", headers=manager.headers),
    ]

    assert anonymous.status_code == 401
    assert [a.status_code for a in answers] == [403] * 4
    assert error_of(answers[0])["message"] == "Requires permission api_keys:write"
    assert [(k.name, k.revoked_at) for k in await stored_keys(database)] == [
        ("Website booking form", None)
    ]


async def test_bad_scopes_and_expiry_are_refused_and_store_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    past = (utcnow() - timedelta(days=1)).isoformat()

    beyond = await client.post(
        KEYS, json={"name": "x", "scopes": ["platform:write", "users:read"]}, headers=admin.headers
    )
    expired = await client.post(KEYS, json={"name": "x", "expires_at": past}, headers=admin.headers)
    naive = await client.post(
        KEYS, json={"name": "x", "expires_at": "2099-01-01T00:00:00"}, headers=admin.headers
    )
    both = await client.post(
        KEYS,
        json={"name": "x", "expires_at": "2099-01-01T00:00:00Z", "expires_in_days": 3},
        headers=admin.headers,
    )
    empty = await client.post(KEYS, json={"name": "x", "scopes": []}, headers=admin.headers)
    unknown = await client.post(KEYS, json={"name": "x", "role": "admin"}, headers=admin.headers)

    statuses = [r.status_code for r in (beyond, expired, naive, both, empty, unknown)]
    assert statuses == [422] * 6
    assert error_of(beyond)["details"] == {
        "scopes": "You cannot grant permissions you do not hold: platform:write"
    }
    assert error_of(expired)["details"] == {"expires_at": "Must be in the future"}
    assert await stored_keys(database) == []


async def test_a_removed_users_keys_stop_working(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await signed_in_as(client, database, "admin")
    second = await signed_in_as(client, database, "admin", first.organization)
    key = {"X-API-Key": (await new_key(client, second, scopes=["users:read"]))["key"]}
    assert (await client.get("/api/v1/users", headers=key)).status_code == 200

    removed = await client.delete(f"/api/v1/users/{second.user.id}", headers=first.headers)

    assert removed.status_code == 204
    assert (await client.get("/api/v1/users", headers=key)).status_code == 401


async def test_a_deactivated_users_keys_stop_working(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await signed_in_as(client, database, "admin")
    keyed = await signed_in_as(client, database, "admin", first.organization)
    key = {"X-API-Key": (await new_key(client, keyed, scopes=["users:read"]))["key"]}

    response = await client.patch(
        f"/api/v1/users/{keyed.user.id}", json={"is_active": False}, headers=first.headers
    )

    assert response.status_code == 200
    assert (await client.get("/api/v1/users", headers=key)).status_code == 401


async def test_the_audit_log_never_holds_the_secret(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    created = await new_key(client, admin, scopes=["users:read"])
    await client.delete(f"{KEYS}/{created['id']}", headers=admin.headers)

    log = await client.get(
        "/api/v1/audit-logs", params={"action": "api_key.*"}, headers=admin.headers
    )

    entries = [(e["action"], e["resource_id"]) for e in reversed(log.json()["items"])]
    assert entries == [("api_key.created", created["id"]), ("api_key.revoked", created["id"])]
    assert log.json()["items"][1]["changes"]["scopes"] == ["users:read"]
    assert created["key"] not in log.text
