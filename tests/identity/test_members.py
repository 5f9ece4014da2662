"""Inviting members (seed issue "Invite members") and managing them under the organization."""

from __future__ import annotations

import uuid

import httpx

from maitred.identity.models import User
from maitred.kit.db import Database
from tests.factories import PASSWORD, given_organization, given_user, sign_in, signed_in_as
from tests.identity.mailbox import tokens_emailed_to
from tests.identity.test_users import memberships, users_count
from tests.probe_router import error_of

NEW_PASSWORD = "my own first passphrase"


def members(organization_id: object) -> str:
    return f"/api/v1/organizations/{organization_id}/members"


async def test_an_invited_user_sets_a_password_and_signs_in(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    assert org is not None

    response = await client.post(
        members(org.id),
        json={"email": "Invitee@Hibachi.example", "role": "staff"},
        headers=admin.headers,
    )
    [token] = await tokens_emailed_to(database, "invitee@hibachi.example")
    cannot_yet = await client.post(
        "/api/v1/auth/login", json={"email": "invitee@hibachi.example", "password": PASSWORD}
    )
    confirmed = await client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "new_password": NEW_PASSWORD}
    )
    signed = await sign_in(client, "invitee@hibachi.example", NEW_PASSWORD)

    assert response.status_code == 201, response.text
    body = response.json()
    assert token not in response.text
    assert (body["email"], body["role"], body["full_name"]) == (
        "invitee@hibachi.example",
        "staff",
        "",
    )
    assert body["organization_id"] == str(org.id)
    assert body["invitation_sent"] is True
    assert body["email_verified"] is False
    assert cannot_yet.status_code == 401
    assert confirmed.status_code == 200
    assert signed["user"]["id"] == body["id"]
    assert signed["user"]["role"] == "staff"
    assert signed["user"]["email_verified"] is True


async def test_post_users_without_password_also_invites(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")

    response = await client.post(
        "/api/v1/users",
        json={
            "email": "host@hibachi.example",
            "first_name": "Aiko",
            "last_name": "Mori",
            "role": "facilitator",
        },
        headers=admin.headers,
    )

    assert response.status_code == 201
    assert response.json()["full_name"] == "Aiko Mori"
    assert response.json()["invitation_sent"] is True
    assert len(await tokens_emailed_to(database, "host@hibachi.example")) == 1
    async with database.transaction() as session:
        user = await session.get(User, uuid.UUID(response.json()["id"]))
        assert user is not None
        assert user.password_hash is None


async def test_inviting_twice_conflicts(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    invite = {"email": "twice@hibachi.example", "role": "viewer"}

    first = await client.post(members(org.id), json=invite, headers=admin.headers)  # type: ignore[union-attr]
    second = await client.post(members(org.id), json=invite, headers=admin.headers)  # type: ignore[union-attr]

    assert first.status_code == 201
    assert second.status_code == 409
    assert error_of(second)["error"] == "already_exists"


async def test_members_of_another_organization_are_not_found(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    other = await given_organization(database, "Other Grill")
    outsider = await given_user(database, other, "staff")
    before = await users_count(database)

    responses = [
        await client.get(members(other.id), headers=admin.headers),
        await client.post(
            members(other.id),
            json={"email": "sneak@x.example", "role": "staff"},
            headers=admin.headers,
        ),
        await client.get(f"{members(other.id)}/{outsider.id}", headers=admin.headers),
        await client.patch(
            f"{members(other.id)}/{outsider.id}", json={"role": "viewer"}, headers=admin.headers
        ),
        await client.delete(f"{members(other.id)}/{outsider.id}", headers=admin.headers),
        await client.delete(
            f"{members(admin.organization.id)}/{outsider.id}",  # type: ignore[union-attr]
            headers=admin.headers,
        ),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    assert error_of(responses[1])["message"] == "No such organization"
    assert await users_count(database) == before
    assert await memberships(database, outsider.id) == {other.id: "staff"}


async def test_members_need_signing_in_and_the_users_permissions(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)
    manager = await signed_in_as(client, database, "manager", org)
    staff = await signed_in_as(client, database, "staff", org)
    invite = {"email": "nope@hibachi.example", "role": "viewer"}
    before = await users_count(database)

    anonymous = await client.post(members(org.id), json=invite)
    by_manager = await client.post(members(org.id), json=invite, headers=manager.headers)
    patched = await client.patch(
        f"{members(org.id)}/{staff.user.id}", json={"role": "viewer"}, headers=manager.headers
    )
    removed = await client.delete(f"{members(org.id)}/{staff.user.id}", headers=manager.headers)
    listed_by_staff = await client.get(members(org.id), headers=staff.headers)
    listed_by_manager = await client.get(members(org.id), headers=manager.headers)

    assert anonymous.status_code == 401
    assert [r.status_code for r in (by_manager, patched, removed, listed_by_staff)] == [403] * 4
    assert await users_count(database) == before
    assert await memberships(database, staff.user.id) == {org.id: "staff"}
    assert listed_by_manager.status_code == 200
    assert sorted(m["role"] for m in listed_by_manager.json()["items"]) == ["manager", "staff"]


async def test_members_are_changed_and_removed_like_users(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    assert org is not None
    staff = await given_user(database, org, "staff")

    read = await client.get(f"{members(org.id)}/{staff.id}", headers=admin.headers)
    promoted = await client.patch(
        f"{members(org.id)}/{staff.id}", json={"role": "manager"}, headers=admin.headers
    )
    last_admin = await client.delete(f"{members(org.id)}/{admin.user.id}", headers=admin.headers)
    removed = await client.delete(f"{members(org.id)}/{staff.id}", headers=admin.headers)
    listed = await client.get(members(org.id), headers=admin.headers)

    assert read.json()["role"] == "staff"
    assert promoted.json()["role"] == "manager"
    assert last_admin.status_code == 422  # removing oneself
    assert removed.status_code == 204
    assert [m["id"] for m in listed.json()["items"]] == [str(admin.user.id)]
    assert listed.json()["pagination"]["total_items"] == 1


async def test_the_audit_log_names_member_changes_without_personal_data(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, "admin")
    org = admin.organization
    assert org is not None

    invited = await client.post(
        members(org.id),
        json={"email": "audited@hibachi.example", "role": "staff"},
        headers=admin.headers,
    )
    member = f"{members(org.id)}/{invited.json()['id']}"
    # The phone is the account holder's now (PATCH /auth/me); the organization changes the
    # membership: its role and whether it is active.
    await client.patch(member, json={"role": "viewer", "is_active": False}, headers=admin.headers)
    await client.delete(member, headers=admin.headers)
    log = await client.get("/api/v1/audit-logs", params={"action": "user.*"}, headers=admin.headers)

    entries = [(e["action"], e["changes"]) for e in reversed(log.json()["items"])]
    assert entries == [
        ("user.created", {"fields": ["email", "role"], "role": "staff", "new_account": True}),
        ("user.invited", {"fields": ["email", "role"], "role": "staff"}),
        (
            "user.updated",
            {"fields": ["is_active", "role"], "role": "viewer", "is_active": False},
        ),
        ("user.removed", {"fields": []}),
    ]
    assert "audited@" not in log.text
