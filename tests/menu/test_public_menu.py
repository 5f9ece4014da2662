"""GET /menu: the active menu of one business, for anyone, grouped by category."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from tests.factories import given_organization
from tests.menu.helpers import given_category, given_item
from tests.probe_router import error_of

MENU = "/api/v1/menu"


async def test_the_active_menu_is_grouped_by_category_for_anyone(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    sides = await given_category(database, org, "Sides", description="To share", sort_order=2)
    entrees = await given_category(database, org, "Entrées", description="Grill", sort_order=1)
    appetizers = await given_category(database, org, "Appetizers", sort_order=1)
    drinks = await given_category(database, org, "Drinks", is_active=False)
    await given_category(database, org, "Desserts")  # no items: not shown
    steak = await given_item(
        database, org, "Hibachi Steak", "35.00", category_id=entrees, sort_order=1,
        pricing_unit="per_item",
    )  # fmt: skip
    chicken = await given_item(
        database, org, "Hibachi Chicken", "25.00", category_id=entrees, sort_order=1,
        pricing_unit="per_guest", dietary_tags=["gluten_free"],
    )  # fmt: skip
    rice = await given_item(database, org, "Fried Rice", "8.00", category_id=sides)
    edamame = await given_item(database, org, "Edamame", "6.50", category_id=appetizers)
    sake = await given_item(database, org, "Sake Tasting", "15.00")
    await given_item(database, org, "Old Noodles", "9.00", category_id=sides, is_active=False)
    await given_item(database, org, "Lemonade", "4.00", category_id=drinks)

    response = await client.get(MENU)

    assert response.status_code == 200
    assert response.json() == {
        "categories": [
            {
                "id": str(appetizers),
                "name": "Appetizers",
                "description": "",
                "items": [
                    {
                        "id": str(edamame),
                        "name": "Edamame",
                        "description": "",
                        "price": 6.5,
                        "pricing_unit": "per_item",
                        "dietary_tags": [],
                        "photo_url": None,
                    }
                ],
            },
            {
                "id": str(entrees),
                "name": "Entrées",
                "description": "Grill",
                "items": [
                    {
                        "id": str(chicken),
                        "name": "Hibachi Chicken",
                        "description": "",
                        "price": 25.0,
                        "pricing_unit": "per_guest",
                        "dietary_tags": ["gluten_free"],
                        "photo_url": None,
                    },
                    {
                        "id": str(steak),
                        "name": "Hibachi Steak",
                        "description": "",
                        "price": 35.0,
                        "pricing_unit": "per_item",
                        "dietary_tags": [],
                        "photo_url": None,
                    },
                ],
            },
            {
                "id": str(sides),
                "name": "Sides",
                "description": "To share",
                "items": [
                    {
                        "id": str(rice),
                        "name": "Fried Rice",
                        "description": "",
                        "price": 8.0,
                        "pricing_unit": "per_item",
                        "dietary_tags": [],
                        "photo_url": None,
                    }
                ],
            },
            {
                "id": None,
                "name": "Uncategorized",
                "description": "",
                "items": [
                    {
                        "id": str(sake),
                        "name": "Sake Tasting",
                        "description": "",
                        "price": 15.0,
                        "pricing_unit": "per_item",
                        "dietary_tags": [],
                        "photo_url": None,
                    }
                ],
            },
        ],
        "currency": "USD",
    }


async def test_each_business_shows_only_its_own_menu(
    client: httpx.AsyncClient, database: Database
) -> None:
    ours = await given_organization(database, "Hibachi at Home")
    theirs = await given_organization(database, "Sushi Elsewhere", settings={})
    await given_item(database, ours, "Hibachi Chicken", "25.00")
    await given_item(database, theirs, "Salmon Roll", "12.00")

    by_header = await client.get(MENU, headers={"X-Tenant-ID": str(theirs.id)})
    by_slug = await client.get(MENU, params={"org": ours.slug})
    unnamed = await client.get(MENU)

    assert [i["name"] for i in by_header.json()["categories"][0]["items"]] == ["Salmon Roll"]
    assert [i["name"] for i in by_slug.json()["categories"][0]["items"]] == ["Hibachi Chicken"]
    assert unnamed.status_code == 422
    assert error_of(unnamed)["details"] == {
        "X-Tenant-ID": "Send the organization's id or slug in X-Tenant-ID or ?org=, "
        "or use one of its domains"
    }


async def test_the_menu_is_in_the_pricing_currency(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database, settings={"pricing": {"currency": "CAD"}})

    response = await client.get(MENU)

    assert response.json() == {"categories": [], "currency": "CAD"}
    assert (await client.get(MENU, params={"org": str(org.id)})).json()["currency"] == "CAD"
