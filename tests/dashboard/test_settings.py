"""The settings pages over HTTP: who may open them, and what only a page shows once."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from maitred.identity.models import ApiKey
from maitred.kit.db import Database
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Membership
from tests.dashboard.given import form_token, signed_in_page
from tests.factories import given_organization, given_user

SECTIONS = (
    "/app/settings",
    "/app/settings/pricing",
    "/app/settings/availability",
    "/app/settings/menu",
    "/app/settings/notifications",
    "/app/settings/notifications/templates/booking_confirmation?channel=sms&language=es",
    "/app/settings/channels",
    "/app/settings/payments",
    "/app/settings/users",
    "/app/settings/api-keys",
    "/app/settings/webhooks",
)


async def test_an_admin_opens_every_section(client: httpx.AsyncClient, database: Database) -> None:
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    await signed_in_page(client, admin.email)

    for path in SECTIONS:
        answer = await client.get(path)
        assert answer.status_code == 200, (path, answer.text[-2000:])
        assert 'aria-label="Settings sections"' in answer.text


@pytest.mark.parametrize("path", SECTIONS)
async def test_staff_cannot_open_settings(
    client: httpx.AsyncClient, database: Database, path: str
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)

    answer = await client.get(path)

    assert answer.status_code == 403
    assert "Your role does not give access to this page." in answer.text


async def test_staff_cannot_change_the_allowed_origins_and_nothing_is_stored(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    token = form_token((await client.get("/app")).text)

    answer = await client.post(
        "/app/settings/embed", data={"csrf_token": token, "origins": "https://evil.example"}
    )

    assert answer.status_code == 403
    async with database.transaction() as session:
        stored = await tenancy_service.get(session, organization.id)
        assert stored is not None
        assert tenancy_service.settings_of(stored).booking_page.allowed_origins == []


async def test_a_manager_reads_settings_but_is_offered_no_organization_form(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    manager = await given_user(database, organization, "manager")
    await signed_in_page(client, manager.email)

    page = await client.get("/app/settings")
    keys = await client.get("/app/settings/api-keys")

    assert page.status_code == 200
    assert "Save organization" not in page.text
    assert 'href="/app/settings/api-keys"' not in page.text
    assert keys.status_code == 403


async def test_a_new_api_key_is_shown_once_and_works(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    await signed_in_page(client, admin.email)
    page = await client.get("/app/settings/api-keys")

    created = await client.post(
        "/app/settings/api-keys",
        data={"csrf_token": form_token(page.text), "name": "Website form"},
    )

    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    secret = created.text.split('id="new-key" readonly value="')[1].split('"')[0]
    later = await client.get("/app/settings/api-keys")
    assert "Website form" in later.text
    assert secret not in later.text
    client.cookies.clear()
    used = await client.get("/api/v1/customers", headers={"X-API-Key": secret})
    assert used.status_code == 200, used.text


async def test_an_admin_of_another_business_cannot_deactivate_a_member_or_revoke_a_key(
    client: httpx.AsyncClient, database: Database
) -> None:
    victim = await given_organization(database, "Victim Grill")
    chef = await given_user(database, victim, "staff")
    victim_admin = await given_user(database, victim, "admin")
    await signed_in_page(client, victim_admin.email)
    page = await client.get("/app/settings/api-keys")
    await client.post(
        "/app/settings/api-keys", data={"csrf_token": form_token(page.text), "name": "Victim key"}
    )
    async with database.transaction() as session:
        [key] = (
            await session.scalars(select(ApiKey).where(ApiKey.organization_id == victim.id))
        ).all()
    client.cookies.clear()
    attacker = await given_user(database, await given_organization(database, "Rival"), "admin")
    await signed_in_page(client, attacker.email)
    token = form_token((await client.get("/app/settings/users")).text)

    deactivated = await client.post(
        f"/app/settings/users/{chef.id}/deactivate", data={"csrf_token": token}
    )
    revoked = await client.post(
        f"/app/settings/api-keys/{key.id}/revoke", data={"csrf_token": token}
    )

    assert (deactivated.status_code, revoked.status_code) == (404, 404)
    async with database.transaction() as session:
        membership = await session.scalar(
            select(Membership).where(
                Membership.user_id == chef.id, Membership.organization_id == victim.id
            )
        )
        stored_key = await session.get(ApiKey, key.id)
    assert membership is not None
    assert membership.status == "active"
    assert stored_key is not None
    assert stored_key.revoked_at is None
