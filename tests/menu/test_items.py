"""Menu items through HTTP: validated, filtered, sorted, and one organization's only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import httpx
import pytest

from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.menu.models import MenuItem
from tests.factories import Actor, given_organization, signed_in_as
from tests.menu.helpers import (
    ITEMS,
    UNAUTHORIZED,
    count,
    forbidden,
    given_category,
    given_item,
    not_found,
    stored_item,
)
from tests.probe_router import error_of

NO_ITEM = not_found("No such menu item")


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")}


def invalid(details: dict[str, str]) -> dict[str, Any]:
    return {"error": "validation_error", "message": "Request validation failed", "details": details}


async def names(client: httpx.AsyncClient, actor: Actor, **params: Any) -> list[str]:
    response = await client.get(ITEMS, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_admin_creates_an_item_of_a_category(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    category_id = await given_category(database, admin.organization, "Entrées")

    response = await client.post(
        ITEMS,
        json={
            "name": " Hibachi Chicken ",
            "description": "Grilled at the table",
            "price": 25,
            "pricing_unit": "PER_GUEST",
            "dietary_tags": ["Gluten_Free ", "gluten_free", "High  Protein"],
            "category_id": str(category_id),
            "sort_order": 1,
        },
        headers=admin.headers,
    )
    body = response.json()

    assert response.status_code == 201
    assert without_times(body) == {
        "category_id": str(category_id),
        "name": "Hibachi Chicken",
        "description": "Grilled at the table",
        "price": 25.0,
        "currency": "USD",
        "pricing_unit": "per_guest",
        "dietary_tags": ["gluten_free", "high protein"],
        "is_active": True,
        "sort_order": 1,
        "photo_url": None,
    }
    assert (await client.get(f"{ITEMS}/{body['id']}", headers=admin.headers)).json() == body
    item = await stored_item(database, uuid.UUID(body["id"]))
    assert item is not None
    assert item.price == Decimal("25.00")


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"name": "Steak", "price": -1}, {"price": "Input should be greater than or equal to 0"}),
        (
            {"name": "Steak", "price": 1.005},
            {"price": "Decimal input should have no more than 2 decimal places"},
        ),
        (
            {"name": "Steak", "price": 35, "pricing_unit": "per_table"},
            {"pricing_unit": "Input should be 'per_guest' or 'per_item'"},
        ),
        (
            {"name": "Steak", "price": 35, "dietary_tags": ['"vegan"']},
            {
                "dietary_tags.0": "A dietary tag is up to 40 letters, digits, spaces, '-' or '_', "
                "such as 'vegetarian'"
            },
        ),
        ({"name": "Steak", "price": 35, "spicy": True}, {"spicy": "Unknown field"}),
        ({"price": 35}, {"name": "Field is required"}),
    ],
)
async def test_an_invalid_item_is_422_and_creates_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(ITEMS, json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    assert await count(database, MenuItem) == 0


async def test_an_item_cannot_join_another_organizations_category(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    theirs = await given_category(database, await given_organization(database, "Other"), "Theirs")
    item_id = await given_item(database, admin.organization, "Hibachi Steak", "35.00")

    created = await client.post(
        ITEMS,
        json={"name": "Shrimp", "price": 30, "category_id": str(theirs)},
        headers=admin.headers,
    )
    moved = await client.patch(
        f"{ITEMS}/{item_id}", json={"category_id": str(theirs)}, headers=admin.headers
    )

    assert created.status_code == moved.status_code == 422
    assert error_of(created) == error_of(moved) == invalid({"category_id": "No such menu category"})
    assert await count(database, MenuItem) == 1
    item = await stored_item(database, item_id)
    assert item is not None
    assert item.category_id is None


async def test_items_are_filtered_and_sorted(client: httpx.AsyncClient, database: Database) -> None:
    viewer = await signed_in_as(client, database, Role.viewer)
    org = viewer.organization
    assert org is not None
    entrees = await given_category(database, org, "Entrées")
    sides = await given_category(database, org, "Sides")
    await given_item(
        database, org, "Hibachi Chicken", "25.00", category_id=entrees, sort_order=2,
        dietary_tags=["gluten_free"],
    )  # fmt: skip
    await given_item(database, org, "Hibachi Steak", "35.00", category_id=entrees, sort_order=1)
    await given_item(
        database,
        org,
        "Vegetables",
        "12.50",
        category_id=sides,
        dietary_tags=["vegan", "gluten_free"],
    )
    await given_item(database, org, "Fried Rice", "8.00", category_id=sides, is_active=False)
    await given_item(database, org, "Mochi_Cake", "6.00", dietary_tags=["vegetarian"])
    await given_item(database, await given_organization(database, "Other"), "Hibachi Lobster")

    assert await names(client, viewer) == [
        "Fried Rice", "Mochi_Cake", "Vegetables", "Hibachi Steak", "Hibachi Chicken",
    ]  # fmt: skip
    assert await names(client, viewer, category_id=str(entrees)) == [
        "Hibachi Steak",
        "Hibachi Chicken",
    ]
    assert await names(client, viewer, is_active="false") == ["Fried Rice"]
    assert await names(client, viewer, search="HIBACHI", sort="name") == [
        "Hibachi Chicken",
        "Hibachi Steak",
    ]
    assert await names(client, viewer, search="i_c") == ["Mochi_Cake"]  # "_" is not a wildcard
    assert await names(client, viewer, dietary_tag="Gluten_Free", sort="name") == [
        "Hibachi Chicken",
        "Vegetables",
    ]
    assert await names(client, viewer, dietary_tag="vegetarian") == ["Mochi_Cake"]
    assert await names(client, viewer, dietary_tag="vega") == []
    assert await names(client, viewer, sort="price", order="desc", limit=2) == [
        "Hibachi Steak",
        "Hibachi Chicken",
    ]


@pytest.mark.parametrize("method", ["PATCH", "PUT"])
async def test_an_item_changes_only_in_the_fields_sent(
    client: httpx.AsyncClient, database: Database, method: str
) -> None:
    manager = await signed_in_as(client, database, Role.manager)
    assert manager.organization is not None
    category_id = await given_category(database, manager.organization, "Entrées")
    item_id = await given_item(
        database, manager.organization, "Hibachi Steak", "35.00", category_id=category_id
    )

    response = await client.request(
        method,
        f"{ITEMS}/{item_id}",
        json={"price": "37.50", "category_id": None, "pricing_unit": "Per_Guest"},
        headers=manager.headers,
    )

    assert response.status_code == 200
    assert without_times(response.json()) == {
        "category_id": None,
        "name": "Hibachi Steak",
        "description": "",
        "price": 37.5,
        "currency": "USD",
        "pricing_unit": "per_guest",
        "dietary_tags": [],
        "is_active": True,
        "sort_order": 0,
        "photo_url": None,
    }


async def test_required_fields_may_not_be_nulled(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    item_id = await given_item(database, admin.organization, "Hibachi Steak", "35.00")

    response = await client.patch(
        f"{ITEMS}/{item_id}", json={"price": None, "name": None}, headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid({"price": "May not be null", "name": "May not be null"})
    item = await stored_item(database, item_id)
    assert item is not None
    assert (item.name, item.price) == ("Hibachi Steak", Decimal("35.00"))


async def test_a_deleted_item_is_gone(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    item_id = await given_item(database, admin.organization)

    response = await client.delete(f"{ITEMS}/{item_id}", headers=admin.headers)

    assert response.status_code == 204
    again = await client.get(f"{ITEMS}/{item_id}", headers=admin.headers)
    assert again.status_code == 404
    assert error_of(again) == NO_ITEM


async def test_signed_out_callers_get_401_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    item_id = await given_item(database, await given_organization(database))
    one = f"{ITEMS}/{item_id}"

    responses = [
        await client.get(ITEMS),
        await client.post(ITEMS, json={"name": "Steak", "price": 35}),
        await client.get(one),
        await client.patch(one, json={"price": 1}),
        await client.put(one, json={"price": 1}),
        await client.delete(one),
    ]

    assert [r.status_code for r in responses] == [401] * 6
    assert all(error_of(r) == UNAUTHORIZED for r in responses)
    assert await count(database, MenuItem) == 1
    item = await stored_item(database, item_id)
    assert item is not None
    assert item.price == Decimal("25.00")


async def test_roles_without_menu_write_get_403_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None
    item_id = await given_item(database, customer.organization)
    one = f"{ITEMS}/{item_id}"

    readable = await client.get(one, headers=customer.headers)
    responses = [
        await client.post(ITEMS, json={"name": "Steak", "price": 35}, headers=customer.headers),
        await client.patch(one, json={"price": 1}, headers=customer.headers),
        await client.put(one, json={"price": 1}, headers=customer.headers),
        await client.delete(one, headers=customer.headers),
    ]

    assert readable.status_code == 200
    assert [r.status_code for r in responses] == [403] * 4
    assert all(error_of(r) == forbidden("menu:write") for r in responses)
    assert await count(database, MenuItem) == 1
    item = await stored_item(database, item_id)
    assert item is not None
    assert item.price == Decimal("25.00")


async def test_roles_without_menu_read_get_403(
    client: httpx.AsyncClient, database: Database
) -> None:
    facilitator = await signed_in_as(client, database, Role.facilitator)
    assert facilitator.organization is not None
    item_id = await given_item(database, facilitator.organization)

    listed = await client.get(ITEMS, headers=facilitator.headers)
    one = await client.get(f"{ITEMS}/{item_id}", headers=facilitator.headers)

    assert listed.status_code == one.status_code == 403
    assert error_of(listed) == error_of(one) == forbidden("menu:read")


async def test_another_organizations_item_is_404_and_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    theirs = await given_item(database, await given_organization(database, "Other"))
    one = f"{ITEMS}/{theirs}"

    responses = [
        await client.get(one, headers=admin.headers),
        await client.patch(one, json={"price": 1}, headers=admin.headers),
        await client.put(one, json={"price": 1}, headers=admin.headers),
        await client.delete(one, headers=admin.headers),
    ]
    listed = await client.get(ITEMS, headers=admin.headers)

    assert [r.status_code for r in responses] == [404] * 4
    assert all(error_of(r) == NO_ITEM for r in responses)
    assert listed.json()["items"] == []
    item = await stored_item(database, theirs)
    assert item is not None
    assert item.price == Decimal("25.00")
