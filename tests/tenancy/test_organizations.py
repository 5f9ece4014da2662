"""Organizations through HTTP: who may create, see and change which business."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from maitred.app import create_app
from maitred.identity import api_keys
from maitred.identity.deps import AuthContext
from maitred.kit.db import Database
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy.models import Organization
from maitred.tenancy.settings import OrganizationSettings
from tests.conftest import make_settings
from tests.factories import (
    Actor,
    bearer,
    given_organization,
    given_user,
    sign_in,
    signed_in_as,
)
from tests.probe_router import error_of

API = "/api/v1"
DEFAULT_SETTINGS = OrganizationSettings().model_dump(mode="json")
BAD_CURRENCY = "Use an ISO 4217 code of three letters, such as 'USD'"
BAD_COUNTRY = "Use an ISO 3166 alpha-2 country code, such as 'US'"
BAD_SLUG = "Use lowercase letters, digits and single hyphens, such as 'my-grill'"
NOT_FOUND = {"error": "not_found", "message": "No such organization", "details": {}}


def forbidden(message: str) -> dict[str, Any]:
    return {"error": "forbidden", "message": message, "details": {}}


def invalid(details: dict[str, str]) -> dict[str, Any]:
    return {"error": "validation_error", "message": "Request validation failed", "details": details}


async def super_admin(client: httpx.AsyncClient, database: Database) -> dict[str, str]:
    user = await given_user(database, None, super_admin=True)
    return bearer(await sign_in(client, user.email))


async def stored(database: Database, organization_id: uuid.UUID | str) -> Organization:
    async with database.transaction(write=False) as session:
        found = await session.get(Organization, uuid.UUID(str(organization_id)))
        assert found is not None
        return found


async def organization_count(database: Database) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Organization)) or 0)


# --- creating ---------------------------------------------------------------------------------


async def test_super_admin_creates_an_organization_and_becomes_its_admin(
    client: httpx.AsyncClient, database: Database
) -> None:
    headers = await super_admin(client, database)

    response = await client.post(
        f"{API}/organizations",
        json={"name": "Sushi Bar", "timezone": "Asia/Tokyo", "currency": "jpy", "country": "jp"},
        headers=headers,
    )
    body = response.json()
    me = await client.get(f"{API}/auth/me", headers=headers | {"X-Tenant-ID": body["id"]})

    assert response.status_code == 201
    assert {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")} == {
        "name": "Sushi Bar",
        "slug": "sushi-bar",
        "description": "",
        "timezone": "Asia/Tokyo",
        "currency": "JPY",
        "locale": "en-US",
        "country": "JP",
        "settings": DEFAULT_SETTINGS,
        "is_active": True,
    }
    assert me.json()["role"] == "admin"
    assert me.json()["organization_id"] == body["id"]


async def test_explicit_slug_and_settings_are_kept_as_given(
    client: httpx.AsyncClient, database: Database
) -> None:
    headers = await super_admin(client, database)

    response = await client.post(
        f"{API}/organizations",
        json={
            "name": "Grill",
            "slug": "Downtown-Grill",
            "settings": {"identity": {"self_signup": True}},
        },
        headers=headers,
    )

    assert response.status_code == 201
    assert response.json()["slug"] == "downtown-grill"
    assert response.json()["settings"]["identity"] == {
        "self_signup": True,
        "mfa_required_roles": [],
    }
    assert (await stored(database, response.json()["id"])).settings == {
        "identity": {"self_signup": True}
    }


async def test_plain_user_cannot_create_an_organization_by_default(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)

    response = await client.post(
        f"{API}/organizations", json={"name": "Mine"}, headers=admin.headers
    )

    assert response.status_code == 403
    assert error_of(response) == forbidden("Only platform administrators may create organizations")
    assert await organization_count(database) == 1


async def test_creating_needs_a_sign_in(client: httpx.AsyncClient, database: Database) -> None:
    response = await client.post(f"{API}/organizations", json={"name": "Mine"})

    assert response.status_code == 401
    assert await organization_count(database) == 0


@pytest.fixture
async def signup_client(
    data_dir: Path, database_url: str, database: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """An instance where any signed-in user may create an organization."""
    app = create_app(make_settings(data_dir, database_url, organization_signup=True))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
    await app.state.database.dispose()


async def test_with_self_service_any_user_creates_one(
    signup_client: httpx.AsyncClient, database: Database
) -> None:
    user = await given_user(database, None)
    headers = bearer(await sign_in(signup_client, user.email))

    response = await signup_client.post(
        f"{API}/organizations", json={"name": "Taco Truck"}, headers=headers
    )
    listed = await signup_client.get(f"{API}/organizations", headers=headers)
    me = await signup_client.get(f"{API}/auth/me", headers=headers)

    assert response.status_code == 201
    assert [o["name"] for o in listed.json()["items"]] == ["Taco Truck"]
    assert me.json()["role"] == "admin"


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {"name": "X", "timezone": "Mars/Olympus"},
            {
                "timezone": "Unknown time zone 'Mars/Olympus'; "
                "use an IANA name such as 'America/Los_Angeles'"
            },
        ),
        ({"name": "X", "currency": "US"}, {"currency": BAD_CURRENCY}),
        ({"name": "X", "country": "ZZ"}, {"country": BAD_COUNTRY}),
        ({"name": "X", "slug": "no spaces"}, {"slug": BAD_SLUG}),
        ({"name": "X", "slug": str(uuid.UUID(int=1))}, {"slug": "A slug may not look like an id"}),
        ({"name": "X", "settings": {"billing": {}}}, {"settings.billing": "Unknown field"}),
        ({"name": "X", "owner": "me"}, {"owner": "Unknown field"}),
        ({}, {"name": "Field is required"}),
    ],
)  # fmt: skip
async def test_invalid_fields_are_422_and_create_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    headers = await super_admin(client, database)

    response = await client.post(f"{API}/organizations", json=body, headers=headers)

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    assert await organization_count(database) == 0


async def test_taken_slug_is_409(client: httpx.AsyncClient, database: Database) -> None:
    await given_organization(database, "Hibachi at Home")
    headers = await super_admin(client, database)

    response = await client.post(
        f"{API}/organizations", json={"name": "Other", "slug": "hibachi-at-home"}, headers=headers
    )

    assert response.status_code == 409
    assert error_of(response) == {
        "error": "already_exists",
        "message": "This slug is taken",
        "details": {"slug": "Already taken"},
    }
    assert await organization_count(database) == 1


# --- listing and reading ----------------------------------------------------------------------


async def test_list_shows_only_the_callers_organizations(
    client: httpx.AsyncClient, database: Database
) -> None:
    mine = await given_organization(database, "Hibachi at Home")
    also_mine = await given_organization(database, "Hibachi Catering")
    await given_organization(database, "Someone Else")
    user = await given_user(database, mine, Role.manager)
    async with database.transaction() as session:
        await memberships.add(
            session, user_id=user.id, organization_id=also_mine.id, role=Role.viewer
        )
    headers = bearer(await sign_in(client, user.email, tenant=str(mine.id)))

    everything = await client.get(f"{API}/organizations?sort=name", headers=headers)
    searched = await client.get(f"{API}/organizations?search=CATER", headers=headers)
    first_page = await client.get(f"{API}/organizations?limit=1&sort=name", headers=headers)

    assert [o["name"] for o in everything.json()["items"]] == [
        "Hibachi at Home",
        "Hibachi Catering",
    ]
    assert [o["name"] for o in searched.json()["items"]] == ["Hibachi Catering"]
    assert [o["name"] for o in first_page.json()["items"]] == ["Hibachi at Home"]
    assert first_page.json()["pagination"] == {
        "page": 1,
        "limit": 1,
        "total_items": 2,
        "total_pages": 2,
        "has_next": True,
        "has_prev": False,
    }


async def test_super_admin_lists_every_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    await given_organization(database, "A Grill")
    await given_organization(database, "B Grill")
    headers = await super_admin(client, database)

    response = await client.get(f"{API}/organizations?sort=name&order=desc", headers=headers)

    assert [o["name"] for o in response.json()["items"]] == ["B Grill", "A Grill"]


async def test_list_needs_a_sign_in(client: httpx.AsyncClient, database: Database) -> None:
    response = await client.get(f"{API}/organizations")

    assert response.status_code == 401


async def test_member_reads_by_id_and_by_slug(
    client: httpx.AsyncClient, database: Database
) -> None:
    viewer = await signed_in_as(client, database, Role.viewer)
    assert viewer.organization is not None

    by_id = await client.get(
        f"{API}/organizations/{viewer.organization.id}", headers=viewer.headers
    )
    by_slug = await client.get(f"{API}/organizations/hibachi-at-home", headers=viewer.headers)

    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    assert by_id.json()["timezone"] == "America/Los_Angeles"


async def other_organization_answers(
    client: httpx.AsyncClient, actor: Actor, prefix: str, ident: str
) -> list[int]:
    path = f"{prefix}/{ident}"
    statuses = []
    for method, body in (
        ("GET", None),
        ("PATCH", {"name": "Taken over"}),
        ("PUT", {"name": "Taken over"}),
        ("DELETE", None),
    ):
        response = await client.request(method, f"{API}{path}", json=body, headers=actor.headers)
        assert error_of(response) == NOT_FOUND
        statuses.append(response.status_code)
    change = {"identity": {"self_signup": True}}
    for method, settings in (("GET", None), ("PATCH", change)):
        response = await client.request(
            method, f"{API}/organizations/{ident}/settings", json=settings, headers=actor.headers
        )
        assert error_of(response) == NOT_FOUND
        statuses.append(response.status_code)
    return statuses


async def test_another_organization_is_404_and_unchanged(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    other = await given_organization(database, "Someone Else")

    by_id = await other_organization_answers(client, admin, "/organizations", str(other.id))
    by_slug = await other_organization_answers(client, admin, "/projects", "someone-else")
    unknown = await other_organization_answers(client, admin, "/organizations", str(uuid.uuid4()))

    assert by_id == by_slug == unknown == [404] * 6
    after = await stored(database, other.id)
    assert (after.name, after.is_active, after.settings) == ("Someone Else", True, {})


async def test_a_customer_member_may_not_read_the_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    customer = await signed_in_as(client, database, Role.customer)
    assert customer.organization is not None

    response = await client.get(
        f"{API}/organizations/{customer.organization.id}", headers=customer.headers
    )

    assert response.status_code == 403
    assert error_of(response) == forbidden("Requires permission organizations:read")


# --- changing ---------------------------------------------------------------------------------


async def test_admin_updates_fields(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    path = f"{API}/organizations/{admin.organization.id}"

    patched = await client.patch(
        path,
        json={"name": "Hibachi Home", "currency": "eur", "country": "gb", "slug": "hibachi"},
        headers=admin.headers,
    )
    put = await client.put(path, json={"description": "Chefs at your table"}, headers=admin.headers)

    assert patched.status_code == put.status_code == 200
    assert {k: put.json()[k] for k in ("name", "slug", "currency", "country", "description")} == {
        "name": "Hibachi Home",
        "slug": "hibachi",
        "currency": "EUR",
        "country": "GB",
        "description": "Chefs at your table",
    }


@pytest.mark.parametrize(
    ("body", "details"),
    [
        (
            {"timezone": "Europe/Atlantis"},
            {
                "timezone": "Unknown time zone 'Europe/Atlantis'; "
                "use an IANA name such as 'America/Los_Angeles'"
            },
        ),
        ({"name": None}, {"name": "May not be null"}),
        ({"plan": "gold"}, {"plan": "Unknown field"}),
    ],
)
async def test_invalid_update_is_422_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None

    response = await client.patch(
        f"{API}/organizations/{admin.organization.id}", json=body, headers=admin.headers
    )

    assert response.status_code == 422
    assert error_of(response) == invalid(details)
    after = await stored(database, admin.organization.id)
    assert (after.name, after.timezone) == ("Hibachi at Home", "America/Los_Angeles")


async def test_renaming_to_a_taken_slug_is_409(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    await given_organization(database, "Taken")

    response = await client.patch(
        f"{API}/organizations/{admin.organization.id}",
        json={"slug": "taken"},
        headers=admin.headers,
    )

    assert response.status_code == 409
    assert (await stored(database, admin.organization.id)).slug == "hibachi-at-home"


async def test_manager_reads_but_may_not_change_or_deactivate(
    client: httpx.AsyncClient, database: Database
) -> None:
    manager = await signed_in_as(client, database, Role.manager)
    assert manager.organization is not None
    path = f"{API}/organizations/{manager.organization.id}"

    read = await client.get(path, headers=manager.headers)
    patched = await client.patch(path, json={"name": "Mine now"}, headers=manager.headers)
    deleted = await client.delete(path, headers=manager.headers)

    assert read.status_code == 200
    assert patched.status_code == deleted.status_code == 403
    assert error_of(patched) == forbidden("Requires permission organizations:write")
    after = await stored(database, manager.organization.id)
    assert (after.name, after.is_active) == ("Hibachi at Home", True)


async def test_admin_deactivates_and_only_super_admins_still_see_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    path = f"{API}/organizations/{admin.organization.id}"
    platform = await super_admin(client, database)

    deleted = await client.delete(path, headers=admin.headers)
    shut_out = await client.get(path, headers=admin.headers)
    seen = await client.get(path, headers=platform)
    reactivated = await client.patch(path, json={"is_active": True}, headers=platform)

    assert deleted.status_code == 204
    assert shut_out.status_code == 403
    assert seen.json()["is_active"] is False
    assert reactivated.json()["is_active"] is True


# --- settings ---------------------------------------------------------------------------------


async def test_settings_are_merged_section_by_section(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    path = f"{API}/organizations/{admin.organization.id}/settings"

    await client.patch(path, json={"identity": {"self_signup": True}}, headers=admin.headers)
    await client.patch(
        path, json={"identity": {"mfa_required_roles": ["MANAGER"]}}, headers=admin.headers
    )
    last = await client.patch(
        path, json={"rate_limits": {"admin": "240/minute"}}, headers=admin.headers
    )
    read = await client.get(path, headers=admin.headers)

    expected = {
        **DEFAULT_SETTINGS,
        "identity": {"self_signup": True, "mfa_required_roles": ["manager"]},
        "rate_limits": {"authenticated": None, "admin": "240/minute"},
    }
    assert last.status_code == read.status_code == 200
    assert last.json() == read.json() == expected
    assert (await stored(database, admin.organization.id)).settings == {
        "identity": {"self_signup": True, "mfa_required_roles": ["manager"]},
        "rate_limits": {"admin": "240/minute"},
    }


@pytest.mark.parametrize(
    ("body", "details"),
    [
        ({"identity": {"self_sign_up": True}}, {"identity.self_sign_up": "Unknown field"}),
        ({"billing": {"plan": "gold"}}, {"billing": "Unknown field"}),
        (
            {"identity": {"self_signup": "sometimes"}},
            {"identity.self_signup": "Input should be a valid boolean, unable to interpret input"},
        ),
        (
            {"rate_limits": {"admin": "lots"}},
            {
                "rate_limits.admin": "'lots' is not a rate; use N/second, N/minute, N/hour or "
                "N/day with N >= 1"
            },
        ),
    ],
)
async def test_invalid_settings_are_422_and_change_nothing(
    client: httpx.AsyncClient, database: Database, body: dict[str, Any], details: dict[str, str]
) -> None:
    org = await given_organization(database, settings={"identity": {"self_signup": True}})
    admin = await signed_in_as(client, database, Role.admin, org)
    path = f"{API}/organizations/{org.id}/settings"

    response = await client.patch(path, json=body, headers=admin.headers)
    through_organization = await client.patch(
        f"{API}/organizations/{org.id}", json={"settings": body}, headers=admin.headers
    )

    assert response.status_code == through_organization.status_code == 422
    assert error_of(response) == invalid(details)
    assert error_of(through_organization) == invalid(
        {f"settings.{k}": v for k, v in details.items()}
    )
    assert (await stored(database, org.id)).settings == {"identity": {"self_signup": True}}


async def test_settings_permissions(client: httpx.AsyncClient, database: Database) -> None:
    manager = await signed_in_as(client, database, Role.manager)
    assert manager.organization is not None
    viewer = await signed_in_as(client, database, Role.viewer, manager.organization)
    path = f"{API}/organizations/{manager.organization.id}/settings"
    change = {"identity": {"self_signup": True}}

    manager_reads = await client.get(path, headers=manager.headers)
    viewer_reads = await client.get(path, headers=viewer.headers)
    manager_writes = await client.patch(path, json=change, headers=manager.headers)
    anonymous = await client.patch(path, json=change)

    assert manager_reads.json() == DEFAULT_SETTINGS
    assert error_of(viewer_reads) == forbidden("Requires permission settings:read")
    assert error_of(manager_writes) == forbidden("Requires permission settings:write")
    assert anonymous.status_code == 401
    assert (await stored(database, manager.organization.id)).settings == {}


async def test_admin_without_required_mfa_may_not_change_settings(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(
        database, settings={"identity": {"mfa_required_roles": ["admin"]}}
    )
    admin = await signed_in_as(client, database, Role.admin, org)

    response = await client.patch(
        f"{API}/organizations/{org.id}/settings",
        json={"identity": {"mfa_required_roles": []}},
        headers=admin.headers,
    )

    assert response.status_code == 403
    assert (await stored(database, org.id)).settings == {
        "identity": {"mfa_required_roles": ["admin"]}
    }


# --- seed 003's /projects and API keys --------------------------------------------------------


async def test_projects_alias_serves_seed_003(
    client: httpx.AsyncClient, database: Database
) -> None:
    headers = await super_admin(client, database)

    created = await client.post(
        f"{API}/projects",
        json={
            "name": "My Store",
            "description": "E-commerce store",
            "timezone": "America/New_York",
            "settings": {},
        },
        headers=headers,
    )
    project = f"/api/projects/{created.json()['id']}"
    listed = await client.get("/api/projects", headers=headers)
    patched = await client.patch(project, json={"description": "Shop"}, headers=headers)
    deleted = await client.delete(project, headers=headers)
    read = await client.get(project, headers=await super_admin(client, database))

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("name", "description", "timezone", "is_active")} == {
        "name": "My Store",
        "description": "E-commerce store",
        "timezone": "America/New_York",
        "is_active": True,
    }
    assert [p["name"] for p in listed.json()["items"]] == ["My Store"]
    assert patched.json()["description"] == "Shop"
    assert deleted.status_code == 204
    assert read.json()["is_active"] is False


async def test_api_key_reaches_only_its_own_organization(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    other = await given_organization(database, "Someone Else")
    auth = AuthContext(role="admin", permissions=permissions_for("admin"), organization_id=org.id)
    async with database.transaction() as session:
        _key, secret = await api_keys.create(
            session, auth, name="pos", scopes=["organizations:read"], expires_at=None
        )
    headers = {"X-API-Key": secret}

    own = await client.get(f"{API}/organizations/{org.id}", headers=headers)
    foreign = await client.get(f"{API}/organizations/{other.id}", headers=headers)
    listed = await client.get(f"{API}/organizations", headers=headers)
    write = await client.patch(f"{API}/organizations/{org.id}", json={"name": "X"}, headers=headers)
    create = await client.post(f"{API}/organizations", json={"name": "X"}, headers=headers)

    assert own.status_code == 200
    assert foreign.status_code == 404
    assert [o["id"] for o in listed.json()["items"]] == [str(org.id)]
    assert error_of(write) == forbidden("Requires permission organizations:write")
    assert error_of(create) == forbidden("Only a signed-in user can create an organization")
    assert await organization_count(database) == 2
