"""Rate limits by who is calling: one quota per user whatever token they hold, the admin tier
for admins, an organization's own limits, and one quota across processes through Redis; and
the sign-in of issue 17 with the default settings, where every 429 says the exact wait."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from maitred.kit.db import Database
from maitred.kit.ratelimit import RedisLimiter
from maitred.kit.roles import Role
from tests.factories import PASSWORD, bearer, given_organization, given_user, sign_in
from tests.identity.test_mfa import MFA, code_at
from tests.kit.test_ratelimit import REDIS_URL, FakeClock, delete_keys, needs_redis
from tests.kit.test_ratelimit_middleware import BuildApp, build_app, client_of

__all__ = ["build_app"]  # the fixture, shared with the kit tests

LIMITS = {
    "rate_limit_login": "100/minute",
    "rate_limit_authenticated": "3/minute",
    "rate_limit_admin": "5/minute",
}


async def test_one_quota_per_user_across_their_tokens(
    build_app: BuildApp, database: Database
) -> None:
    app = build_app(FakeClock(), **LIMITS)
    org = await given_organization(database)
    user = await given_user(database, org, "staff")
    async with client_of(app) as client:
        first, second = await sign_in(client, user.email), await sign_in(client, user.email)
        statuses = [
            (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code
            for tokens in (first, second, first, second)
        ]
        other = await given_user(database, org, "staff")
        someone_else = await client.get(
            "/api/v1/auth/me", headers=bearer(await sign_in(client, other.email))
        )

    assert statuses == [200, 200, 200, 429]
    assert someone_else.status_code == 200


async def test_admins_count_against_the_admin_tier(build_app: BuildApp, database: Database) -> None:
    app = build_app(FakeClock(), **LIMITS)
    org = await given_organization(database)
    admin = await given_user(database, org, "admin")
    staff = await given_user(database, org, "staff")
    async with client_of(app) as client:
        as_admin = await client.get(
            "/api/v1/auth/me", headers=bearer(await sign_in(client, admin.email))
        )
        as_staff = await client.get(
            "/api/v1/auth/me", headers=bearer(await sign_in(client, staff.email))
        )

    assert as_admin.headers["x-ratelimit-limit"] == "5"
    assert as_staff.headers["x-ratelimit-limit"] == "3"


async def test_an_organization_sets_its_own_limits(build_app: BuildApp, database: Database) -> None:
    app = build_app(FakeClock(), **LIMITS)
    generous = await given_organization(
        database, "Busy Kitchen", settings={"rate_limits": {"authenticated": "10/minute"}}
    )
    plain = await given_organization(database, "Quiet Cafe")
    busy = await given_user(database, generous, "staff")
    quiet = await given_user(database, plain, "staff")
    async with client_of(app) as client:
        tokens = await sign_in(client, busy.email)
        statuses = [
            (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code
            for _ in range(5)
        ]
        last = await client.get("/api/v1/auth/me", headers=bearer(tokens))
        elsewhere = await client.get(
            "/api/v1/auth/me", headers=bearer(await sign_in(client, quiet.email))
        )

    assert statuses == [200] * 5
    assert last.headers["x-ratelimit-limit"] == "10"
    assert last.headers["x-ratelimit-remaining"] == "4"
    assert elsewhere.headers["x-ratelimit-limit"] == "3"


@needs_redis
async def test_two_servers_share_a_users_quota_through_redis(
    build_app: BuildApp, database: Database
) -> None:
    clock = FakeClock()
    first, second = (build_app(clock, redis_url=REDIS_URL, **LIMITS) for _ in range(2))
    prefix = f"maitred:rl:test-{uuid.uuid4().hex}:"
    for app in (first, second):
        assert isinstance(app.state.rate_limiter, RedisLimiter)
        app.state.rate_limiter.prefix = prefix
    org = await given_organization(database)
    user = await given_user(database, org, "staff")
    statuses = []
    try:
        async with client_of(first) as one, client_of(second) as two:
            tokens = await sign_in(one, user.email)
            for client in (one, two, one, two):
                statuses.append(
                    (await client.get("/api/v1/auth/me", headers=bearer(tokens))).status_code
                )
    finally:
        await delete_keys(prefix)

    assert statuses == [200, 200, 200, 429]


async def test_five_wrong_passwords_from_anywhere_do_not_lock_the_owner_out(
    build_app: BuildApp, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 17: five wrong passwords from anywhere locked the owner out for 15 minutes, and the
    first 429 said 39 s. With the defaults (login 5/minute, backoff after 5 failures), every 429
    says the wait to the second, and the owner's password with a code is never held back."""
    clock = FakeClock()

    def moment() -> datetime:
        return datetime.fromtimestamp(clock.now, UTC)

    monkeypatch.setattr("maitred.identity.throttle.utcnow", moment)
    monkeypatch.setattr("maitred.identity.mfa.utcnow", moment)
    app = build_app(clock)
    org = await given_organization(database)
    owner = await given_user(database, org, Role.manager)
    async with client_of(app, "198.51.100.10") as mine, client_of(app, "203.0.113.66") as theirs:
        headers = bearer(await sign_in(mine, owner.email))
        secret = (await mine.post(f"{MFA}/setup", headers=headers)).json()["secret"]
        enabled = await mine.post(
            f"{MFA}/verify", headers=headers, json={"token": code_at(secret, moment())}
        )
        assert enabled.status_code == 200
        clock.now += 30

        def wrong(n: int) -> dict[str, str]:
            return {"email": owner.email, "password": f"wrong guess {n}"}

        attacks = [await theirs.post("/api/v1/auth/login", json=wrong(n)) for n in range(6)]
        password_alone = await mine.post(
            "/api/v1/auth/login", json={"email": owner.email, "password": PASSWORD}
        )
        with_code = await mine.post(
            "/api/v1/auth/login",
            json={
                "email": owner.email,
                "password": PASSWORD,
                "mfa_code": code_at(secret, moment()),
            },
        )
        clock.now += int(attacks[5].headers["Retry-After"]) - 1
        a_second_early = await theirs.post("/api/v1/auth/login", json=wrong(6))
        clock.now += 1
        on_time = await theirs.post("/api/v1/auth/login", json=wrong(7))

    assert [r.status_code for r in attacks] == [401] * 5 + [429]
    assert attacks[5].headers["Retry-After"] == "60"  # the address's 5/minute: all five at once
    assert password_alone.status_code == 429
    assert password_alone.headers["Retry-After"] == "30"  # the account's backoff
    assert with_code.status_code == 200, with_code.text
    assert a_second_early.status_code == 429
    assert a_second_early.headers["Retry-After"] == "1"
    assert on_time.status_code == 401  # counted again: its next wait starts now
