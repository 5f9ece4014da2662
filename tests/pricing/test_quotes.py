"""POST /quotes: a priced breakdown under the organization's policy; nothing is booked."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, given_organization, signed_in_as
from tests.menu.helpers import given_item
from tests.probe_router import error_of

QUOTES = "/api/v1/quotes"
SETTINGS = "/api/v1/settings/pricing"
MY_HIBACHI: dict[str, Any] = {
    "price_per_adult": 55,
    "price_per_child": 30,
    "child_age_bands": [
        {"min_age": 0, "max_age": 5, "price": 0},
        {"min_age": 6, "max_age": 12, "price": 30},
    ],
    "minimum_total": 550,
    "upgrades": [
        {"name": "Filet Mignon", "price_per_person": 5},
        {"name": "Lobster", "price_per_person": 15},
    ],
    "travel_base_zip": "95814",
    "travel_free_miles": 30,
    "travel_per_mile": 2,
    "tax_rate": 0.0825,
    "deposit_fixed": 100,
    "gratuity_suggestion_rates": [0.20, 0.35],
}


def invalid(details: dict[str, str]) -> dict[str, Any]:
    return {"error": "validation_error", "message": "Request validation failed", "details": details}


async def configured(client: httpx.AsyncClient, admin: Actor, policy: dict[str, Any]) -> None:
    response = await client.patch(SETTINGS, json=policy, headers=admin.headers)
    assert response.status_code == 200, response.text


async def booking_count(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Booking)) or 0)


async def test_seed_001_booking_is_quoted_exactly(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    chicken = await given_item(database, admin.organization, "Hibachi Chicken", "25.00")
    steak = await given_item(database, admin.organization, "Hibachi Steak", "35.00")
    await configured(
        client, admin, {"tax_rate": 0.10, "service_fee_rate": 0.20, "deposit_percent": 0.5}
    )

    response = await client.post(
        QUOTES,
        json={
            "guest_count": 25,
            "event_date": "2025-11-15",
            "event_type": "Birthday",
            "location": "123 Main St, Los Angeles, CA 90001",
            "menu_items": [
                {"menu_item_id": str(chicken), "quantity": 15},
                {"menu_item_id": str(steak), "quantity": 10},
            ],
        },
        headers=admin.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "currency": "USD",
        "lines": [
            {
                "kind": "menu",
                "name": "Hibachi Chicken",
                "quantity": 15,
                "unit_price": 25.0,
                "amount": 375.0,
                "menu_item_id": str(chicken),
                "pricing_unit": "per_item",
            },
            {
                "kind": "menu",
                "name": "Hibachi Steak",
                "quantity": 10,
                "unit_price": 35.0,
                "amount": 350.0,
                "menu_item_id": str(steak),
                "pricing_unit": "per_item",
            },
        ],
        "items_total": 725.0,
        "minimum_applied": 0.0,
        "subtotal": 725.0,
        "service_fee": 145.0,
        "travel_fee": 0.0,
        "travel_miles": None,
        "tax": 72.5,
        "total_amount": 942.5,
        "deposit_amount": 471.25,
        "gratuity_suggestions": [],
        "guest_count": 25,
        "adult_count": 25,
        "child_count": 0,
        "child_ages": [],
        "event_date": "2025-11-15",
        "event_type": "birthday",
        "location": "123 Main St, Los Angeles, CA 90001",
        "zip_code": "90001",
        "city": "Los Angeles",
    }
    assert await booking_count(database) == 0


async def test_seed_000_party_is_quoted_per_guest(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    admin = await signed_in_as(client, database, Role.admin, staff.organization)
    await configured(client, admin, {"price_per_adult": 45, "deposit_percent": 0.25})

    response = await client.post(
        QUOTES,
        json={
            "guest_count": 6,
            "date": "2024-02-20",
            "location": {"city": "Sacramento", "state": "CA"},
        },
        headers=staff.headers,
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["subtotal"], body["total_amount"], body["deposit_amount"]) == (270.0, 270.0, 67.5)
    assert body["event_date"] == "2024-02-20"
    assert body["location"] == {
        "address": "",
        "city": "Sacramento",
        "state": "CA",
        "zip_code": None,
    }
    assert (body["city"], body["zip_code"]) == ("Sacramento", None)


async def test_my_hibachi_rules_price_a_party_from_a_free_text_location(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    await configured(client, admin, MY_HIBACHI)

    response = await client.post(
        QUOTES,
        json={
            "guest_count": 10,
            "child_ages": [8, 4, 10],
            "location": "Marysville, CA 95901",
            "upgrades": [
                {"name": "filet mignon", "quantity": 3},
                {"name": "Lobster", "quantity": 2},
            ],
        },
        headers=admin.headers,
    )

    body = response.json()
    assert response.status_code == 200, response.text
    assert [(line["name"], line["quantity"], line["amount"]) for line in body["lines"]] == [
        ("Adults", 7, 385.0),
        ("Children under 6", 1, 0.0),
        ("Children 6-12", 2, 60.0),
        ("Filet Mignon", 3, 15.0),
        ("Lobster", 2, 30.0),
    ]
    assert {k: body[k] for k in ("items_total", "minimum_applied", "subtotal")} == {
        "items_total": 490.0,
        "minimum_applied": 60.0,
        "subtotal": 550.0,
    }
    assert (body["travel_miles"], body["travel_fee"]) == (40.5, 21.0)
    assert (body["tax"], body["total_amount"], body["deposit_amount"]) == (45.38, 616.38, 100.0)
    assert body["gratuity_suggestions"] == [
        {"rate": 0.2, "amount": 110.0},
        {"rate": 0.35, "amount": 192.5},
    ]
    assert (body["adult_count"], body["zip_code"], body["city"]) == (7, "95901", "Marysville")


async def test_menu_items_by_name_default_to_one_per_guest(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    await given_item(database, admin.organization, "Fried Rice", "4.50", pricing_unit="per_guest")

    response = await client.post(
        QUOTES,
        json={
            "guest_count": 8,
            "menu_items": ["fried rice", {"name": "FRIED RICE", "quantity": 2}],
        },
        headers=admin.headers,
    )

    assert response.status_code == 200
    assert [(line["quantity"], line["amount"]) for line in response.json()["lines"]] == [
        (8, 36.0),
        (2, 9.0),
    ]


async def test_unknown_inactive_or_foreign_menu_items_are_422(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    retired = await given_item(database, admin.organization, "Old Noodles", is_active=False)
    theirs = await given_item(database, await given_organization(database, "Other"), "Theirs")

    response = await client.post(
        QUOTES,
        json={
            "guest_count": 4,
            "menu_items": [
                "Hibachi Unicorn",
                {"menu_item_id": str(retired)},
                {"menu_item_id": str(theirs)},
            ],
        },
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert error_of(response) == invalid(
        {
            "menu_items[0]": "No such menu item: 'Hibachi Unicorn'",
            "menu_items[1]": f"No such menu item: '{retired}'",
            "menu_items[2]": f"No such menu item: '{theirs}'",
        }
    )


async def test_an_unknown_upgrade_is_422_naming_the_valid_ones(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    await configured(client, admin, MY_HIBACHI)

    response = await client.post(
        QUOTES,
        json={"guest_count": 10, "upgrades": [{"name": "Caviar", "quantity": 1}]},
        headers=admin.headers,
    )

    assert response.status_code == 422
    assert error_of(response) == invalid(
        {"upgrades[0]": "No such upgrade: 'Caviar'; choose one of: Filet Mignon, Lobster"}
    )


async def test_invalid_quote_requests_are_422(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    cases = [
        ({"guest_count": 0}, {"guest_count": "Input should be greater than or equal to 1"}),
        ({"guest_count": 501}, {"guest_count": "Input should be less than or equal to 500"}),
        (
            {"guest_count": 2, "child_count": 2, "child_ages": [5]},
            {"body": "Children are counted in guest_count: there are more than guests"},
        ),
        (
            {"guest_count": 2, "event_type": "rave"},
            {"event_type": "Use one of: birthday, wedding, corporate, anniversary, other"},
        ),  # fmt: skip
        ({"guest_count": 2, "budget": 100}, {"budget": "Unknown field"}),
    ]
    for body, details in cases:
        response = await client.post(QUOTES, json=body, headers=admin.headers)
        assert response.status_code == 422, body
        assert error_of(response) == invalid(details), body


async def test_signed_out_and_unpermitted_callers_are_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    viewer = await signed_in_as(client, database, Role.viewer, organization)
    customer = await signed_in_as(client, database, Role.customer, organization)
    body = {"guest_count": 8}

    signed_out = await client.post(QUOTES, json=body)
    as_viewer = await client.post(QUOTES, json=body, headers=viewer.headers)
    as_customer = await client.post(QUOTES, json=body, headers=customer.headers)

    assert signed_out.status_code == 401
    assert as_viewer.status_code == as_customer.status_code == 403
    assert error_of(as_viewer) == {
        "error": "forbidden",
        "message": "Requires permission quotes:write",
        "details": {},
    }
    assert await booking_count(database) == 0


async def test_another_organization_cannot_be_quoted_for(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Other")

    response = await client.post(
        QUOTES, json={"guest_count": 8}, headers={**admin.headers, "X-Tenant-ID": str(other.id)}
    )

    assert response.status_code == 404
    assert error_of(response) == {
        "error": "not_found",
        "message": "No such organization",
        "details": {},
    }
