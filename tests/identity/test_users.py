"""Managing the users of an organization through /users."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
from sqlalchemy import func, select

from maitred.identity.models import User
from maitred.kit.db import Database
from maitred.tenancy.models import Membership
from tests.factories import (
    PASSWORD,
    Actor,
    bearer,
    given_organization,
    given_user,
    sign_in,
    signed_in_as,
)
from tests.probe_router import error_of

USERS = "/api/v1/users"


async def memberships(database: Database, user_id: uuid.UUID) -> dict[uuid.UUID, str]:
    async with database.transaction() as session:
        rows = await session.scalars(select(Membership).where(Membership.user_id == user_id))
        return {m.organization_id: m.role for m in rows}


async def users_count(database: Database) -> int:
    async with database.transaction() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def stored_user(database: Database, user_id: uuid.UUID) -> User:
    async with database.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def create(client: httpx.AsyncClient, actor: Actor, **body: Any) -> httpx.Response:
    payload: dict[str, Any] = {"email": "new.chef@hibachi.example", "full_name": "Kenji Sato"}
    payload.update(body)
    return await client.post(USERS, json=payload, headers=actor.headers)


async def test_admin_creates_a_user_who_can_sign_in(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    response = await create(
        client,
        admin,
        email="New.Chef@Hibachi.example",
        role="STAFF",
        password=PASSWORD,
        phone="(916) 555-0142",
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["email"] == "new.chef@hibachi.example"
    assert body["full_name"] == "Kenji Sato"
    assert (body["first_name"], body["last_name"]) == ("Kenji", "Sato")
    assert body["phone"] == "+19165550142"
    assert body["role"] == "staff"
    assert body["organization_id"] == str(admin.organization.id)  # type: ignore[union-attr]
    assert body["is_active"] is True
    assert body["invitation_sent"] is False
    assert "bookings:write" in body["permissions"]
    signed = await sign_in(client, "new.chef@hibachi.example")
    assert signed["user"]["id"] == body["id"]
    assert signed["user"]["role"] == "staff"


async def test_list_shows_this_organizations_users_with_filters(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    chef = await given_user(database, org, "staff", full_name="Kenji Sato", email="kenji@x.example")
    await given_user(database, org, "viewer", full_name="Mia Chen", email="mia@x.example")
    other = await given_organization(database, "Other Grill")
    await given_user(database, other, "staff", full_name="Kenji Outsider")

    everyone = await client.get(USERS, headers=admin.headers, params={"sort": "full_name"})
    staff = await client.get(USERS, headers=admin.headers, params={"role": "STAFF"})
    by_name = await client.get(USERS, headers=admin.headers, params={"search": "enji"})
    by_email = await client.get(USERS, headers=admin.headers, params={"search": "KENJI@x.example"})
    paged = await client.get(USERS, headers=admin.headers, params={"limit": 2, "page": 2})

    assert everyone.status_code == 200
    assert [u["full_name"] for u in everyone.json()["items"]] == [
        "Kenji Sato",
        "Mia Chen",
        "Pat Example",
    ]
    assert [u["email"] for u in staff.json()["items"]] == ["kenji@x.example"]
    assert [u["id"] for u in by_name.json()["items"]] == [str(chef.id)]
    assert [u["id"] for u in by_email.json()["items"]] == [str(chef.id)]
    assert len(paged.json()["items"]) == 1
    assert paged.json()["pagination"] == {
        "page": 2,
        "limit": 2,
        "total_items": 3,
        "total_pages": 2,
        "has_next": False,
        "has_prev": True,
    }


async def test_active_filter_and_bad_sort(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    staff = await given_user(database, admin.organization, "staff")
    await client.patch(f"{USERS}/{staff.id}", json={"is_active": False}, headers=admin.headers)

    inactive = await client.get(USERS, headers=admin.headers, params={"active": "false"})
    bad_sort = await client.get(USERS, headers=admin.headers, params={"sort": "email"})

    assert [u["id"] for u in inactive.json()["items"]] == [str(staff.id)]
    assert bad_sort.status_code == 422
    assert error_of(bad_sort)["details"] == {
        "sort": "Cannot sort by 'email'; use one of created_at, full_name"
    }


async def test_who_may_read_and_write_users(client: httpx.AsyncClient, database: Database) -> None:
    org = await given_organization(database)
    manager = await signed_in_as(client, database, "manager", org)
    staff = await signed_in_as(client, database, "staff", org)
    viewer = await signed_in_as(client, database, "viewer", org)
    before = await users_count(database)

    listed = await client.get(USERS, headers=manager.headers)
    read = await client.get(f"{USERS}/{staff.user.id}", headers=manager.headers)
    created = await create(client, manager, role="staff", password=PASSWORD)
    changed = await client.patch(
        f"{USERS}/{viewer.user.id}", json={"role": "staff"}, headers=manager.headers
    )
    removed = await client.delete(f"{USERS}/{viewer.user.id}", headers=manager.headers)
    by_staff = await client.get(USERS, headers=staff.headers)
    by_viewer = await client.get(USERS, headers=viewer.headers)
    anonymous = await client.get(USERS)

    assert (listed.status_code, read.status_code) == (200, 200)
    assert [r.status_code for r in (created, changed, removed, by_staff, by_viewer)] == [403] * 5
    assert error_of(created)["message"] == "Requires permission users:write"
    assert anonymous.status_code == 401
    assert await users_count(database) == before
    assert await memberships(database, viewer.user.id) == {org.id: "viewer"}


async def test_no_one_grants_super_admin_or_beyond_their_own_role(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    before = await users_count(database)
    narrow = await client.post(
        "/api/v1/api-keys",
        json={"name": "HR sync", "scopes": ["users:read", "users:write"]},
        headers=admin.headers,
    )
    key = {"X-API-Key": narrow.json()["key"]}

    platform = await create(client, admin, role="super_admin")
    by_key = await client.post(
        USERS, json={"email": "a@x.example", "full_name": "A B", "role": "admin"}, headers=key
    )
    staff_by_key = await client.post(
        USERS,
        json={"email": "s@x.example", "full_name": "S B", "role": "facilitator"},
        headers=key,
    )

    assert platform.status_code == 422
    assert error_of(platform)["details"] == {
        "role": "super_admin is a platform role; it cannot be granted here"
    }
    assert by_key.status_code == 403
    assert error_of(by_key)["message"] == "You cannot grant the admin role: it outranks your own"
    assert staff_by_key.status_code == 403
    assert await users_count(database) == before


async def test_an_existing_account_is_only_invited_and_duplicates_conflict(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Used to join the account at once, profile shown; now its holder must accept first."""
    admin = await signed_in_as(client, database, "admin")
    elsewhere = await given_organization(database, "Other Grill")
    known = await given_user(database, elsewhere, "manager", full_name="Known Person")

    joined = await create(client, admin, email=known.email, role="viewer", full_name="Renamed")
    again = await create(client, admin, email=known.email.upper(), role="staff")
    with_password = await create(
        client,
        admin,
        email=(await given_user(database, elsewhere, "staff")).email,
        role="staff",
        password="somebody else's password",
    )

    assert joined.status_code == 201
    assert joined.json()["id"] == str(known.id)
    assert (joined.json()["status"], joined.json()["role"]) == ("invited", "viewer")
    assert joined.json()["full_name"] == ""  # nothing of the account until its holder accepts
    assert joined.json()["is_active"] is False
    assert joined.json()["invitation_sent"] is False
    assert again.status_code == 409
    assert error_of(again) == {
        "error": "already_exists",
        "message": "This user is already invited",
        "details": {"email": "Already invited"},
    }
    assert with_password.status_code == 422
    assert await memberships(database, known.id) == {
        elsewhere.id: "manager",
        admin.organization.id: "viewer",  # type: ignore[union-attr]
    }
    assert (await stored_user(database, known.id)).full_name == "Known Person"


