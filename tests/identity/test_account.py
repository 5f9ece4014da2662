"""Registering, the profile, changing and resetting a password."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select, text

from maitred.identity.models import User
from maitred.kit.db import Database
from maitred.tenancy.models import Membership
from tests.factories import PASSWORD, bearer, given_organization, given_user, sign_in
from tests.identity.mailbox import tokens_emailed_to
from tests.probe_router import error_of

SIGNUP = {"identity": {"self_signup": True}}
NEW_PASSWORD = "another long passphrase"


async def register(client: httpx.AsyncClient, tenant: str | None, **body: object) -> httpx.Response:
    payload: dict[str, object] = {
        "email": "guest@example.com",
        "password": PASSWORD,
        "first_name": "John",
        "last_name": "Doe",
        "phone": "(916) 555-0142",
    }
    payload.update(body)
    headers = {"X-Tenant-ID": tenant} if tenant else {}
    return await client.post("/api/v1/auth/register", json=payload, headers=headers)


async def users_count(database: Database) -> int:
    async with database.transaction() as session:
        return len((await session.scalars(select(User))).all())


async def test_register_creates_a_customer_of_the_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings=SIGNUP)

    response = await register(client, org.slug)

    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "User registered successfully"
    user = body["user"]
    assert (user["email"], user["first_name"], user["last_name"]) == (
        "guest@example.com",
        "John",
        "Doe",
    )
    assert (user["full_name"], user["phone"], user["role"]) == (
        "John Doe",
        "+19165550142",
        "customer",
    )
    signed = await sign_in(client, "guest@example.com")
    assert signed["user"]["role"] == "customer"
    assert "bookings:write" in signed["user"]["permissions"]
    assert "customers:read" not in signed["user"]["permissions"]


async def test_register_takes_seed_003s_name(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database, settings=SIGNUP)

    response = await register(
        client, str(org.id), first_name=None, last_name=None, name="Jane Roe", phone=None
    )

    assert response.status_code == 201
    assert response.json()["user"]["full_name"] == "Jane Roe"


@pytest.mark.parametrize(
    ("org_settings", "tenant", "status"),
    [({}, "org", 403), (SIGNUP, None, 422), (SIGNUP, "no-such-business", 404)],
    ids=["sign-up-off", "no-tenant", "unknown-tenant"],
)
async def test_register_is_refused_without_an_open_organization(
    client: httpx.AsyncClient,
    database: Database,
    org_settings: dict[str, object],
    tenant: str | None,
    status: int,
) -> None:
    org = await given_organization(database, settings=org_settings)

    response = await register(client, org.slug if tenant == "org" else tenant)

    assert response.status_code == status
    assert await users_count(database) == 0


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"password": "short"}, "password", "Password must be at least 10 characters"),
        ({"password": "password123"}, "password", "This password is too common; choose another"),
        ({"password": "1234567890"}, "password", "This password is too common; choose another"),
        ({"email": "not-an-email"}, "email", None),
        (
            {"phone": "12"},
            "phone",
            "Not a valid phone number (too short: 2 digits after +1, where numbers have 10)",
        ),
        ({"nickname": "JD"}, "nickname", "Unknown field"),
    ],
)
async def test_register_refuses_bad_input_and_stores_nothing(
    client: httpx.AsyncClient,
    database: Database,
    changes: dict[str, object],
    field: str,
    message: str | None,
) -> None:
    org = await given_organization(database, settings=SIGNUP)

    response = await register(client, org.slug, **changes)

    assert response.status_code == 422
    details = response.json()["details"]
    assert field in details
    if message:
        assert details[field] == message
    assert await users_count(database) == 0


async def test_a_64_character_passphrase_is_used_whole(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings=SIGNUP)
    long_password = "correct horse battery staple " * 3  # 87 characters
    await register(client, org.slug, password=long_password)

    truncated = await client.post(
        "/api/v1/auth/login",
        json={"email": "guest@example.com", "password": long_password[:72]},
    )

    assert truncated.status_code == 401
    assert (await sign_in(client, "guest@example.com", long_password))["user"]["role"]


async def test_registering_an_existing_email_is_409(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings=SIGNUP)
    await register(client, org.slug)

    again = await register(client, org.slug, email="GUEST@example.com")

    assert again.status_code == 409
    assert again.json()["error"] == "already_exists"


async def test_profile_update(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, "staff")
    tokens = await sign_in(client, user.email)

    response = await client.patch(
        "/api/v1/auth/me",
        headers=bearer(tokens),
        json={"first_name": "Hiro", "last_name": "Tanaka", "phone": "+1 916 555 0100"},
    )

    assert response.status_code == 200
    assert (response.json()["full_name"], response.json()["phone"]) == (
        "Hiro Tanaka",
        "+19165550100",
    )
    refused = await client.patch("/api/v1/auth/me", headers=bearer(tokens), json={"role": "admin"})
    assert refused.status_code == 422
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).json()["role"] == "staff"


async def test_change_password_ends_every_session(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)
    other_device = await sign_in(client, user.email)

    wrong = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(tokens),
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 401
    response = await client.post(
        "/api/v1/auth/change-password",
        headers=bearer(tokens),
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )

    assert response.status_code == 200
    for session in (tokens, other_device):
        assert (await client.get("/api/v1/auth/me", headers=bearer(session))).status_code == 401
        refreshed = await client.post(
            "/api/v1/auth/refresh", json={"refresh_token": session["refresh_token"]}
        )
        assert refreshed.status_code == 401
    old = await client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    assert (await sign_in(client, user.email, NEW_PASSWORD))["user"]["id"] == str(user.id)


async def test_password_reset_by_emailed_link(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)

    known = await client.post("/api/v1/auth/password-reset/request", json={"email": user.email})
    unknown = await client.post(
        "/api/v1/auth/password-reset/request", json={"email": "nobody@example.com"}
    )
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert await tokens_emailed_to(database, "nobody@example.com") == []
    [token] = await tokens_emailed_to(database, user.email)
    async with database.transaction() as session:
        stored = await session.execute(text("SELECT token_hash FROM password_reset_tokens"))
        assert token not in str(stored.all())

    response = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    again = await client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "yet another passphrase"},
    )

    assert response.status_code == 200
    assert again.status_code == 401
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 401
    assert (await sign_in(client, user.email, NEW_PASSWORD))["user"]["id"] == str(user.id)


async def test_a_user_in_two_organizations_chooses_with_x_tenant_id(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await given_organization(database, "Hibachi at Home")
    second = await given_organization(database, "Sushi Bar")
    user = await given_user(database, first, "admin")
    async with database.transaction() as session:
        session.add(Membership(user_id=user.id, organization_id=second.id, role="viewer"))
    tokens = await sign_in(client, user.email)

    me = await client.get("/api/v1/auth/me", headers=bearer(tokens))
    assert me.json()["role"] is None
    headers = bearer(tokens)
    by_slug = await client.get("/api/v1/auth/me", headers={**headers, "X-Tenant-ID": "sushi-bar"})
    by_id = await client.get("/api/v1/auth/me", headers={**headers, "X-Tenant-ID": str(first.id)})
    stranger = await given_organization(database, "Taco Truck")
    other = await client.get(
        "/api/v1/auth/me", headers={**headers, "X-Tenant-ID": str(stranger.id)}
    )
    needs_choice = await client.get("/api/v1/roles", headers=headers)

    assert (by_slug.json()["role"], by_id.json()["role"]) == ("viewer", "admin")
    assert other.status_code == 404
    assert needs_choice.status_code == 400
    assert "X-Tenant-ID" in error_of(needs_choice)["message"]
