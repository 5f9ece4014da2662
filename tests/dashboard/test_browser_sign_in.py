"""Signing in through the page in a real browser, with a password and with MFA."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from maitred.kit.db import Database
from tests.dashboard.conftest import Server
from tests.factories import PASSWORD, given_organization, given_user

pytestmark = pytest.mark.browser


async def sign_in_through_page(page: Any, email: str) -> None:
    """Signs in from the home page and waits for Today."""
    await _sign_in(page, email)
    await page.wait_for_url("**/app")


async def _sign_in(page: Any, email: str) -> None:
    await page.goto("/")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()


async def test_a_manager_signs_in_from_the_home_page_and_lands_on_today(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    organization = await given_organization(database)
    manager = await given_user(database, organization, "manager")
    page = browser_page

    await page.goto("/")
    assert page.url.endswith("/app/sign-in")
    await accessible(page)
    await _sign_in(page, manager.email)

    await page.wait_for_url("**/app")
    assert await page.get_by_role("heading", name="Today", exact=True).is_visible()
    await accessible(page)
    cookie = next(c for c in await page.context.cookies() if c["name"] == "maitred_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"


async def test_a_wrong_password_is_told_and_nobody_is_signed_in(
    browser_page: Any, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    page = browser_page

    await page.goto("/app/sign-in")
    await page.get_by_label("Email").fill(staff.email)
    await page.get_by_label("Password").fill("not the password at all")
    await page.get_by_role("button", name="Sign in").click()

    assert await page.get_by_role("alert").inner_text() == "Invalid email or password"
    assert [c for c in await page.context.cookies() if c["name"] == "maitred_session"] == []


async def test_a_user_with_mfa_signs_in_with_the_code_from_their_app(
    browser_page: Any, database: Database, server: Server, accessible: Any
) -> None:
    import httpx

    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        tokens = (
            await api.post("/api/v1/auth/login", json={"email": admin.email, "password": PASSWORD})
        ).json()
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        secret = (await api.post("/api/v1/auth/mfa/setup", headers=headers)).json()["secret"]
        # The previous step's code turns it on; the current one is then still unused.
        enabled = await api.post(
            "/api/v1/auth/mfa/verify",
            json={"code": pyotp.TOTP(secret).at(time.time(), counter_offset=-1)},
            headers=headers,
        )
        assert enabled.status_code == 200, enabled.text
    page = browser_page

    await _sign_in(page, admin.email)
    await page.get_by_label("Code").wait_for()
    await accessible(page)
    await page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    await page.get_by_role("button", name="Continue").click()

    await page.wait_for_url("**/app")
    assert await page.get_by_role("heading", name="Today", exact=True).is_visible()
