"""Facilitators through HTTP: profiles, linked users, deactivation, one organization's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.events.given import (
    FACILITATORS,
    forbidden,
    given_event,
    given_facilitator,
    invalid,
    not_found,
    stored_facilitator,
)
from tests.factories import given_organization, given_user, signed_in_as
from tests.probe_router import error_of

NO_FACILITATOR = not_found("No such facilitator")


async def test_an_admin_creates_a_facilitator_linked_to_a_facilitator_user(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    user = await given_user(database, admin.organization, Role.facilitator)

    response = await client.post(
        FACILITATORS,
        json={
            "name": " Jane Smith ",
            "bio": "Certified meditation instructor",
            "photo_url": "https://example.com/jane.jpg",
            "user_id": str(user.id),
        },
        headers=admin.headers,
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Jane Smith",
        "bio": "Certified meditation instructor",
        "photo_url": "https://example.com/jane.jpg",
        "is_active": True,
        "user_id": str(user.id),
    }
    assert (await client.get(f"{FACILITATORS}/{body['id']}", headers=admin.headers)).json() == body
    twice = await client.post(
        FACILITATORS, json={"name": "Jane Again", "user_id": str(user.id)}, headers=admin.headers
    )
    assert twice.status_code == 409
    assert error_of(twice)["error"] == "already_exists"


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (Role.staff, "The user does not have the facilitator role"),
        (None, "No such user in this organization"),
    ],
)
async def test_the_linked_user_must_be_a_facilitator_of_this_organization(
    client: httpx.AsyncClient, database: Database, role: Role | None, message: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    elsewhere = await given_organization(database, "Other Studio")
    user = await given_user(
        database, admin.organization if role else elsewhere, role or Role.facilitator
    )

    response = await client.post(
        FACILITATORS, json={"name": "Jane", "user_id": str(user.id)}, headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid({"user_id": message})


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"name": ""}, {"name": "String should have at least 1 character"}),
        ({"name": "Jane", "photo_url": "jane.jpg"}, {"photo_url": "Must be an http(s) URL"}),
        ({"name": "Jane", "age": 40}, {"age": "Unknown field"}),
    ],
)
async def test_an_invalid_facilitator_is_422(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(FACILITATORS, json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == invalid(details)


async def test_active_facilitators_are_listed_by_name(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    org = admin.organization
    assert org is not None
    customer = await signed_in_as(client, database, Role.customer, org)
    for name in ("zoe", "Adam", "Mia"):
        await given_facilitator(database, org, name)
    await given_facilitator(database, org, "Retired", is_active=False)
    await given_facilitator(database, await given_organization(database, "Other"), "Stranger")

    first = await client.get(FACILITATORS, params={"per_page": 2}, headers=customer.headers)
    inactive = await client.get(FACILITATORS, params={"is_active": "false"}, headers=admin.headers)
    hidden = await client.get(FACILITATORS, params={"is_active": "false"}, headers=customer.headers)

    assert [f["name"] for f in first.json()["items"]] == ["Adam", "Mia"]
    assert first.json()["pagination"] == {
        "page": 1,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    assert [f["name"] for f in inactive.json()["items"]] == ["Retired"]
    assert [f["name"] for f in hidden.json()["items"]] == ["Adam", "Mia", "zoe"]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_a_facilitator_changes_in_the_fields_sent(
    client: httpx.AsyncClient, database: Database, method: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    facilitator_id = await given_facilitator(
        database, admin.organization, "Jane", bio="Yoga", photo_url="https://example.com/j.jpg"
    )

    response = await client.request(
        method,
        f"{FACILITATORS}/{facilitator_id}",
        json={"bio": "Yoga and breathwork", "photo_url": None},
        headers=admin.headers,
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["bio"], body["photo_url"]) == ("Jane", "Yoga and breathwork", None)


async def test_a_facilitator_without_events_is_deleted_one_with_events_deactivated(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    org = admin.organization
    assert org is not None
    idle = await given_facilitator(database, org, "Idle")
    busy = await given_facilitator(database, org, "Busy")
    await given_event(database, org, facilitator_id=busy)

    deleted = await client.delete(f"{FACILITATORS}/{idle}", headers=admin.headers)
    deactivated = await client.delete(f"{FACILITATORS}/{busy}", headers=admin.headers)

    assert (deleted.status_code, deactivated.status_code) == (204, 204)
    assert await stored_facilitator(database, idle) is None
    kept = await stored_facilitator(database, busy)
    assert kept is not None
    assert kept.is_active is False


@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", ""), ("GET", "/events"), ("PATCH", ""), ("DELETE", "")]
)
async def test_another_organizations_facilitator_is_404(
    client: httpx.AsyncClient, database: Database, method: str, suffix: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    theirs = await given_facilitator(
        database, await given_organization(database, "Other"), "Stranger"
    )

    response = await client.request(
        method,
        f"{FACILITATORS}/{theirs}{suffix}",
        json={"name": "Mine"} if method == "PATCH" else None,
        headers=admin.headers,
    )

    assert response.status_code == 404
    assert error_of(response) == NO_FACILITATOR
    kept = await stored_facilitator(database, theirs)
    assert kept is not None
    assert (kept.name, kept.is_active) == ("Stranger", True)


async def test_a_customer_reads_facilitators_but_cannot_change_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None
    facilitator_id = await given_facilitator(database, customer.organization, "Jane")

    read = await client.get(f"{FACILITATORS}/{facilitator_id}", headers=customer.headers)
    created = await client.post(FACILITATORS, json={"name": "Me"}, headers=customer.headers)
    removed = await client.delete(f"{FACILITATORS}/{facilitator_id}", headers=customer.headers)
    anonymous = await client.get(FACILITATORS)

    assert read.status_code == 200
    assert error_of(created) == forbidden("facilitators:write")
    assert removed.status_code == 403
    assert anonymous.status_code == 401
    assert await stored_facilitator(database, facilitator_id) is not None
