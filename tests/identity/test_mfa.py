"""Multi-factor authentication through HTTP: enrolling, enabling, signing in, disabling.

TOTP codes depend on the time step, so the MFA service's clock is frozen (`clock`) and moved
by whole steps: the replay rules are checked exactly, never at the mercy of a step boundary.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import pyotp
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import delete, select, text

from maitred.audit.models import AuditLog
from maitred.config import Settings
from maitred.identity import api_keys
from maitred.identity.deps import AuthContext, requires
from maitred.identity.tokens import derive_signing_key, issue_mfa_token
from maitred.kit.db import Database
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from maitred.tenancy.models import Membership
from tests.factories import (
    PASSWORD,
    Actor,
    bearer,
    given_organization,
    given_user,
    signed_in_as,
)
from tests.probe_router import error_of

MFA = "/api/v1/auth/mfa"
INVALID_CODE = {"error": "unauthorized", "message": "Invalid code", "details": {}}


@dataclass
class Clock:
    now: datetime

    def step(self, steps: int = 1) -> None:
        self.now += timedelta(seconds=30 * steps)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock(datetime(2026, 3, 2, 12, 0, 5, tzinfo=UTC))
    monkeypatch.setattr("maitred.identity.mfa.utcnow", lambda: frozen.now)
    return frozen


def code_at(secret: str, moment: datetime, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(moment, counter_offset=steps)


@dataclass
class Enrolled:
    actor: Actor
    secret: str
    backup_codes: list[str]


async def enrolled(client: httpx.AsyncClient, database: Database, clock: Clock) -> Enrolled:
    """A manager with MFA on: enabled with the code of the current step."""
    actor = await signed_in_as(client, database, Role.manager)
    setup = (await client.post(f"{MFA}/setup", headers=actor.headers)).json()
    enabled = await client.post(
        f"{MFA}/verify", headers=actor.headers, json={"token": code_at(setup["secret"], clock.now)}
    )
    assert enabled.status_code == 200, enabled.text
    return Enrolled(actor, setup["secret"], setup["backup_codes"])


async def mfa_token_of(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 401, response.text
    assert response.json()["error"] == "mfa_required"
    token: str = response.json()["details"]["mfa_token"]
    return token


async def complete(client: httpx.AsyncClient, mfa_token: str, code: str) -> httpx.Response:
    return await client.post(f"{MFA}/verify", json={"mfa_token": mfa_token, "code": code})


async def status_of(client: httpx.AsyncClient, headers: dict[str, str]) -> Any:
    response = await client.get(f"{MFA}/status", headers=headers)
    assert response.status_code == 200
    return response.json()


async def test_setup_returns_secret_qr_code_and_backup_codes(
    client: httpx.AsyncClient, database: Database
) -> None:
    actor = await signed_in_as(client, database, Role.staff)

    response = await client.post(f"{MFA}/setup", headers=actor.headers)

    assert response.status_code == 200
    body = response.json()
    assert len(body["secret"]) == 32
    assert body["otpauth_url"] == pyotp.TOTP(body["secret"]).provisioning_uri(
        name=actor.user.email, issuer_name="maitred"
    )
    prefix = "data:image/png;base64,"
    assert body["qr_code"].startswith(prefix)
    assert base64.b64decode(body["qr_code"].removeprefix(prefix)).startswith(b"\x89PNG\r\n\x1a\n")
    assert len(set(body["backup_codes"])) == 10
    # Not on until a code proves the authenticator holds the secret.
    assert await status_of(client, actor.headers) == {
        "mfa_enabled": False,
        "backup_codes_remaining": 0,
    }


async def test_secret_and_backup_codes_are_not_stored_in_clear(
    client: httpx.AsyncClient, database: Database
) -> None:
    actor = await signed_in_as(client, database, Role.staff)

    body = (await client.post(f"{MFA}/setup", headers=actor.headers)).json()

    async with database.transaction() as session:
        stored_secret = (await session.execute(text("select mfa_secret from users"))).scalar()
        hashes = (await session.execute(text("select code_hash from mfa_backup_codes"))).scalars()
        stored_codes = list(hashes)
    assert stored_secret is not None
    assert body["secret"] not in stored_secret
    assert len(stored_codes) == 10
    for code in body["backup_codes"]:
        assert all(
            code not in stored and code.replace("-", "") not in stored for stored in stored_codes
        )


async def test_verify_with_a_code_enables_mfa(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    actor = await signed_in_as(client, database, Role.manager)
    secret = (await client.post(f"{MFA}/setup", headers=actor.headers)).json()["secret"]

    response = await client.post(
        f"{MFA}/verify", headers=actor.headers, json={"token": code_at(secret, clock.now)}
    )

    assert response.status_code == 200
    assert response.json() == {"mfa_enabled": True, "backup_codes_remaining": 10}
    assert (await client.get("/api/v1/auth/me", headers=actor.headers)).json()["mfa_enabled"]


async def test_a_wrong_code_does_not_enable_mfa(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    actor = await signed_in_as(client, database, Role.manager)
    secret = (await client.post(f"{MFA}/setup", headers=actor.headers)).json()["secret"]

    response = await client.post(
        f"{MFA}/verify", headers=actor.headers, json={"code": code_at(secret, clock.now, 5)}
    )

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Invalid code",
        "details": {"code": "Invalid code"},
    }
    assert (await status_of(client, actor.headers))["mfa_enabled"] is False


async def test_sign_in_with_mfa_needs_a_totp_code(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)

    login = await client.post(
        "/api/v1/auth/login", json={"email": given.actor.user.email, "password": PASSWORD}
    )
    assert login.status_code == 401
    assert login.json()["error"] == "mfa_required"
    assert login.json()["details"]["expires_in"] == 300
    clock.step()
    response = await complete(
        client, login.json()["details"]["mfa_token"], code_at(given.secret, clock.now)
    )

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["user"]["id"] == str(given.actor.user.id)
    assert body["user"]["role"] == "manager"
    assert body["user"]["organization_id"] == str(given.actor.organization.id)  # type: ignore[union-attr]
    assert body["user"]["mfa_enabled"] is True
    me = await client.get("/api/v1/auth/me", headers=bearer(body))
    assert me.status_code == 200


async def test_a_totp_code_is_accepted_once(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)
    enabling_code = code_at(given.secret, clock.now)
    next_code = code_at(given.secret, clock.now, 1)

    replayed_enabling_code = await complete(client, token, enabling_code)
    first = await complete(client, token, next_code)
    again = await complete(client, token, next_code)
    earlier = await complete(client, token, code_at(given.secret, clock.now, -1))

    assert replayed_enabling_code.status_code == 401
    assert first.status_code == 200
    assert again.status_code == 401
    assert error_of(again) == INVALID_CODE
    assert earlier.status_code == 401


async def test_two_requests_racing_with_one_code_leave_one_winner(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)
    code = code_at(given.secret, clock.now, 1)

    responses = await asyncio.gather(*(complete(client, token, code) for _ in range(2)))

    assert sorted(r.status_code for r in responses) == [200, 401]


async def test_a_backup_code_works_once(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)
    backup = given.backup_codes[3]

    first = await client.post(f"{MFA}/verify", json={"mfa_token": token, "backup_code": backup})
    again = await complete(client, token, backup)

    assert first.status_code == 200
    assert again.status_code == 401
    assert error_of(again) == INVALID_CODE
    assert await status_of(client, bearer(first.json())) == {
        "mfa_enabled": True,
        "backup_codes_remaining": 9,
    }


async def test_wrong_codes_back_off_the_second_factor(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    """Codes are held back, not the password step: only someone with the password can get
    this far, and a stranger's wrong passwords never hold back the owner's codes."""
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)

    wrong = [await complete(client, token, "000000") for _ in range(5)]
    right_but_locked = await complete(client, token, code_at(given.secret, clock.now, 1))

    assert [r.status_code for r in wrong] == [401] * 5
    assert error_of(wrong[0]) == INVALID_CODE
    assert right_but_locked.status_code == 429
    assert right_but_locked.json()["error"] == "rate_limit_exceeded"
    assert right_but_locked.headers["Retry-After"] == "30"
    login = await client.post(
        "/api/v1/auth/login", json={"email": given.actor.user.email, "password": PASSWORD}
    )
    assert login.json()["error"] == "mfa_required"


async def test_garbage_and_expired_mfa_tokens_are_refused(
    client: httpx.AsyncClient, database: Database, settings: Settings, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    code = code_at(given.secret, clock.now, 1)
    expired = issue_mfa_token(
        derive_signing_key(settings.secret_key),
        user_id=given.actor.user.id,
        organization_id=given.actor.organization.id,  # type: ignore[union-attr]
        minutes=-1,
    )

    garbage = await complete(client, "not-a-token", code)
    access_token = await complete(client, given.actor.tokens["access_token"], code)
    too_late = await complete(client, expired, code)

    assert error_of(garbage) == {
        "error": "unauthorized",
        "message": "The MFA token is invalid",
        "details": {},
    }
    assert error_of(access_token) == error_of(garbage)
    assert too_late.status_code == 401
    assert error_of(too_late)["message"] == "The MFA token has expired; sign in again"
    # None of them spent the code.
    good = await complete(client, await mfa_token_of(client, given.actor.user.email), code)
    assert good.status_code == 200


async def test_disable_needs_the_password_and_a_code(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    headers = given.actor.headers
    code = code_at(given.secret, clock.now, 1)

    wrong_password = await client.post(
        f"{MFA}/disable", headers=headers, json={"password": "not my password", "code": code}
    )
    wrong_code = await client.post(
        f"{MFA}/disable", headers=headers, json={"password": PASSWORD, "code": "123456"}
    )
    assert wrong_password.status_code == wrong_code.status_code == 401
    assert await status_of(client, headers) == {"mfa_enabled": True, "backup_codes_remaining": 10}

    response = await client.post(
        f"{MFA}/disable", headers=headers, json={"password": PASSWORD, "code": code}
    )

    assert response.status_code == 200
    assert response.json() == {"mfa_enabled": False}
    assert await status_of(client, headers) == {"mfa_enabled": False, "backup_codes_remaining": 0}
    async with database.transaction() as session:
        secret = (await session.execute(text("select mfa_secret from users"))).scalar()
        codes = (await session.execute(text("select count(*) from mfa_backup_codes"))).scalar()
    assert (secret, codes) == (None, 0)
    login = await client.post(
        "/api/v1/auth/login", json={"email": given.actor.user.email, "password": PASSWORD}
    )
    assert login.status_code == 200


async def test_setup_while_enabled_is_refused(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)

    response = await client.post(f"{MFA}/setup", headers=given.actor.headers)

    assert response.status_code == 409
    assert error_of(response) == {
        "error": "invalid_state",
        "message": "MFA is already enabled; disable it first to enrol again",
        "details": {},
    }
    # The enrolled secret and backup codes still work.
    token = await mfa_token_of(client, given.actor.user.email)
    assert (await complete(client, token, code_at(given.secret, clock.now, 1))).status_code == 200
    assert (await complete(client, token, given.backup_codes[0])).status_code == 200


async def test_mfa_routes_need_a_signed_in_user(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    admin = await given_user(database, org, Role.admin)
    async with database.transaction() as session:
        auth = AuthContext(
            role=Role.admin,
            permissions=permissions_for(Role.admin),
            organization_id=org.id,
            user_id=admin.id,
        )
        _key, secret = await api_keys.create(
            session, auth, name="Till", scopes=None, expires_at=None
        )
    calls = [
        ("POST", f"{MFA}/setup", None),
        ("POST", f"{MFA}/verify", {"code": "123456"}),
        ("POST", f"{MFA}/disable", {"password": PASSWORD, "code": "123456"}),
        ("GET", f"{MFA}/status", None),
    ]

    for method, path, body in calls:
        anonymous = await client.request(method, path, json=body)
        by_key = await client.request(method, path, json=body, headers={"X-API-Key": secret})
        assert anonymous.status_code == 401, path
        assert by_key.status_code == 403, path
    async with database.transaction() as session:
        rows = (await session.execute(text("select count(*) from mfa_backup_codes"))).scalar()
    assert rows == 0


async def test_another_organization_is_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    actor = await signed_in_as(client, database, Role.manager)
    other = await given_organization(database, "Another Grill")

    response = await client.post(
        f"{MFA}/setup", headers={**actor.headers, "X-Tenant-ID": str(other.id)}
    )

    assert response.status_code == 404
    async with database.transaction() as session:
        secret = (await session.execute(text("select mfa_secret from users"))).scalar()
    assert secret is None


guarded = APIRouter(prefix="/mfa-test")


@guarded.get("/bookings")
async def guarded_bookings(
    auth: Annotated[AuthContext, requires("bookings:read")],
) -> dict[str, str]:
    return {"role": auth.role}


@pytest.mark.own_app
async def test_an_organization_can_require_mfa_for_a_role(
    app: FastAPI, client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    app.include_router(guarded, prefix="/api/v1")
    org = await given_organization(
        database, settings={"identity": {"mfa_required_roles": ["manager"]}}
    )
    manager = await signed_in_as(client, database, Role.manager, org)
    staff = await signed_in_as(client, database, Role.staff, org)

    before = await client.get("/api/v1/mfa-test/bookings", headers=manager.headers)
    assert before.status_code == 403
    assert "requires multi-factor authentication" in before.json()["message"]
    assert (await client.get("/api/v1/mfa-test/bookings", headers=staff.headers)).status_code == 200

    secret = (await client.post(f"{MFA}/setup", headers=manager.headers)).json()["secret"]
    enabled = await client.post(
        f"{MFA}/verify", headers=manager.headers, json={"code": code_at(secret, clock.now)}
    )
    after = await client.get("/api/v1/mfa-test/bookings", headers=manager.headers)

    assert enabled.status_code == 200
    assert after.status_code == 200
    assert after.json() == {"role": "manager"}


async def test_a_member_removed_after_the_password_step_cannot_finish(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)
    async with database.transaction() as session:
        await session.execute(delete(Membership).where(Membership.user_id == given.actor.user.id))

    response = await complete(client, token, code_at(given.secret, clock.now, 1))

    assert response.status_code == 401


async def test_mfa_changes_are_in_the_audit_log(
    client: httpx.AsyncClient, database: Database, clock: Clock
) -> None:
    given = await enrolled(client, database, clock)
    token = await mfa_token_of(client, given.actor.user.email)
    await complete(client, token, "000000")
    signed_in = await complete(client, token, code_at(given.secret, clock.now, 1))
    await client.post(
        f"{MFA}/disable",
        headers=bearer(signed_in.json()),
        json={"password": PASSWORD, "code": given.backup_codes[0]},
    )

    async with database.transaction() as session:
        rows = (await session.execute(select(AuditLog).order_by(AuditLog.created_at))).scalars()
        actions = [row.action for row in rows if row.action.startswith("auth.")]

    for action in (
        "auth.mfa_enabled",
        "auth.mfa_challenge",
        "auth.mfa_failed",
        "auth.mfa_disabled",
    ):
        assert action in actions
    assert actions.count("auth.login") == 2  # the password-only sign-in, then the MFA one
    async with database.transaction() as session:
        summaries = (await session.execute(text("select changes from audit_logs"))).scalars()
        stored = " ".join(str(summary) for summary in summaries)
    assert given.backup_codes[0] not in stored
