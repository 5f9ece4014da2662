"""GET /roles: every role with its permissions, for anyone signed in to an organization."""

from __future__ import annotations

import httpx

from maitred.kit.db import Database
from maitred.kit.permissions import ORGANIZATION_PERMISSIONS, permissions_for
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of


async def test_roles_list_every_role_with_its_permissions(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, "customer")

    response = await client.get("/api/v1/roles", headers=customer.headers)
    alias = await client.get("/api/roles", headers=customer.headers)

    assert response.status_code == 200
    items = response.json()["items"]
    assert [r["name"] for r in items] == [
        "super_admin",
        "admin",
        "manager",
        "staff",
        "viewer",
        "facilitator",
        "ai_system",
        "customer",
    ]
    by_name = {r["name"]: r for r in items}
    assert by_name["admin"]["permissions"] == sorted(ORGANIZATION_PERMISSIONS)
    assert by_name["viewer"]["permissions"] == sorted(permissions_for("viewer"))
    assert all(r["description"] for r in items)
    assert alias.json() == response.json()


async def test_one_role_by_name(client: httpx.AsyncClient, database: Database) -> None:
    staff = await signed_in_as(client, database, "staff")

    manager = await client.get("/api/v1/roles/MANAGER", headers=staff.headers)
    unknown = await client.get("/api/v1/roles/owner", headers=staff.headers)

    assert manager.status_code == 200
    assert manager.json() == {
        "name": "manager",
        "description": "Runs the daily business; reads users, settings and the audit log",
        "permissions": sorted(permissions_for("manager")),
    }
    assert unknown.status_code == 404
    assert error_of(unknown) == {"error": "not_found", "message": "No such role", "details": {}}


async def test_roles_need_a_caller_of_that_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    viewer = await signed_in_as(client, database, "viewer")
    other = await given_organization(database, "Other Grill")

    anonymous = await client.get("/api/v1/roles")
    one_anonymous = await client.get("/api/v1/roles/admin")
    elsewhere = await client.get(
        "/api/v1/roles", headers={**viewer.headers, "X-Tenant-ID": str(other.id)}
    )

    assert anonymous.status_code == one_anonymous.status_code == 401
    assert elsewhere.status_code == 404
