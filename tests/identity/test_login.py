"""Signing in, refreshing and signing out through HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from maitred.identity.models import RefreshToken, User
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.factories import PASSWORD, bearer, given_organization, given_user, sign_in
from tests.probe_router import error_of

INVALID = {"error": "unauthorized", "message": "Invalid email or password", "details": {}}


async def test_login_answers_seed_001s_shape(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, "manager", email="Chef@Hibachi.example")

    body = await sign_in(client, "chef@hibachi.EXAMPLE")

    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert body["refresh_token"].startswith("mrt_")
    assert body["user"]["id"] == str(user.id)
    assert body["user"]["email"] == "chef@hibachi.example"
    assert body["user"]["role"] == "manager"
    assert body["user"]["full_name"] == "Pat Example"
    assert body["user"]["mfa_enabled"] is False
    assert "bookings:write" in body["user"]["permissions"]
    assert "users:write" not in body["user"]["permissions"]


async def test_me_shows_the_signed_in_user(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    user = await given_user(database, org, "staff")
    tokens = await sign_in(client, user.email)

    response = await client.get("/api/v1/auth/me", headers=bearer(tokens))
    alias = await client.get("/api/auth/profile", headers=bearer(tokens))

    assert response.status_code == 200
    assert response.json()["email"] == user.email
    assert response.json()["role"] == "staff"
    assert response.json()["organization_id"] == str(org.id)
    assert alias.json() == response.json()


async def test_wrong_password_and_unknown_email_answer_alike(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)

    async def timed(email: str, password: str) -> tuple[httpx.Response, float]:
        started = time.perf_counter()
        response = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        return response, time.perf_counter() - started

    # Alternating rounds, fastest of each: a stall on a busy machine cannot decide the outcome
    # (three wrong passwords stay below the account's lockout).
    wrong_times: list[float] = []
    unknown_times: list[float] = []
    for _ in range(3):
        wrong, wrong_time = await timed(user.email, "not the password at all")
        unknown, unknown_time = await timed("nobody@hibachi.example", PASSWORD)
        wrong_times.append(wrong_time)
        unknown_times.append(unknown_time)
        assert wrong.status_code == unknown.status_code == 401
        assert error_of(wrong) == error_of(unknown) == INVALID

    # Both run one Argon2 verification: same order of magnitude, never a fast path.
    assert min(unknown_times) > min(wrong_times) / 4


async def test_refresh_rotates_and_reuse_ends_the_session(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    first = await sign_in(client, user.email)

    second = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )
    assert second.status_code == 200
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert (await client.get("/api/v1/auth/me", headers=bearer(rotated))).status_code == 200

    reused = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]}
    )

    assert reused.status_code == 401
    # The thief's replay ends the whole family: the newest tokens stop working too.
    assert (await client.get("/api/v1/auth/me", headers=bearer(rotated))).status_code == 401
    after = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]}
    )
    assert after.status_code == 401
    async with database.transaction() as session:
        family = (await session.scalars(select(RefreshToken))).all()
    assert len(family) == 2
    assert all(token.revoked_at is not None for token in family)


async def test_two_refreshes_racing_with_one_token_leave_one_winner(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)

    responses = await asyncio.gather(
        *(
            client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            for _ in range(2)
        )
    )

    assert sorted(r.status_code for r in responses) in ([200, 401], [401, 401])


async def test_logout_ends_the_session_at_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)
    other = await sign_in(client, user.email)

    response = await client.post("/api/v1/auth/logout", headers=bearer(tokens), json={})

    assert response.status_code == 204
    assert (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code == 401
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
    )
    assert refreshed.status_code == 401
    # Another device's session goes on.
    assert (await client.get("/api/v1/auth/me", headers=bearer(other))).status_code == 200


async def test_an_expired_access_token_is_refused(
    client: httpx.AsyncClient, database: Database, app: FastAPI
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)
    claims = app.state.auth_config.signer.verify(tokens["access_token"])
    expired, _ = app.state.auth_config.signer.issue(
        user_id=user.id,
        organization_id=org.id,
        role="admin",
        token_version=1,
        session_id=claims.session_id,
        now=utcnow() - timedelta(minutes=31),
    )

    response = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {expired}"})

    assert response.status_code == 401
    assert error_of(response)["message"] == "The access token has expired"


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer ", "eyJhbGciOi.x.y"],
)
async def test_malformed_credentials_are_401(
    client: httpx.AsyncClient, database: Database, authorization: str
) -> None:
    response = await client.get("/api/v1/auth/me", headers={"Authorization": authorization})

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_a_deactivated_user_is_signed_out_and_cannot_sign_in(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    tokens = await sign_in(client, user.email)
    async with database.transaction() as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        stored.is_active = False

    me = await client.get("/api/v1/auth/me", headers=bearer(tokens))
    login = await client.post(
        "/api/v1/auth/login", json={"email": user.email, "password": PASSWORD}
    )

    assert me.status_code == 401
    assert login.status_code == 401
    assert error_of(login) == INVALID


async def test_facilitator_login_admits_only_facilitators(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    chef = await given_user(database, org, "facilitator")
    manager = await given_user(database, org, "manager")

    def login(email: str) -> Awaitable[httpx.Response]:
        return client.post(
            "/api/v1/facilitators/login", json={"email": email, "password": PASSWORD}
        )

    admitted, refused = await login(chef.email), await login(manager.email)

    assert admitted.status_code == 200
    assert admitted.json()["user"]["role"] == "facilitator"
    assert refused.status_code == 403


async def test_a_hash_with_weaker_parameters_is_replaced_at_sign_in(
    client: httpx.AsyncClient, database: Database
) -> None:
    from argon2 import PasswordHasher

    org = await given_organization(database)
    user = await given_user(database, org)
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with database.transaction() as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        stored.password_hash = weak

    await sign_in(client, user.email)

    async with database.transaction() as session:
        rehashed = await session.get(User, user.id)
        assert rehashed is not None
        assert rehashed.password_hash != weak
        assert rehashed.password_hash is not None
        assert "$m=19456,t=2,p=1$" in rehashed.password_hash
    assert (await sign_in(client, user.email))["user"]["id"] == str(user.id)
