"""Issue 17, item 1: one organization's admin must not take over another organization's people.

The probe's attack: A's admin "adds" B's user by email through POST /users (or the members
route), then renames them, changes their phone, deactivates them (which ended their sessions and
API keys in B) or deletes them; B's second admin could be locked out the same way. Each step is
replayed here; each must fail (or touch only A's own membership) and leave B's user as it was:
profile, account, membership in B, a live B session and a working B API key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from maitred.identity.models import User
from maitred.kit.db import Database
from maitred.tenancy.models import Membership, Organization
from tests.factories import (
    PASSWORD,
    Actor,
    bearer,
    given_organization,
    sign_in,
    signed_in_as,
)
from tests.identity.mailbox import emails_to
from tests.probe_router import error_of

USERS = "/api/v1/users"
INVITATIONS = "/api/v1/auth/invitations"


def members(organization: Organization | None) -> str:
    assert organization is not None
    return f"/api/v1/organizations/{organization.id}/members"


@dataclass
class Victim:
    """B's second admin, signed in to B, with an API key of B."""

    actor: Actor
    api_key: str

    @property
    def id(self) -> uuid.UUID:
        return self.actor.user.id


@dataclass
class World:
    a_admin: Actor
    b_admin: Actor
    victim: Victim

    @property
    def a(self) -> Organization:
        assert self.a_admin.organization is not None
        return self.a_admin.organization

    @property
    def b(self) -> Organization:
        assert self.b_admin.organization is not None
        return self.b_admin.organization


async def two_organizations(client: httpx.AsyncClient, database: Database) -> World:
    a_admin = await signed_in_as(client, database, "admin", await given_organization(database, "A"))
    b_admin = await signed_in_as(client, database, "admin", await given_organization(database, "B"))
    second = await signed_in_as(client, database, "admin", b_admin.organization)
    phone = await client.patch(
        "/api/v1/auth/me",
        json={"full_name": "Bea Second", "phone": "+19165550111"},
        headers=second.headers,
    )
    assert phone.status_code == 200, phone.text
    key = await client.post("/api/v1/api-keys", json={"name": "B's POS"}, headers=second.headers)
    assert key.status_code == 201, key.text
    return World(a_admin, b_admin, Victim(second, key.json()["key"]))


async def snapshot(database: Database, user_id: uuid.UUID) -> dict[str, Any]:
    """Everything about the account an attack could change."""
    async with database.transaction() as session:
        user = await session.get(User, user_id)
        assert user is not None
        rows = await session.scalars(select(Membership).where(Membership.user_id == user_id))
        return {
            "profile": (user.full_name, user.first_name, user.last_name, user.phone, user.email),
            "account": (user.is_active, user.token_version, user.password_hash),
            "memberships": {m.organization_id: (m.role, m.status) for m in rows},
        }


async def assert_b_untouched(
    client: httpx.AsyncClient, database: Database, world: World, before: dict[str, Any]
) -> None:
    after = await snapshot(database, world.victim.id)
    assert after["profile"] == before["profile"]
    assert after["account"] == before["account"]
    assert after["memberships"][world.b.id] == before["memberships"][world.b.id]
    assert after["memberships"][world.b.id] == ("admin", "active")
    me = await client.get("/api/v1/auth/me", headers=world.victim.actor.headers)
    assert (me.status_code, me.json()["organization_id"]) == (200, str(world.b.id))
    by_key = await client.get(USERS, headers={"X-API-Key": world.victim.api_key})
    assert by_key.status_code == 200
    refreshed = await client.post(
        "/api/v1/auth/refresh", json={"refresh_token": world.victim.actor.tokens["refresh_token"]}
    )
    assert refreshed.status_code == 200
    world.victim.actor.tokens = refreshed.json()


