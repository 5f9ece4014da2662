"""The dashboard's cookie session is the identity session: its cookie's flags, and everything
that ends an API session ends it too."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.dashboard.given import form_token, page_sign_in, signed_in_page
from tests.factories import PASSWORD, bearer, given_organization, given_user, sign_in


def _session_cookie(answer: httpx.Response) -> str:
    header = next(h for h in answer.headers.get_list("set-cookie") if "maitred_session=" in h)
    return header.lower()


async def test_signing_in_sets_an_httponly_lax_cookie_and_lands_on_today(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")

    answer = await page_sign_in(client, staff.email)

    assert (answer.status_code, answer.headers["location"]) == (303, "/app")
    cookie = _session_cookie(answer)
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie
    assert "secure" not in cookie  # plain http: a Secure cookie would never come back
    today = await client.get("/app")
    assert today.status_code == 200
    assert "<h1>Today</h1>" in today.text


async def test_over_tls_the_cookie_is_secure(app: FastAPI, database: Database) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as tls:
        answer = await page_sign_in(tls, staff.email)

    assert answer.status_code == 303
    assert "secure" in _session_cookie(answer)


async def test_a_wrong_password_sets_no_cookie(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")

    answer = await page_sign_in(client, staff.email, "wrong password entirely")

    assert answer.status_code == 401
    assert "Invalid email or password" in answer.text
    assert "maitred_session" not in client.cookies
    assert (await client.get("/app")).headers["location"] == "/app/sign-in?next=%2Fapp"


@pytest.mark.parametrize("target", ["//evil.example/app", "https://evil.example/", "/\\evil"])
async def test_after_sign_in_the_browser_only_goes_to_a_page_of_this_site(
    client: httpx.AsyncClient, database: Database, target: str
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")

    answer = await page_sign_in(client, staff.email, next=target)

    assert answer.headers["location"] == "/app"


async def test_signing_out_ends_the_session_even_for_a_copied_cookie(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    copied = client.cookies["maitred_session"]
    today = await client.get("/app")

    out = await client.post("/app/sign-out", data={"csrf_token": form_token(today.text)})

    assert (out.status_code, out.headers["location"]) == (303, "/app/sign-in")
    client.cookies.set("maitred_session", copied)
    replay = await client.get("/app")
    assert replay.status_code == 303
    assert replay.headers["location"].startswith("/app/sign-in")


async def test_a_cookie_seen_before_stops_working_when_it_expires(
    client: httpx.AsyncClient, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    assert (await client.get("/app")).status_code == 200  # its signature is checked and kept
    later = utcnow() + timedelta(days=8)  # the cookie lives as long as a refresh token: 7 days
    monkeypatch.setattr("maitred.identity.page_tokens.utcnow", lambda: later)

    expired = await client.get("/app")

    assert expired.status_code == 303
    assert expired.headers["location"].startswith("/app/sign-in")


async def test_a_password_change_through_the_api_ends_the_page_session(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    tokens = await sign_in(client, staff.email)

    changed = await client.post(
        "/api/v1/auth/change-password",
        json={"current_password": PASSWORD, "new_password": "another long passphrase 2026"},
        headers=bearer(tokens),
    )

    assert changed.status_code == 200, changed.text
    assert (await client.get("/app")).status_code == 303


async def test_deactivating_the_member_ends_their_page_session(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    staff = await given_user(database, organization, "staff")
    admin_tokens = await sign_in(client, admin.email)
    await signed_in_page(client, staff.email)
    assert (await client.get("/app")).status_code == 200

    deactivated = await client.patch(
        f"/api/v1/users/{staff.id}", json={"is_active": False}, headers=bearer(admin_tokens)
    )

    assert deactivated.status_code == 200, deactivated.text
    assert (await client.get("/app")).status_code == 303


async def test_the_cookie_is_not_an_access_token(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    cookie = client.cookies["maitred_session"]
    client.cookies.clear()

    answer = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {cookie}"})

    assert answer.status_code == 401


async def test_page_sign_in_counts_against_the_login_quota(
    settings: Settings, database: Database
) -> None:
    limited = settings.model_copy(
        update={"rate_limit_enabled": True, "rate_limit_login": "2/minute"}
    )
    app = create_app(limited, database=database)
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    transport = httpx.ASGITransport(app=app, client=("192.0.2.44", 40000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            answers = [
                (await page_sign_in(c, staff.email, "wrong password entirely")).status_code
                for _ in range(3)
            ]
    finally:
        await app.state.rate_limiter.aclose()

    assert answers == [401, 401, 429]
