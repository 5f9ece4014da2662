"""Failed sign-ins back off per account (exponentially, in the database) and are limited per
client address (in the rate limiter), yet nobody can lock an owner out: the password with a
second factor, or a password-reset link, gets in whatever strangers tried. Every 429 says the
exact wait.

Time is frozen (the throttle's, the MFA service's and the rate limiter's clocks) and moved by
the test, so waits are checked to the second without sleeping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.identity import profile
from maitred.identity.models import RefreshToken, User
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.conftest import make_settings
from tests.factories import PASSWORD, given_organization, given_user, signed_in_as
from tests.identity.test_mfa import MFA, code_at
from tests.kit.test_ratelimit import FakeClock

LOGIN = "/api/v1/auth/login"
OWNER_ADDRESS = "198.51.100.10"
ATTACKER_ADDRESS = "203.0.113.66"
START = datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC)


@dataclass
class Clock:
    moment: datetime
    limiter: FakeClock

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)
        self.limiter.now = self.moment.timestamp()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(START, FakeClock(START.timestamp()).install(monkeypatch))
    monkeypatch.setattr("maitred.identity.throttle.utcnow", lambda: frozen.moment)
    monkeypatch.setattr("maitred.identity.mfa.utcnow", lambda: frozen.moment)
    return frozen


@pytest.fixture
async def strict_app(
    data_dir: Path, database_url: str, database: Database, clock: Clock
) -> AsyncIterator[FastAPI]:
    settings = make_settings(
        data_dir,
        database_url,
        rate_limit_enabled=True,
        rate_limit_login="1000/minute",  # the request tier stays out of the way here
        login_max_failures_per_account=3,
        login_backoff_seconds=30,
        login_backoff_max_minutes=15,
        login_max_failures_per_ip=5,
        login_failure_window_minutes=15,
        trusted_proxies="127.0.0.1",
    )
    application = create_app(settings)
    yield application
    await application.state.rate_limiter.aclose()
    await application.state.database.dispose()


@pytest.fixture
async def strict(strict_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=strict_app, client=("127.0.0.1", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def attempt(
    client: httpx.AsyncClient,
    email: str,
    password: str,
    ip: str = ATTACKER_ADDRESS,
    code: str | None = None,
) -> httpx.Response:
    body = {"email": email, "password": password}
    if code is not None:
        body["mfa_code"] = code
    return await client.post(LOGIN, json=body, headers={"X-Forwarded-For": ip})


def wait_of(response: httpx.Response) -> int:
    """The 429's Retry-After, checked against the body's copy of it."""
    assert response.status_code == 429, response.text
    wait = int(response.headers["Retry-After"])
    assert response.json()["details"]["retry_after"] == wait
    return wait


async def account_of(database: Database, user_id: Any) -> dict[str, Any]:
    """What an attacker must not change: the credentials, MFA, status and sessions."""
    async with database.transaction(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        sessions = await session.scalar(
            select(func.count()).select_from(RefreshToken).where(RefreshToken.user_id == user_id)
        )
        return {
            "password_hash": user.password_hash,
            "mfa_enabled": user.mfa_enabled,
            "is_active": user.is_active,
            "token_version": user.token_version,
            "sessions": sessions,
        }


async def fifty_wrong_passwords(client: httpx.AsyncClient, email: str) -> list[httpx.Response]:
    """From one address, then from fifty (a botnet), with made-up codes too: the strongest push
    into backoff there is (an attempt with a code is always checked, so it always counts)."""
    responses = []
    for n in range(50):
        responses.append(await attempt(client, email, f"guess number {n}"))
    for n in range(50):
        code = "123456" if n % 2 else None
        ip = f"192.0.2.{n + 1}"
        responses.append(await attempt(client, email, f"guess number {n}", ip=ip, code=code))
    return responses


@dataclass
class Owner:
    user: User
    secret: str
    headers: dict[str, str]


async def owner_with_mfa(client: httpx.AsyncClient, database: Database, clock: Clock) -> Owner:
    actor = await signed_in_as(client, database, Role.manager)
    setup = (await client.post(f"{MFA}/setup", headers=actor.headers)).json()
    enabled = await client.post(
        f"{MFA}/verify",
        headers=actor.headers,
        json={"token": code_at(setup["secret"], clock.moment)},
    )
    assert enabled.status_code == 200, enabled.text
    clock.advance(30)  # the next code is a new one
    return Owner(actor.user, setup["secret"], actor.headers)


# Backoff and the exact wait


async def test_failures_back_off_exponentially_and_say_the_exact_wait(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    # Each from its own address: only the account's backoff is at work.
    free = [
        (await attempt(strict, user.email, "wrong guess", ip=f"198.51.100.{n}")).status_code
        for n in range(3)
    ]
    first = await attempt(strict, user.email, PASSWORD, ip="198.51.100.50")
    clock.advance(29)
    a_second_early = await attempt(strict, user.email, PASSWORD, ip="198.51.100.51")
    clock.advance(1)
    fourth = await attempt(strict, user.email, "wrong again", ip="198.51.100.52")
    doubled = await attempt(strict, user.email, PASSWORD, ip="198.51.100.53")
    clock.advance(59)
    still = await attempt(strict, user.email, PASSWORD, ip="198.51.100.54")
    clock.advance(1)
    owner = await attempt(strict, user.email, PASSWORD, ip="198.51.100.55")

    assert free == [401, 401, 401]
    assert wait_of(first) == 30
    assert first.json() == {
        "error": "rate_limit_exceeded",
        "message": "Too many failed sign-ins; try again in 30 seconds",
        "details": {"limit": 3, "reset_at": "2026-03-02T12:00:35Z", "retry_after": 30},
        "request_id": first.json()["request_id"],
        "timestamp": first.json()["timestamp"],
    }
    assert wait_of(a_second_early) == 1
    assert fourth.status_code == 401  # checked, and wrong: the wait doubles
    assert wait_of(doubled) == 60
    assert wait_of(still) == 1
    assert owner.status_code == 200


async def test_the_wait_stops_growing_at_its_cap(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    for n in range(2):
        await attempt(strict, user.email, "wrong guess", ip=f"198.51.100.{n}")
    waits = []
    for n in range(7):  # with a code, attempts are checked (and count) even in backoff
        await attempt(strict, user.email, "wrong guess", ip=f"198.51.100.{n + 2}", code="000000")
        waits.append(wait_of(await attempt(strict, user.email, PASSWORD, ip="198.51.100.99")))

    assert waits == [30, 60, 120, 240, 480, 900, 900]


async def test_unknown_emails_back_off_the_same_way(
    strict: httpx.AsyncClient, database: Database
) -> None:
    statuses = [
        (await attempt(strict, "ghost@example.com", "wrong guess", ip=f"198.51.100.{n}"))
        for n in range(4)
    ]

    assert [r.status_code for r in statuses] == [401, 401, 401, 429]
    assert wait_of(statuses[3]) == 30


async def test_a_success_resets_the_account_count(
    strict: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)

    for _ in range(2):
        await attempt(strict, user.email, "wrong guess", ip="192.0.2.10")
    assert (await attempt(strict, user.email, PASSWORD, ip="192.0.2.11")).status_code == 200
    for _ in range(2):
        await attempt(strict, user.email, "wrong guess", ip="192.0.2.12")

    assert (await attempt(strict, user.email, PASSWORD, ip="192.0.2.13")).status_code == 200


# Per address


async def test_an_address_is_limited_across_accounts_for_exactly_its_window(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    org = await given_organization(database)
    user = await given_user(database, org)
    statuses = []
    for n in range(5):
        statuses.append((await attempt(strict, f"guess{n}@example.com", "wrong")).status_code)
        clock.advance(10)
    from_there = await attempt(strict, user.email, PASSWORD)
    from_elsewhere = await attempt(strict, user.email, PASSWORD, ip="192.0.2.1")
    # The first failure leaves the 15-minute window 900 s after it, 850 s after the refusal.
    clock.advance(wait_of(from_there) - 1)
    a_second_early = await attempt(strict, user.email, PASSWORD)
    clock.advance(1)
    on_time = await attempt(strict, user.email, PASSWORD)

    assert statuses == [401] * 5
    assert wait_of(from_there) == 850
    assert from_elsewhere.status_code == 200
    assert wait_of(a_second_early) == 1
    assert on_time.status_code == 200


# Nobody can lock the owner out


async def test_fifty_wrong_passwords_do_not_stop_the_owner_with_password_and_code(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    owner = await owner_with_mfa(strict, database, clock)
    before = await account_of(database, owner.user.id)

    attacks = await fifty_wrong_passwords(strict, owner.user.email)
    after_attack = await account_of(database, owner.user.id)
    password_alone = await attempt(strict, owner.user.email, PASSWORD, ip=OWNER_ADDRESS)
    with_code = await attempt(
        strict,
        owner.user.email,
        PASSWORD,
        ip=OWNER_ADDRESS,
        code=code_at(owner.secret, clock.moment),
    )

    assert {r.status_code for r in attacks} <= {401, 429}
    assert {r.status_code for r in attacks[:50]} == {401, 429}
    assert after_attack == before
    assert wait_of(password_alone) == 900  # the account is at the longest wait
    assert with_code.status_code == 200, with_code.text
    assert with_code.json()["user"]["email"] == owner.user.email
    # Signed in, the count starts afresh: the password alone works again.
    clock.advance(30)
    again = await attempt(strict, owner.user.email, PASSWORD, ip=OWNER_ADDRESS)
    assert again.json()["error"] == "mfa_required"


async def test_fifty_wrong_passwords_do_not_stop_the_owner_with_a_reset_link(
    strict_app: FastAPI, strict: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    owner = await given_user(database, org, Role.staff)
    before = await account_of(database, owner.id)

    attacks = await fifty_wrong_passwords(strict, owner.email)
    after_attack = await account_of(database, owner.id)
    held_back = await attempt(strict, owner.email, PASSWORD, ip=OWNER_ADDRESS)
    async with database.transaction() as session:  # the link that reached the owner's mailbox
        user = await session.get(User, owner.id)
        assert user is not None
        token, _ = await profile.issue_reset_token(session, strict_app.state.auth_config, user)
    reset = await strict.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": token, "new_password": "a brand new passphrase"},
        headers={"X-Forwarded-For": OWNER_ADDRESS},
    )
    signed_in = await attempt(strict, owner.email, "a brand new passphrase", ip=OWNER_ADDRESS)

    assert {r.status_code for r in attacks} <= {401, 429}
    assert after_attack == before
    assert wait_of(held_back) == 900
    assert reset.status_code == 200, reset.text
    assert signed_in.status_code == 200, signed_in.text


async def test_a_made_up_code_is_no_way_around_the_backoff(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    """With a code, a password is checked even in backoff, so the answer must not tell a right
    password from a wrong one, with or without MFA on the account."""
    owner = await owner_with_mfa(strict, database, clock)
    org = await given_organization(database)
    plain = await given_user(database, org)
    for user in (owner.user, plain):
        for n in range(3):
            await attempt(strict, user.email, "wrong guess", ip=f"192.0.2.{n}")
    answers = {}
    for name, user in (("mfa", owner.user), ("plain", plain)):
        for password in (PASSWORD, "wrong guess"):
            response = await attempt(
                strict, user.email, password, ip=f"192.0.2.{len(answers) + 10}", code="000000"
            )
            answers[name, password] = (response.status_code, response.json()["message"])

    assert set(answers.values()) == {(401, "Invalid email, password or code")}
    assert (await attempt(strict, plain.email, PASSWORD, ip="192.0.2.99")).status_code == 429


async def test_wrong_codes_back_off_the_second_factor_only(
    strict: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    """Only someone with the password can make second-factor failures; they hold back codes
    (so codes cannot be guessed), not the password step."""
    owner = await owner_with_mfa(strict, database, clock)
    challenge = await attempt(strict, owner.user.email, PASSWORD, ip=OWNER_ADDRESS)
    token = challenge.json()["details"]["mfa_token"]

    wrong = [
        await strict.post(
            f"{MFA}/verify",
            json={"mfa_token": token, "code": "000000"},
            headers={"X-Forwarded-For": f"192.0.2.{n}"},
        )
        for n in range(3)
    ]
    right_but_held = await strict.post(
        f"{MFA}/verify",
        json={"mfa_token": token, "code": code_at(owner.secret, clock.moment)},
        headers={"X-Forwarded-For": OWNER_ADDRESS},
    )
    in_one_step = await attempt(
        strict,
        owner.user.email,
        PASSWORD,
        ip=OWNER_ADDRESS,
        code=code_at(owner.secret, clock.moment),
    )
    password_step = await attempt(strict, owner.user.email, PASSWORD, ip=OWNER_ADDRESS)
    clock.advance(30)
    later = await strict.post(
        f"{MFA}/verify",
        json={
            "mfa_token": password_step.json()["details"]["mfa_token"],
            "code": code_at(owner.secret, clock.moment),
        },
        headers={"X-Forwarded-For": OWNER_ADDRESS},
    )

    assert [r.status_code for r in wrong] == [401, 401, 401]
    assert wait_of(right_but_held) == 30
    assert in_one_step.status_code == 401  # held back too, without saying why
    assert password_step.json()["error"] == "mfa_required"
    assert later.status_code == 200, later.text
