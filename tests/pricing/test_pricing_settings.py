"""GET/PATCH /settings/pricing: the organization's pricing policy, documented and validated."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from maitred.audit.models import AuditLog
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of

SETTINGS = "/api/v1/settings/pricing"
DEFAULTS: dict[str, Any] = {
    "currency": None,
    "price_per_adult": 0.0,
    "price_per_child": 0.0,
    "child_age_bands": [],
    "minimum_total": 0.0,
    "upgrades": [],
    "tax_rate": 0.0,
    "tax_includes_service_fee": False,
    "tax_includes_travel_fee": False,
    "service_fee_rate": 0.0,
    "travel_base_zip": None,
    "travel_free_miles": 0.0,
    "travel_per_mile": 0.0,
    "travel_fee_zones": [],
    "deposit_percent": 0.0,
    "deposit_fixed": 0.0,
    "deposit_minimum": 0.0,
    "gratuity_suggestion_rates": [],
}


def forbidden(permission: str) -> dict[str, Any]:
    return {"error": "forbidden", "message": f"Requires permission {permission}", "details": {}}


async def stored_settings(database: Database, organization: Organization) -> dict[str, Any]:
    async with database.transaction(write=False) as session:
        found = await session.get(Organization, organization.id)
        assert found is not None
        return dict(found.settings)


async def test_a_new_organization_charges_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager = await signed_in_as(client, database, Role.manager)

    response = await client.get(SETTINGS, headers=manager.headers)

    assert response.status_code == 200
    assert response.json() == DEFAULTS


async def test_admin_sets_the_policy_a_few_fields_at_a_time(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    first = await client.patch(
        SETTINGS,
        json={"price_per_adult": 55, "tax_rate": "0.0825", "deposit_fixed": 100},
        headers=admin.headers,
    )
    second = await client.patch(
        SETTINGS,
        json={
            "upgrades": [{"name": "Lobster", "price_per_person": 15}],
            "gratuity_suggestion_rates": [0.2, 0.35],
            "currency": "USD",
        },
        headers=admin.headers,
    )

    assert first.status_code == second.status_code == 200
    expected = DEFAULTS | {
        "price_per_adult": 55.0,
        "tax_rate": 0.0825,
        "deposit_fixed": 100.0,
        "upgrades": [{"name": "Lobster", "price_per_person": 15.0, "description": ""}],
        "gratuity_suggestion_rates": [0.2, 0.35],
        "currency": "USD",
    }
    assert second.json() == expected
    assert (await client.get(SETTINGS, headers=admin.headers)).json() == expected
    assert (await stored_settings(database, admin.organization))["pricing"] == {
        "price_per_adult": 55.0,
        "tax_rate": 0.0825,
        "deposit_fixed": 100.0,
        "upgrades": [{"name": "Lobster", "price_per_person": 15.0, "description": ""}],
        "gratuity_suggestion_rates": [0.2, 0.35],
        "currency": "USD",
    }
    async with database.transaction(write=False) as session:
        audited = (
            await session.scalars(
                select(AuditLog).where(AuditLog.action == "settings.pricing_updated")
            )
        ).all()
    assert [{k: v for k, v in row.changes.items() if k != "fields"} for row in audited] == [
        {"price_per_adult": 55.0, "tax_rate": 0.0825, "deposit_fixed": 100.0},
        {
            "upgrades": [{"name": "Lobster", "price_per_person": 15.0, "description": ""}],
            "gratuity_suggestion_rates": [0.2, 0.35],
            "currency": "USD",
        },
    ]


async def test_other_sections_are_kept(client: httpx.AsyncClient, database: Database) -> None:
    organization = await given_organization(
        database, settings={"availability": {"closed_weekdays": [2]}}
    )
    admin = await signed_in_as(client, database, Role.admin, organization)

    await client.patch(SETTINGS, json={"minimum_total": 550}, headers=admin.headers)

    assert await stored_settings(database, organization) == {
        "availability": {"closed_weekdays": [2]},
        "pricing": {"minimum_total": 550.0},
    }


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"deposit_percent": 50}, {"deposit_percent": "Input should be less than or equal to 1"}),
        ({"tax_rate": 0.0825, "deposit_pct": 0.5}, {"deposit_pct": "Unknown field"}),
        (
            {
                "child_age_bands": [
                    {"min_age": 0, "max_age": 6, "price": 0},
                    {"min_age": 6, "max_age": 12, "price": 30},
                ]
            },
            {"child_age_bands": "child age bands must not overlap"},
        ),
        (
            {"price_per_adult": -5},
            {"price_per_adult": "Input should be greater than or equal to 0"},
        ),
        (
            {"tax_rate": None},
            {"tax_rate": "Decimal input should be an integer, float, string or Decimal object"},
        ),
        (
            {"travel_base_zip": "Sacramento"},
            {"travel_base_zip": "String should match pattern '^\\d{5}$'"},
        ),
    ],
)
async def test_an_invalid_policy_is_422_and_nothing_is_stored(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    organization = await given_organization(database, settings={"pricing": {"tax_rate": 0.05}})
    admin = await signed_in_as(client, database, Role.admin, organization)

    response = await client.patch(SETTINGS, json=body, headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": details,
    }
    assert await stored_settings(database, organization) == {"pricing": {"tax_rate": 0.05}}


async def test_the_body_must_be_an_object(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.patch(SETTINGS, json=[1, 2], headers=admin.headers)

    assert response.status_code == 422
    assert error_of(response)["details"] == {"body": "Input should be a valid dictionary"}


async def test_signed_out_callers_get_401_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)

    read = await client.get(SETTINGS)
    write = await client.patch(SETTINGS, json={"tax_rate": 0.5})

    assert read.status_code == write.status_code == 401
    assert await stored_settings(database, organization) == {}


async def test_roles_without_the_settings_permissions_get_403_and_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await signed_in_as(client, database, Role.staff, organization)
    manager = await signed_in_as(client, database, Role.manager, organization)

    staff_read = await client.get(SETTINGS, headers=staff.headers)
    manager_read = await client.get(SETTINGS, headers=manager.headers)
    manager_write = await client.patch(SETTINGS, json={"tax_rate": 0.5}, headers=manager.headers)

    assert staff_read.status_code == 403
    assert error_of(staff_read) == forbidden("settings:read")
    assert manager_read.status_code == 200
    assert manager_write.status_code == 403
    assert error_of(manager_write) == forbidden("settings:write")
    assert await stored_settings(database, organization) == {}


async def test_another_organization_is_404_and_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Other", settings={"pricing": {"tax_rate": 0.05}})
    theirs = {**admin.headers, "X-Tenant-ID": str(other.id)}

    read = await client.get(SETTINGS, headers=theirs)
    write = await client.patch(SETTINGS, json={"tax_rate": 0.5}, headers=theirs)

    assert read.status_code == write.status_code == 404
    assert (
        error_of(read)
        == error_of(write)
        == {
            "error": "not_found",
            "message": "No such organization",
            "details": {},
        }
    )
    assert await stored_settings(database, other) == {"pricing": {"tax_rate": 0.05}}
