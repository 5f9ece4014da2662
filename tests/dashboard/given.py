"""Signing in to the pages as a browser does: the sign-in form's CSRF token, then the cookie."""

from __future__ import annotations

import re

import httpx

from tests.factories import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def form_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "the page has no form token"
    return found.group(1)


async def page_sign_in(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, *, next: str = "/app"
) -> httpx.Response:
    """Opens the sign-in page and submits it; the answer (a 303 on success) is returned."""
    page = await client.get("/app/sign-in")
    assert page.status_code == 200, page.text
    return await client.post(
        "/app/sign-in",
        data={
            "csrf_token": form_token(page.text),
            "email": email,
            "password": password,
            "next": next,
        },
    )


async def signed_in_page(client: httpx.AsyncClient, email: str) -> None:
    answer = await page_sign_in(client, email)
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/app"