async def test_adding_another_organizations_user_only_invites_them(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    before = await snapshot(database, world.victim.id)

    added = await client.post(
        USERS,
        json={
            "email": world.victim.actor.user.email,
            "role": "admin",
            "full_name": "Hijacked",
            "phone": "+19165550999",
        },
        headers=world.a_admin.headers,
    )
    listed = await client.get(USERS, headers=world.a_admin.headers)
    read = await client.get(f"{USERS}/{world.victim.id}", headers=world.a_admin.headers)
    by_name = await client.get(USERS, params={"search": "Bea"}, headers=world.a_admin.headers)

    assert added.status_code == 201
    shown = added.json()
    assert (shown["status"], shown["role"], shown["is_active"]) == ("invited", "admin", False)
    assert (shown["full_name"], shown["phone"], shown["permissions"]) == ("", None, [])
    # A sees that an invitation is pending (the email it typed, the role), not the profile.
    pending = [u for u in listed.json()["items"] if u["id"] == str(world.victim.id)]
    assert [(u["email"], u["role"], u["status"], u["full_name"]) for u in pending] == [
        (world.victim.actor.user.email, "admin", "invited", "")
    ]
    assert read.json()["full_name"] == ""
    assert read.json()["phone"] is None
    assert "Bea Second" not in listed.text + read.text + by_name.text
    assert "5550111" not in listed.text + read.text
    assert by_name.json()["items"] == []
    # The invitation grants nothing: not at sign-in, not with X-Tenant-ID, not in the lists.
    into_a = {**world.victim.actor.headers, "X-Tenant-ID": str(world.a.id)}
    assert (await client.get(USERS, headers=into_a)).status_code == 404
    login_a = await client.post(
        "/api/v1/auth/login",
        json={"email": world.victim.actor.user.email, "password": PASSWORD},
        headers={"X-Tenant-ID": str(world.a.id)},
    )
    assert login_a.status_code == 404
    organizations = await client.get("/api/v1/organizations", headers=world.victim.actor.headers)
    assert [o["id"] for o in organizations.json()["items"]] == [str(world.b.id)]
    after = await snapshot(database, world.victim.id)
    assert after["memberships"][world.a.id] == ("admin", "invited")
    # The holder is told, by a message with nothing in it that acts on their behalf.
    [(subject, text)] = await emails_to(database, world.victim.actor.user.email)
    assert subject == f"{world.a.name} invited you to join as admin"
    assert "/api/v1/auth/invitations" in text
    assert "token" not in text
    await assert_b_untouched(client, database, world, before)


async def test_the_members_route_only_invites_too(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    before = await snapshot(database, world.b_admin.user.id)

    added = await client.post(
        members(world.a_admin.organization),
        json={"email": world.b_admin.user.email, "role": "admin"},
        headers=world.a_admin.headers,
    )

    assert added.status_code == 201
    assert (added.json()["status"], added.json()["full_name"]) == ("invited", "")
    after = await snapshot(database, world.b_admin.user.id)
    assert after["profile"] == before["profile"]
    assert after["memberships"] == {
        world.b.id: ("admin", "active"),
        world.a.id: ("admin", "invited"),
    }
    assert (await client.get(USERS, headers=world.b_admin.headers)).status_code == 200


async def test_an_invitation_cannot_be_renamed_rephoned_or_deactivated(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    before = await snapshot(database, world.victim.id)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "staff", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    path = f"{USERS}/{world.victim.id}"
    member_path = f"{members(world.a_admin.organization)}/{world.victim.id}"

    attempts = [
        await client.patch(path, json={"full_name": "Hijacked"}, headers=world.a_admin.headers),
        await client.put(path, json={"first_name": "Hi"}, headers=world.a_admin.headers),
        await client.patch(path, json={"phone": "916-555-0999"}, headers=world.a_admin.headers),
        await client.patch(path, json={"is_active": False}, headers=world.a_admin.headers),
        await client.patch(member_path, json={"full_name": "X"}, headers=world.a_admin.headers),
        await client.patch(member_path, json={"is_active": False}, headers=world.a_admin.headers),
    ]

    assert [r.status_code for r in attempts] == [409] * 6
    assert error_of(attempts[0])["message"] == (
        "The invitation is still pending: change its role, or delete it to withdraw it"
    )
    await assert_b_untouched(client, database, world, before)


async def test_deleting_an_invitation_withdraws_it_and_nothing_else(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    before = await snapshot(database, world.victim.id)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "staff", "full_name": "X"},
        headers=world.a_admin.headers,
    )

    deleted = await client.delete(f"{USERS}/{world.victim.id}", headers=world.a_admin.headers)

    assert deleted.status_code == 204
    after = await snapshot(database, world.victim.id)
    assert after["memberships"] == {world.b.id: ("admin", "active")}
    await assert_b_untouched(client, database, world, before)
    invitations = await client.get(INVITATIONS, headers=world.victim.actor.headers)
    assert invitations.json()["items"] == []


async def test_b_users_are_still_not_found_by_id_from_a(
    client: httpx.AsyncClient, database: Database
) -> None:
    """Without any invitation, A reaches nothing of B's user by id."""
    world = await two_organizations(client, database)
    before = await snapshot(database, world.victim.id)
    path = f"{USERS}/{world.victim.id}"

    attempts = [
        await client.get(path, headers=world.a_admin.headers),
        await client.patch(path, json={"full_name": "Hijacked"}, headers=world.a_admin.headers),
        await client.patch(path, json={"is_active": False}, headers=world.a_admin.headers),
        await client.delete(path, headers=world.a_admin.headers),
    ]

    assert [r.status_code for r in attempts] == [404] * 4
    await assert_b_untouched(client, database, world, before)


async def test_only_the_invited_account_holder_answers_an_invitation(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "manager", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    theirs = (await client.get(INVITATIONS, headers=world.victim.actor.headers)).json()["items"]
    invitation = theirs[0]["id"]

    by_inviter = await client.post(
        f"{INVITATIONS}/{invitation}/accept", headers=world.a_admin.headers
    )
    by_b_admin = await client.post(
        f"{INVITATIONS}/{invitation}/accept", headers=world.b_admin.headers
    )
    by_key = await client.post(
        f"{INVITATIONS}/{invitation}/accept", headers={"X-API-Key": world.victim.api_key}
    )
    anonymous = await client.post(f"{INVITATIONS}/{invitation}/accept")

    assert [(i["organization_id"], i["role"]) for i in theirs] == [(str(world.a.id), "manager")]
    assert by_inviter.status_code == by_b_admin.status_code == 404
    assert by_key.status_code == 403
    assert anonymous.status_code == 401
    after = await snapshot(database, world.victim.id)
    assert after["memberships"][world.a.id] == ("manager", "invited")


async def test_the_holder_accepts_and_works_in_both_organizations(
    client: httpx.AsyncClient, database: Database
) -> None:
    world = await two_organizations(client, database)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "staff", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    invitation = (await client.get(INVITATIONS, headers=world.victim.actor.headers)).json()[
        "items"
    ][0]

    accepted = await client.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=world.victim.actor.headers
    )
    into_a = {**world.victim.actor.headers, "X-Tenant-ID": str(world.a.id)}
    in_a = await client.get("/api/v1/auth/me", headers=into_a)
    # Now in two organizations: signing in still works; the token carries the chosen one.
    plain = await sign_in(client, world.victim.actor.user.email)
    chosen = await sign_in(client, world.victim.actor.user.email, tenant=str(world.a.id))
    seen_by_a = await client.get(f"{USERS}/{world.victim.id}", headers=world.a_admin.headers)

    assert accepted.status_code == 200
    assert (accepted.json()["organization_id"], accepted.json()["role"]) == (
        str(world.a.id),
        "staff",
    )
    assert (in_a.status_code, in_a.json()["role"]) == (200, "staff")
    assert (plain["user"]["organization_id"], plain["user"]["role"]) == (None, None)
    assert (await client.get(USERS, headers=bearer(plain))).status_code == 400
    assert (chosen["user"]["organization_id"], chosen["user"]["role"]) == (
        str(world.a.id),
        "staff",
    )
    assert (seen_by_a.json()["status"], seen_by_a.json()["full_name"]) == ("active", "Bea Second")


async def test_a_declined_invitation_is_gone(client: httpx.AsyncClient, database: Database) -> None:
    world = await two_organizations(client, database)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "staff", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    invitation = (await client.get(INVITATIONS, headers=world.victim.actor.headers)).json()[
        "items"
    ][0]

    declined = await client.post(
        f"{INVITATIONS}/{invitation['id']}/decline", headers=world.victim.actor.headers
    )
    again = await client.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=world.victim.actor.headers
    )

    assert declined.status_code == 204
    assert again.status_code == 404
    assert world.a.id not in (await snapshot(database, world.victim.id))["memberships"]
    assert (
        await client.get(f"{USERS}/{world.victim.id}", headers=world.a_admin.headers)
    ).status_code == 404


async def test_after_accepting_a_still_cannot_rename_and_deactivating_ends_only_a(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The member works in A too; A's admin changes A's membership, nothing of B's."""
    world = await two_organizations(client, database)
    await client.post(
        USERS,
        json={"email": world.victim.actor.user.email, "role": "admin", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    invitation = (await client.get(INVITATIONS, headers=world.victim.actor.headers)).json()[
        "items"
    ][0]
    await client.post(
        f"{INVITATIONS}/{invitation['id']}/accept", headers=world.victim.actor.headers
    )
    in_a = Actor(
        world.victim.actor.user,
        world.a,
        await sign_in(client, world.victim.actor.user.email, tenant=str(world.a.id)),
    )
    a_key = await client.post("/api/v1/api-keys", json={"name": "A's POS"}, headers=in_a.headers)
    assert a_key.status_code == 201
    before = await snapshot(database, world.victim.id)
    path = f"{USERS}/{world.victim.id}"

    renamed = await client.patch(
        path, json={"full_name": "Hijacked"}, headers=world.a_admin.headers
    )
    rephoned = await client.patch(
        path, json={"phone": "916-555-0999"}, headers=world.a_admin.headers
    )
    deactivated = await client.patch(path, json={"is_active": False}, headers=world.a_admin.headers)

    assert renamed.status_code == rephoned.status_code == 403
    assert deactivated.status_code == 200
    assert (deactivated.json()["status"], deactivated.json()["is_active"]) == ("deactivated", False)
    # A's access ends at once: the A session, the A key, X-Tenant-ID A with the B session.
    assert (await client.get("/api/v1/auth/me", headers=in_a.headers)).status_code == 401
    assert (await client.get(USERS, headers={"X-API-Key": a_key.json()["key"]})).status_code == 401
    into_a = {**world.victim.actor.headers, "X-Tenant-ID": str(world.a.id)}
    assert (await client.get(USERS, headers=into_a)).status_code == 404
    after = await snapshot(database, world.victim.id)
    assert after["memberships"][world.a.id] == ("admin", "deactivated")
    await assert_b_untouched(client, database, world, before)

    removed = await client.delete(path, headers=world.a_admin.headers)

    assert removed.status_code == 204
    assert world.a.id not in (await snapshot(database, world.victim.id))["memberships"]
    await assert_b_untouched(client, database, world, before)


async def test_an_admin_of_both_cannot_be_shut_out_of_b_through_a(
    client: httpx.AsyncClient, database: Database
) -> None:
    """B's only other admin joined A (accepted); A removing them ends nothing in B, and B
    keeps its admins."""
    world = await two_organizations(client, database)
    await client.post(
        USERS,
        json={"email": world.b_admin.user.email, "role": "staff", "full_name": "X"},
        headers=world.a_admin.headers,
    )
    invitation = (await client.get(INVITATIONS, headers=world.b_admin.headers)).json()["items"][0]
    await client.post(f"{INVITATIONS}/{invitation['id']}/accept", headers=world.b_admin.headers)
    before = await snapshot(database, world.b_admin.user.id)

    await client.patch(
        f"{USERS}/{world.b_admin.user.id}", json={"is_active": False}, headers=world.a_admin.headers
    )
    await client.delete(f"{USERS}/{world.b_admin.user.id}", headers=world.a_admin.headers)

    after = await snapshot(database, world.b_admin.user.id)
    assert after["profile"] == before["profile"]
    assert after["account"] == before["account"]
    assert after["memberships"] == {world.b.id: ("admin", "active")}
    b_users = await client.get(USERS, headers=world.b_admin.headers)
    assert b_users.status_code == 200
    assert {u["role"] for u in b_users.json()["items"] if u["is_active"]} == {"admin"}
