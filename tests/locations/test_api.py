"""Locations through HTTP: the places of one organization, invisible to every other."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.locations import service as locations_service
from maitred.locations.models import Location
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

LOCATIONS = "/api/v1/locations"
NOT_FOUND = {"error": "not_found", "message": "No such location", "details": {}}


def forbidden(permission: str) -> dict[str, Any]:
    return {"error": "forbidden", "message": f"Requires permission {permission}", "details": {}}


async def given_location(
    database: Database, organization: Organization, name: str = "Downtown", **fields: Any
) -> uuid.UUID:
    async with database.transaction() as session:
        created = await locations_service.create(
            session, organization_id=organization.id, name=name, **fields
        )
    location_id: uuid.UUID = created["id"]
    return location_id


async def stored(database: Database, location_id: uuid.UUID) -> Location | None:
    async with database.transaction(write=False) as session:
        return await session.get(Location, location_id)


async def location_count(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Location)) or 0)


async def test_admin_creates_a_location(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.post(
        LOCATIONS,
        json={"name": " Downtown ", "address": "1 Main St", "phone": "(415) 555-0123"},
        headers=admin.headers,
    )
    body = response.json()

    assert response.status_code == 201
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")} == {
        "organization_id": str(admin.organization.id),
        "name": "Downtown",
        "address": "1 Main St",
        "timezone": None,
        "effective_timezone": "America/Los_Angeles",
        "phone": "+14155550123",
        "is_active": True,
    }
    assert (await client.get(f"{LOCATIONS}/{body['id']}", headers=admin.headers)).json() == body


async def test_national_numbers_are_read_in_the_organizations_country(
    client: httpx.AsyncClient, database: Database
) -> None:
    async with database.transaction() as session:
        london = await tenancy_service.create(
            session, name="London Grill", timezone="Europe/London", country="GB"
        )
    manager = await signed_in_as(client, database, Role.manager, london)

    response = await client.post(
        LOCATIONS,
        json={"name": "Soho", "phone": "020 7946 0958", "timezone": "Europe/Dublin"},
        headers=manager.headers,
    )

    assert response.status_code == 201
    assert response.json()["phone"] == "+442079460958"
    assert response.json()["effective_timezone"] == "Europe/Dublin"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {"name": "X", "phone": "12"},
            {
                "phone": (
                    "Not a valid phone number (too short: 2 digits after +1, where numbers have 10)"
                )
            },
        ),
        (
            {"name": "X", "timezone": "Moon/Base"},
            {
                "timezone": "Unknown time zone 'Moon/Base'; "
                "use an IANA name such as 'America/Los_Angeles'"
            },
        ),
        ({"name": "X", "tables": 12}, {"tables": "Unknown field"}),
        ({"name": ""}, {"name": "String should have at least 1 character"}),
    ],
)
async def test_invalid_location_is_422_and_creates_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(LOCATIONS, json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": details,
    }
    assert await location_count(database) == 0


async def test_list_pages_filters_and_searches(
    client: httpx.AsyncClient, database: Database
) -> None:
    viewer = await signed_in_as(client, database, Role.viewer)
    assert viewer.organization is not None
    for name in ("Airport", "beach", "Center"):
        await given_location(database, viewer.organization, name)
    await given_location(database, viewer.organization, "Closed Kitchen", is_active=False)
    await given_location(database, await given_organization(database, "Other"), "Airport Other")

    first = await client.get(f"{LOCATIONS}?limit=2", headers=viewer.headers)
    second = await client.get(f"{LOCATIONS}?limit=2&page=2", headers=viewer.headers)
    active = await client.get(f"{LOCATIONS}?is_active=true", headers=viewer.headers)
    searched = await client.get(f"{LOCATIONS}?search=AIR", headers=viewer.headers)

    def names(response: httpx.Response) -> list[str]:
        return [item["name"] for item in response.json()["items"]]

    assert names(first) + names(second) == ["Airport", "beach", "Center", "Closed Kitchen"]
    assert second.json()["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 4,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }
    assert names(active) == ["Airport", "beach", "Center"]
    assert names(searched) == ["Airport"]


async def test_patch_put_and_delete(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    location_id = await given_location(
        database, admin.organization, timezone="America/Denver", phone="+14155550123"
    )
    path = f"{LOCATIONS}/{location_id}"

    patched = await client.patch(
        path, json={"name": "Uptown", "timezone": None, "phone": None}, headers=admin.headers
    )
    put = await client.put(
        path, json={"address": "2 Hill Rd", "is_active": False}, headers=admin.headers
    )
    refused = await client.patch(path, json={"name": None}, headers=admin.headers)
    deleted = await client.delete(path, headers=admin.headers)
    gone = await client.get(path, headers=admin.headers)

    assert patched.status_code == put.status_code == 200
    assert {k: patched.json()[k] for k in ("name", "timezone", "effective_timezone", "phone")} == {
        "name": "Uptown",
        "timezone": None,
        "effective_timezone": "America/Los_Angeles",
        "phone": None,
    }
    assert (put.json()["name"], put.json()["address"], put.json()["is_active"]) == (
        "Uptown",
        "2 Hill Rd",
        False,
    )
    assert error_of(refused)["details"] == {"name": "May not be null"}
    assert deleted.status_code == 204
    assert gone.status_code == 404
    assert await stored(database, location_id) is None


async def test_another_organizations_location_is_404_and_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Someone Else")
    theirs = await given_location(database, other, "Their Place")
    path = f"{LOCATIONS}/{theirs}"

    answers = [
        await client.get(path, headers=admin.headers),
        await client.patch(path, json={"name": "Mine"}, headers=admin.headers),
        await client.put(path, json={"name": "Mine"}, headers=admin.headers),
        await client.delete(path, headers=admin.headers),
        await client.get(f"{LOCATIONS}/{uuid.uuid4()}", headers=admin.headers),
    ]
    listed = await client.get(LOCATIONS, headers=admin.headers)

    assert [a.status_code for a in answers] == [404] * 5
    assert all(error_of(a) == NOT_FOUND for a in answers)
    assert listed.json()["items"] == []
    after = await stored(database, theirs)
    assert after is not None
    assert after.name == "Their Place"


async def every_route(
    client: httpx.AsyncClient, actor: Actor | None, location_id: uuid.UUID
) -> dict[str, httpx.Response]:
    headers = actor.headers if actor else {}
    path = f"{LOCATIONS}/{location_id}"
    return {
        "list": await client.get(LOCATIONS, headers=headers),
        "get": await client.get(path, headers=headers),
        "create": await client.post(LOCATIONS, json={"name": "New"}, headers=headers),
        "patch": await client.patch(path, json={"name": "Changed"}, headers=headers),
        "put": await client.put(path, json={"name": "Changed"}, headers=headers),
        "delete": await client.delete(path, headers=headers),
    }


async def test_every_route_needs_a_sign_in(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    location_id = await given_location(database, org)

    answers = await every_route(client, None, location_id)

    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(answers, 401)
    assert await location_count(database) == 1


async def test_viewer_reads_but_may_not_write(
    client: httpx.AsyncClient, database: Database
) -> None:
    viewer = await signed_in_as(client, database, Role.viewer)
    assert viewer.organization is not None
    location_id = await given_location(database, viewer.organization)

    answers = await every_route(client, viewer, location_id)

    assert {name: r.status_code for name, r in answers.items()} == {
        "list": 200,
        "get": 200,
        "create": 403,
        "patch": 403,
        "put": 403,
        "delete": 403,
    }
    assert error_of(answers["patch"]) == forbidden("locations:write")
    after = await stored(database, location_id)
    assert after is not None
    assert after.name == "Downtown"
    assert await location_count(database) == 1


async def test_customer_may_not_even_read(client: httpx.AsyncClient, database: Database) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None
    location_id = await given_location(database, customer.organization)

    answers = await every_route(client, customer, location_id)

    assert {r.status_code for r in answers.values()} == {403}
    assert error_of(answers["list"]) == forbidden("locations:read")
    assert await location_count(database) == 1
