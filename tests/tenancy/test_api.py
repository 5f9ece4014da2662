"""The public profile of a business: what a booking form may know without signing in."""

from __future__ import annotations

import uuid

import httpx
import pytest

from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization
from tests.probe_router import error_of

NOT_FOUND = {"error": "not_found", "message": "No such organization", "details": {}}


async def given_organization(
    database: Database, name: str = "Hibachi at Home", *, active: bool = True
) -> Organization:
    async with database.transaction() as session:
        org = await tenancy_service.create(
            session, name=name, timezone="America/Los_Angeles", currency="USD", country="US"
        )
        org.is_active = active
    return org


def public_profile(org: Organization) -> dict[str, str]:
    return {
        "id": str(org.id),
        "name": org.name,
        "slug": org.slug,
        "timezone": "America/Los_Angeles",
        "currency": "USD",
        "locale": "en-US",
        "country": "US",
    }


async def test_profile_by_slug(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)

    response = await client.get("/api/v1/public/organizations/hibachi-at-home")

    assert response.status_code == 200
    assert response.json() == public_profile(org)


async def test_profile_by_id(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)

    response = await client.get(f"/api/v1/public/organizations/{org.id}")

    assert response.status_code == 200
    assert response.json() == public_profile(org)


async def test_slug_is_matched_case_insensitively(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)

    response = await client.get("/api/v1/public/organizations/Hibachi-At-Home")

    assert response.status_code == 200
    assert response.json()["id"] == str(org.id)


async def test_same_name_gets_a_distinct_slug(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await given_organization(database)
    second = await given_organization(database)

    response = await client.get("/api/v1/public/organizations/hibachi-at-home-2")

    assert (first.slug, second.slug) == ("hibachi-at-home", "hibachi-at-home-2")
    assert response.json()["id"] == str(second.id)


# The ids are fixed: pytest-xdist's workers must collect the same tests.
@pytest.mark.parametrize(
    "unknown", ["sushi-bar", pytest.param(str(uuid.uuid4()), id="uuid"), "%20", "a" * 300]
)
async def test_unknown_organization_is_404(
    client: httpx.AsyncClient, database: Database, unknown: str
) -> None:
    await given_organization(database)

    response = await client.get(f"/api/v1/public/organizations/{unknown}")

    assert response.status_code == 404
    assert error_of(response) == NOT_FOUND


async def test_inactive_organization_is_404_by_slug_and_by_id(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, active=False)

    by_slug = await client.get(f"/api/v1/public/organizations/{org.slug}")
    by_id = await client.get(f"/api/v1/public/organizations/{org.id}")

    assert by_slug.status_code == by_id.status_code == 404
    assert error_of(by_slug) == error_of(by_id) == NOT_FOUND


async def test_profile_leaves_out_private_settings(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    async with database.transaction() as session:
        stored = await session.get(Organization, org.id)
        assert stored is not None
        stored.settings = {"stripe_secret": "sk_live_x"}

    response = await client.get(f"/api/v1/public/organizations/{org.slug}")

    assert "settings" not in response.json()
    assert "sk_live_x" not in response.text


async def test_long_name_gets_a_slug_without_a_dangling_hyphen(
    client: httpx.AsyncClient, database: Database
) -> None:
    name = "a" * 79 + " Grill"
    org = await given_organization(database, name)

    response = await client.get(f"/api/v1/public/organizations/{'a' * 79}")

    assert org.slug == "a" * 79
    assert response.json()["id"] == str(org.id)
