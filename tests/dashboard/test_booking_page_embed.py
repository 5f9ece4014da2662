"""Which sites may frame the booking page: `booking_page.allowed_origins`, set through the
settings API, becomes the pages' `frame-ancestors`; by default only this server's own pages."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import signed_in_as


async def test_allowed_origins_are_set_through_the_settings_api_and_frame_the_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    slug = admin.organization.slug
    settings = f"/api/v1/organizations/{admin.organization.id}/settings"
    before = await client.get(f"/book/{slug}")

    refused = await client.patch(
        settings,
        json={"booking_page": {"allowed_origins": ["www.example.com/book"]}},
        headers=admin.headers,
    )
    still = await client.get(f"/book/{slug}")
    saved = await client.patch(
        settings,
        json={"booking_page": {"allowed_origins": ["https://WWW.Example.com/"]}},
        headers=admin.headers,
    )
    after = [await client.get(f"/book/{slug}{path}") for path in ("", "/events", "/contact")]
    script = await client.get("/book/embed.js")
    snippets = await client.get(f"/book/{slug}/embed")

    assert before.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert refused.status_code == 422
    assert "allowed_origins" in refused.text
    assert still.headers["content-security-policy"] == "frame-ancestors 'self'"
    assert saved.status_code == 200, saved.text
    assert saved.json()["booking_page"]["allowed_origins"] == ["https://www.example.com"]
    assert {a.headers["content-security-policy"] for a in after} == {
        "frame-ancestors 'self' https://www.example.com"
    }
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert f'data-business="{slug}"' in snippets.text.replace("&#34;", '"')
    assert "https://www.example.com" in snippets.text


async def test_another_business_s_origins_do_not_frame_this_one(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    assert other.organization is not None
    await client.patch(
        f"/api/v1/organizations/{other.organization.id}/settings",
        json={"booking_page": {"allowed_origins": ["https://evil.example"]}},
        headers=other.headers,
    )

    page = await client.get(f"/book/{admin.organization.slug}")

    assert page.headers["content-security-policy"] == "frame-ancestors 'self'"