async def test_other_organizations_users_are_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    other = await given_organization(database, "Other Grill")
    outsider = await given_user(database, other, "staff", full_name="Out Sider")
    path = f"{USERS}/{outsider.id}"

    responses = [
        await client.get(path, headers=admin.headers),
        await client.patch(path, json={"full_name": "Hijacked"}, headers=admin.headers),
        await client.put(path, json={"is_active": False}, headers=admin.headers),
        await client.delete(path, headers=admin.headers),
        await client.get(USERS, headers={**admin.headers, "X-Tenant-ID": str(other.id)}),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert error_of(responses[0])["message"] == "No such user"
    stored = await stored_user(database, outsider.id)
    assert (stored.full_name, stored.is_active) == ("Out Sider", True)
    assert await memberships(database, outsider.id) == {other.id: "staff"}


async def test_role_changes_and_the_profile_stays_the_holders(
    client: httpx.AsyncClient, database: Database
) -> None:
    """An organization used to change its members' names and phones; now only the account
    holder (or a platform administrator) does."""
    admin = await signed_in_as(client, database, "admin")
    staff = await signed_in_as(client, database, "staff", admin.organization)
    path = f"{USERS}/{staff.user.id}"
    shown = (await client.get(path, headers=admin.headers)).json()

    promoted = await client.patch(path, json={"role": "manager"}, headers=admin.headers)
    renamed = await client.patch(
        path, json={"first_name": "Yuki", "last_name": "Tanaka"}, headers=admin.headers
    )
    rephoned = await client.put(path, json={"phone": "916-555-0199"}, headers=admin.headers)
    echoed = await client.put(
        path,
        json={k: shown[k] for k in ("full_name", "first_name", "last_name", "phone")}
        | {"role": "manager"},
        headers=admin.headers,
    )
    null_role = await client.patch(path, json={"role": None}, headers=admin.headers)
    unknown = await client.patch(path, json={"email": "x@y.example"}, headers=admin.headers)
    me = await client.get("/api/v1/auth/me", headers=staff.headers)

    assert promoted.status_code == 200
    assert promoted.json()["role"] == "manager"
    assert renamed.status_code == rephoned.status_code == 403
    assert error_of(renamed)["message"] == (
        "Only the account holder changes their name and phone (PATCH /api/v1/auth/me); "
        "an organization changes a member's role and whether the membership is active"
    )
    assert echoed.status_code == 200  # sending back what was shown changes nothing
    stored = await stored_user(database, staff.user.id)
    assert (stored.full_name, stored.phone) == (shown["full_name"], shown["phone"])
    assert null_role.status_code == unknown.status_code == 422
    assert error_of(unknown)["details"] == {"email": "Unknown field"}
    assert me.json()["role"] == "manager"  # role changes apply to live sessions at once


async def test_a_platform_administrator_may_change_a_members_profile(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    staff = await given_user(database, admin.organization, "staff")
    platform = await given_user(database, None, "super_admin", super_admin=True)
    tenant = str(admin.organization.id)  # type: ignore[union-attr]
    operator = bearer(await sign_in(client, platform.email, tenant=tenant))

    response = await client.patch(
        f"{USERS}/{staff.id}", json={"full_name": "Yuki Tanaka"}, headers=operator
    )

    assert response.status_code == 200
    assert (await stored_user(database, staff.id)).full_name == "Yuki Tanaka"


async def test_deactivation_ends_the_users_sessions_at_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    staff = await signed_in_as(client, database, "staff", admin.organization)
    assert (await client.get("/api/v1/auth/me", headers=staff.headers)).status_code == 200

    response = await client.patch(
        f"{USERS}/{staff.user.id}", json={"is_active": False}, headers=admin.headers
    )
    me = await client.get("/api/v1/auth/me", headers=staff.headers)
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": staff.tokens["refresh_token"]}
    )
    login = await client.post(
        "/api/v1/auth/login", json={"email": staff.user.email, "password": PASSWORD}
    )

    assert response.status_code == 200
    assert (response.json()["is_active"], response.json()["status"]) == (False, "deactivated")
    assert me.status_code == refreshed.status_code == 401
    # The account is the holder's: it still signs in, without this organization.
    assert login.status_code == 200
    assert (login.json()["user"]["organization_id"], login.json()["user"]["role"]) == (None, None)
    again = await client.get(
        USERS,
        headers={**bearer(login.json()), "X-Tenant-ID": str(admin.organization.id)},  # type: ignore[union-attr]
    )
    assert again.status_code == 404
    assert (await stored_user(database, staff.user.id)).is_active is True

    reactivated = await client.patch(
        f"{USERS}/{staff.user.id}", json={"is_active": True}, headers=admin.headers
    )
    assert reactivated.json()["status"] == "active"
    login = await client.post(
        "/api/v1/auth/login", json={"email": staff.user.email, "password": PASSWORD}
    )
    assert login.json()["user"]["role"] == "staff"


async def test_nobody_deactivates_or_removes_themselves(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    await given_user(database, admin.organization, "admin")
    path = f"{USERS}/{admin.user.id}"

    deactivated = await client.patch(path, json={"is_active": False}, headers=admin.headers)
    removed = await client.delete(path, headers=admin.headers)

    assert deactivated.status_code == removed.status_code == 422
    assert error_of(deactivated)["details"] == {"is_active": "You cannot deactivate yourself"}
    assert error_of(removed)["details"] == {"user_id": "You cannot remove yourself"}
    assert (await client.get("/api/v1/auth/me", headers=admin.headers)).status_code == 200


LAST_ADMIN = {
    "error": "invalid_state",
    "message": "This is the organization's last admin: make someone else admin first",
    "details": {},
}


async def test_the_last_admin_stays(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    assert org is not None
    platform = await given_user(database, None, "super_admin", super_admin=True)
    operator = bearer(await sign_in(client, platform.email, tenant=str(org.id)))
    path = f"{USERS}/{admin.user.id}"

    demoted = await client.patch(path, json={"role": "manager"}, headers=admin.headers)
    deactivated = await client.patch(path, json={"is_active": False}, headers=operator)
    removed = await client.delete(path, headers=operator)

    assert [r.status_code for r in (demoted, deactivated, removed)] == [409] * 3
    assert error_of(demoted) == error_of(deactivated) == error_of(removed) == LAST_ADMIN
    assert await memberships(database, admin.user.id) == {org.id: "admin"}
    assert (await stored_user(database, admin.user.id)).is_active is True
    assert (await client.get("/api/v1/auth/me", headers=admin.headers)).status_code == 200

    await given_user(database, org, "admin")
    assert (await client.patch(path, json={"role": "manager"}, headers=admin.headers)).json()[
        "role"
    ] == "manager"


async def test_deactivating_a_member_leaves_their_other_organization_alone(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Deactivation used to be account-wide (and refused when it would leave another
    organization adminless); now it is the membership's, so the other one is untouched."""
    admin = await signed_in_as(client, database, "admin")
    other = await given_organization(database, "Other Grill")
    their_admin = await signed_in_as(client, database, "admin", other)
    async with database.transaction() as session:
        session.add(
            Membership(
                user_id=their_admin.user.id,
                organization_id=admin.organization.id,  # type: ignore[union-attr]
                role="staff",
            )
        )

    response = await client.patch(
        f"{USERS}/{their_admin.user.id}", json={"is_active": False}, headers=admin.headers
    )

    assert response.status_code == 200
    assert (await stored_user(database, their_admin.user.id)).is_active is True
    assert (await client.get(USERS, headers=their_admin.headers)).status_code == 200


async def test_two_admins_demoting_each_other_leave_one_admin(
    client: httpx.AsyncClient, database: Database
) -> None:
    first = await signed_in_as(client, database, "admin")
    second = await signed_in_as(client, database, "admin", first.organization)

    answers = await asyncio.gather(
        client.patch(f"{USERS}/{second.user.id}", json={"role": "staff"}, headers=first.headers),
        client.patch(f"{USERS}/{first.user.id}", json={"role": "staff"}, headers=second.headers),
    )

    statuses = sorted(a.status_code for a in answers)
    # The loser was either already demoted when it signed in (403) or the last admin (409).
    assert statuses in ([200, 403], [200, 409])
    roles = [
        (await memberships(database, a.user.id))[first.organization.id]  # type: ignore[union-attr]
        for a in (first, second)
    ]
    assert sorted(roles) == ["admin", "staff"]


async def test_removing_a_user_keeps_the_account(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    staff = await signed_in_as(client, database, "staff", admin.organization)

    removed = await client.delete(f"{USERS}/{staff.user.id}", headers=admin.headers)
    again = await client.delete(f"{USERS}/{staff.user.id}", headers=admin.headers)
    read = await client.get(f"{USERS}/{staff.user.id}", headers=admin.headers)
    their_me = await client.get("/api/v1/auth/me", headers=staff.headers)

    assert removed.status_code == 204
    assert again.status_code == read.status_code == 404
    assert their_me.status_code == 401
    assert await memberships(database, staff.user.id) == {}
    assert (await stored_user(database, staff.user.id)).email == staff.user.email
