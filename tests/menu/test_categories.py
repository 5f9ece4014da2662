"""Menu categories through HTTP: one organization's, invisible to every other."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.menu.models import MenuCategory
from tests.factories import given_organization, signed_in_as
from tests.menu.helpers import (
    CATEGORIES,
    ITEMS,
    UNAUTHORIZED,
    count,
    forbidden,
    given_category,
    given_item,
    not_found,
    stored_category,
    stored_item,
)
from tests.probe_router import error_of

NO_CATEGORY = not_found("No such menu category")


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")}


async def test_manager_creates_and_reads_a_category(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager = await signed_in_as(client, database, Role.manager)

    response = await client.post(
        CATEGORIES,
        json={"name": " Entrées ", "description": "From the grill", "sort_order": 2},
        headers=manager.headers,
    )
    body = response.json()

    assert response.status_code == 201
    assert without_times(body) == {
        "name": "Entrées",
        "description": "From the grill",
        "sort_order": 2,
        "is_active": True,
    }
    fetched = await client.get(f"{CATEGORIES}/{body['id']}", headers=manager.headers)
    assert fetched.json() == body


async def test_categories_are_listed_by_sort_order_a_page_at_a_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    await given_category(database, staff.organization, "Sides", sort_order=3)
    await given_category(database, staff.organization, "Entrées", sort_order=1)
    await given_category(database, staff.organization, "Drinks", sort_order=2, is_active=False)
    await given_category(database, await given_organization(database, "Other"), "Theirs")

    first = await client.get(CATEGORIES, params={"limit": 2}, headers=staff.headers)
    second = await client.get(CATEGORIES, params={"limit": 2, "page": 2}, headers=staff.headers)
    active = await client.get(
        CATEGORIES, params={"is_active": "true", "sort": "name"}, headers=staff.headers
    )

    assert [c["name"] for c in first.json()["items"]] == ["Entrées", "Drinks"]
    assert first.json()["pagination"] == {
        "page": 1,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }
    assert [c["name"] for c in second.json()["items"]] == ["Sides"]
    assert [c["name"] for c in active.json()["items"]] == ["Entrées", "Sides"]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_a_category_changes_only_in_the_fields_sent(
    client: httpx.AsyncClient, database: Database, method: str
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    category_id = await given_category(
        database, admin.organization, "Entrées", description="Grill", sort_order=1
    )

    response = await client.request(
        method,
        f"{CATEGORIES}/{category_id}",
        json={"name": "Mains", "is_active": False},
        headers=admin.headers,
    )

    assert response.status_code == 200
    assert without_times(response.json()) == {
        "name": "Mains",
        "description": "Grill",
        "sort_order": 1,
        "is_active": False,
    }


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"name": ""}, {"name": "String should have at least 1 character"}),
        ({"name": "Sides", "colour": "red"}, {"colour": "Unknown field"}),
        ({"name": None}, {"name": "May not be null"}),
    ],
)
async def test_an_invalid_category_change_is_422_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    category_id = await given_category(database, admin.organization, "Entrées")

    response = await client.patch(f"{CATEGORIES}/{category_id}", json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": details,
    }
    category = await stored_category(database, category_id)
    assert category is not None
    assert category.name == "Entrées"


async def test_deleting_a_category_leaves_its_items_uncategorized(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    category_id = await given_category(database, admin.organization, "Entrées")
    item_id = await given_item(database, admin.organization, category_id=category_id)

    response = await client.delete(f"{CATEGORIES}/{category_id}", headers=admin.headers)

    assert response.status_code == 204
    assert response.content == b""
    gone = await client.get(f"{CATEGORIES}/{category_id}", headers=admin.headers)
    assert gone.status_code == 404
    item = await client.get(f"{ITEMS}/{item_id}", headers=admin.headers)
    assert item.status_code == 200
    assert item.json()["category_id"] is None


async def test_signed_out_callers_get_401_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    category_id = await given_category(database, organization, "Entrées")
    one = f"{CATEGORIES}/{category_id}"

    responses = [
        await client.get(CATEGORIES),
        await client.post(CATEGORIES, json={"name": "Sides"}),
        await client.get(one),
        await client.patch(one, json={"name": "Mains"}),
        await client.put(one, json={"name": "Mains"}),
        await client.delete(one),
    ]

    assert [r.status_code for r in responses] == [401] * 6
    assert all(error_of(r) == UNAUTHORIZED for r in responses)
    assert await count(database, MenuCategory) == 1
    category = await stored_category(database, category_id)
    assert category is not None
    assert category.name == "Entrées"


async def test_roles_without_menu_write_get_403_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    category_id = await given_category(database, staff.organization, "Entrées")
    one = f"{CATEGORIES}/{category_id}"

    responses = [
        await client.post(CATEGORIES, json={"name": "Sides"}, headers=staff.headers),
        await client.patch(one, json={"name": "Mains"}, headers=staff.headers),
        await client.put(one, json={"name": "Mains"}, headers=staff.headers),
        await client.delete(one, headers=staff.headers),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert all(error_of(r) == forbidden("menu:write") for r in responses)
    assert await count(database, MenuCategory) == 1
    category = await stored_category(database, category_id)
    assert category is not None
    assert category.name == "Entrées"


async def test_roles_without_menu_read_get_403(
    client: httpx.AsyncClient, database: Database
) -> None:
    facilitator = await signed_in_as(client, database, Role.facilitator)
    assert facilitator.organization is not None
    category_id = await given_category(database, facilitator.organization, "Entrées")

    listed = await client.get(CATEGORIES, headers=facilitator.headers)
    one = await client.get(f"{CATEGORIES}/{category_id}", headers=facilitator.headers)

    assert listed.status_code == one.status_code == 403
    assert error_of(listed) == error_of(one) == forbidden("menu:read")


async def test_another_organizations_category_is_404_and_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    theirs = await given_category(database, await given_organization(database, "Other"), "Theirs")
    one = f"{CATEGORIES}/{theirs}"

    responses = [
        await client.get(one, headers=admin.headers),
        await client.patch(one, json={"name": "Mine"}, headers=admin.headers),
        await client.put(one, json={"name": "Mine"}, headers=admin.headers),
        await client.delete(one, headers=admin.headers),
    ]
    listed = await client.get(CATEGORIES, headers=admin.headers)

    assert [r.status_code for r in responses] == [404] * 4
    assert all(error_of(r) == NO_CATEGORY for r in responses)
    assert listed.json()["items"] == []
    category = await stored_category(database, theirs)
    assert category is not None
    assert category.name == "Theirs"


async def test_an_unknown_sort_is_422(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.get(CATEGORIES, params={"sort": "price"}, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response)["details"] == {
        "sort": "Cannot sort by 'price'; use one of created_at, name, sort_order"
    }


async def test_deleted_items_category_stays_intact(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Deleting an item never touches its category."""
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    category_id = await given_category(database, admin.organization, "Entrées")
    item_id = await given_item(database, admin.organization, category_id=category_id)

    response = await client.delete(f"{ITEMS}/{item_id}", headers=admin.headers)

    assert response.status_code == 204
    assert await stored_item(database, item_id) is None
    assert await stored_category(database, category_id) is not None
