"""Which business a signed-out request is for, on an install with two: seed 001's public requests
name none, so X-Tenant-ID or ?org= win, then a Host that is one of an organization's domains,
then the instance default (MAITRED_DEFAULT_ORGANIZATION); without any of them it is 422."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from maitred.app import create_app
from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.factories import bearer, given_organization, given_user, sign_in, signed_in_as
from tests.menu.helpers import given_item
from tests.probe_router import error_of

API = "/api/v1"
MENU = f"{API}/menu"
# Seed 001's requests as it prints them (Public Endpoints).
SEED_LEAD = {
    "name": "John Doe",
    "phone": "555-123-4567",
    "email": "john@example.com",
    "message": "Interested in catering for 50 guests",
    "source": "website",
    "metadata": {"page": "homepage", "referrer": "google"},
    "honeypot": "",
}
SEED_BOOKING = {
    "name": "Jane Smith",
    "phone": "555-987-6543",
    "email": "jane@example.com",
    "event_date": "2025-11-15",
    "event_time": "18:00",
    "guest_count": 25,
    "event_type": "birthday",
    "location": "Los Angeles, CA",
    "message": "Outdoor birthday party",
    "source": "booking_form",
    "honeypot": "",
}
SAY_WHICH = {
    "error": "validation_error",
    "message": "Say which business this is for",
    "details": {
        "X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID or ?org=, "
        "or use one of its domains"
    },
}


async def two_businesses(database: Database) -> tuple[Organization, Organization]:
    hibachi = await given_organization(database, "Hibachi at Home")
    studio = await given_organization(database, "Harmony Wellness Studio")
    await given_item(database, hibachi, "Hibachi Steak", "35.00")
    await given_item(database, studio, "Herbal Tea", "4.00")
    return hibachi, studio


def dishes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for group in response.json()["categories"] for item in group["items"]]


@pytest.fixture
async def defaulted(settings: Settings, database: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose instance default is the business called Hibachi at Home."""
    app: FastAPI = create_app(
        settings.model_copy(update={"default_organization": "hibachi-at-home"}), database=database
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def lead_organizations(database: Database) -> list[str]:
    async with database.transaction() as session:
        rows = await session.execute(
            text("SELECT o.slug FROM leads l JOIN organizations o ON o.id = l.organization_id")
        )
        return [row[0] for row in rows]


async def test_without_a_default_seed_001s_requests_are_asked_which_business(
    client: httpx.AsyncClient, database: Database
) -> None:
    await two_businesses(database)

    answers = [
        await client.get(MENU),
        await client.get(f"{API}/public/availability"),
        await client.post(f"{API}/public/leads", json=SEED_LEAD),
        await client.post(f"{API}/public/bookings", json=SEED_BOOKING),
    ]

    assert [r.status_code for r in answers] == [422] * 4
    assert all(error_of(r) == SAY_WHICH for r in answers)
    assert await lead_organizations(database) == []


async def test_the_instance_default_answers_seed_001s_requests_with_no_header(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    await two_businesses(database)

    menu = await defaulted.get(MENU)
    availability = await defaulted.get(f"{API}/public/availability")
    lead = await defaulted.post(f"{API}/public/leads", json=SEED_LEAD)
    booking = await defaulted.post(f"{API}/public/bookings", json=SEED_BOOKING)

    assert dishes(menu) == ["Hibachi Steak"]
    assert availability.status_code == 200, availability.text
    # The business is found: the lead is taken as printed; the booking's only complaint is the
    # seed's event date, in the past by now, never which business.
    assert lead.status_code == 201, lead.text
    assert booking.status_code in (201, 422), booking.text
    if booking.status_code == 422:
        assert set(error_of(booking)["details"]) == {"event_date"}
    assert await lead_organizations(database) == ["hibachi-at-home"]
    assert "harmony-wellness-studio" not in await lead_organizations(database)


async def test_x_tenant_id_and_org_win_over_the_default(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    _, studio = await two_businesses(database)

    by_header = await defaulted.get(MENU, headers={"X-Tenant-ID": "harmony-wellness-studio"})
    by_query = await defaulted.get(MENU, params={"org": str(studio.id)})

    assert dishes(by_header) == ["Herbal Tea"]
    assert dishes(by_query) == ["Herbal Tea"]


async def test_a_default_that_names_no_business_is_no_default(
    settings: Settings, database: Database
) -> None:
    await two_businesses(database)
    app = create_app(
        settings.model_copy(update={"default_organization": "no-such-business"}),
        database=database,
    )
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(MENU)

    assert response.status_code == 422
    assert error_of(response) == SAY_WHICH


async def platform_admin(client: httpx.AsyncClient, database: Database) -> dict[str, str]:
    """A platform administrator: who says which host names reach which business."""
    user = await given_user(database, None, super_admin=True)
    return bearer(await sign_in(client, user.email))


async def put_domains(
    client: httpx.AsyncClient, headers: dict[str, str], org: Organization, domains: Any
) -> httpx.Response:
    return await client.put(
        f"{API}/organizations/{org.id}/domains", json={"domains": domains}, headers=headers
    )


async def test_a_host_that_is_a_business_domain_picks_it_over_the_default(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    hibachi, studio = await two_businesses(database)
    admin = await signed_in_as(defaulted, database, Role.admin, studio)
    platform = await platform_admin(defaulted, database)

    put = await put_domains(defaulted, platform, studio, ["Book.Harmony.example."])

    assert put.status_code == 200, put.text
    assert put.json() == {"domains": ["book.harmony.example"]}
    listed = await defaulted.get(f"{API}/organizations/{studio.id}/domains", headers=admin.headers)
    assert listed.json() == {"domains": ["book.harmony.example"]}
    for host in ("book.harmony.example", "BOOK.harmony.example:8443", "book.harmony.example."):
        assert dishes(await defaulted.get(MENU, headers={"Host": host})) == ["Herbal Tea"]
    lead = await defaulted.post(
        f"{API}/public/leads",
        json={**SEED_LEAD, "phone": "916-555-0123"},
        headers={"Host": "book.harmony.example"},
    )
    assert lead.status_code == 201, lead.text
    assert await lead_organizations(database) == ["harmony-wellness-studio"]
    # X-Tenant-ID still wins over the host; an unknown host falls back to the default.
    assert dishes(
        await defaulted.get(
            MENU, headers={"Host": "book.harmony.example", "X-Tenant-ID": str(hibachi.id)}
        )
    ) == ["Hibachi Steak"]
    assert dishes(await defaulted.get(MENU, headers={"Host": "other.example"})) == ["Hibachi Steak"]


async def test_a_domain_another_business_holds_cannot_be_taken(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    hibachi, studio = await two_businesses(database)
    hibachi_admin = await signed_in_as(defaulted, database, Role.admin, hibachi)
    platform = await platform_admin(defaulted, database)
    await put_domains(defaulted, platform, studio, ["book.harmony.example"])

    taken = await put_domains(
        defaulted, platform, hibachi, ["hibachi.example", "book.harmony.example"]
    )

    assert taken.status_code == 409
    assert error_of(taken)["details"] == {
        "book.harmony.example": "Already used by another organization"
    }
    mine = await defaulted.get(
        f"{API}/organizations/{hibachi.id}/domains", headers=hibachi_admin.headers
    )
    assert mine.json() == {"domains": []}
    assert dishes(await defaulted.get(MENU, headers={"Host": "book.harmony.example"})) == [
        "Herbal Tea"
    ]


async def test_only_a_platform_administrator_changes_a_businesss_domains(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    hibachi, studio = await two_businesses(database)
    studio_admin = await signed_in_as(defaulted, database, Role.admin, studio)
    await put_domains(
        defaulted, await platform_admin(defaulted, database), studio, ["book.harmony.example"]
    )
    hibachi_admin = await signed_in_as(defaulted, database, Role.admin, hibachi)
    manager = await signed_in_as(defaulted, database, Role.manager, studio)
    staff = await signed_in_as(defaulted, database, Role.staff, studio)

    other = await put_domains(defaulted, hibachi_admin.headers, studio, ["hijack.example"])
    cleared = await put_domains(defaulted, hibachi_admin.headers, studio, [])
    by_manager = await put_domains(defaulted, manager.headers, studio, ["hijack.example"])
    by_staff = await put_domains(defaulted, staff.headers, studio, ["hijack.example"])
    # Its own admin neither: it could claim a name another business has not claimed yet.
    by_own_admin = await put_domains(defaulted, studio_admin.headers, studio, ["hijack.example"])
    signed_out = await put_domains(defaulted, {}, studio, ["hijack.example"])

    assert [other.status_code, cleared.status_code] == [404, 404]
    assert by_manager.status_code == 403
    assert by_staff.status_code == 403
    assert by_own_admin.status_code == 403
    assert signed_out.status_code == 401
    listed = await defaulted.get(
        f"{API}/organizations/{studio.id}/domains", headers=studio_admin.headers
    )
    assert listed.json() == {"domains": ["book.harmony.example"]}
    assert dishes(await defaulted.get(MENU, headers={"Host": "hijack.example"})) == [
        "Hibachi Steak"
    ]


@pytest.mark.parametrize(
    "domain",
    ["https://book.harmony.example", "book.harmony.example/path", "localhost", "a b.example", ""],
)
async def test_what_is_not_a_host_name_is_422(
    client: httpx.AsyncClient, database: Database, domain: str
) -> None:
    _, studio = await two_businesses(database)
    admin = await signed_in_as(client, database, Role.admin, studio)

    response = await put_domains(client, await platform_admin(client, database), studio, [domain])

    assert response.status_code == 422
    assert list(error_of(response)["details"]) == ["domains.0"]
    listed = await client.get(f"{API}/organizations/{studio.id}/domains", headers=admin.headers)
    assert listed.json() == {"domains": []}


async def test_an_idempotency_key_sent_to_two_businesses_domains_is_not_replayed_across(
    defaulted: httpx.AsyncClient, database: Database
) -> None:
    hibachi, studio = await two_businesses(database)
    platform = await platform_admin(defaulted, database)
    await put_domains(defaulted, platform, hibachi, ["book.hibachi.example"])
    await put_domains(defaulted, platform, studio, ["book.harmony.example"])
    lead = {**SEED_LEAD, "phone": "916-555-0123"}

    first = await defaulted.post(
        f"{API}/public/leads",
        json=lead,
        headers={"Host": "book.hibachi.example", "Idempotency-Key": "form-1"},
    )
    second = await defaulted.post(
        f"{API}/public/leads",
        json=lead,
        headers={"Host": "book.harmony.example", "Idempotency-Key": "form-1"},
    )

    assert first.status_code == second.status_code == 201
    assert "Idempotent-Replayed" not in second.headers
    assert second.json()["lead_id"] != first.json()["lead_id"]
    assert sorted(await lead_organizations(database)) == [
        "harmony-wellness-studio",
        "hibachi-at-home",
    ]
