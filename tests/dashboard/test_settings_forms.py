"""The settings forms added last, over HTTP as a browser posts them: deleting a menu item,
resetting a template to its default wording, an API key's scopes, and editing a webhook
subscription; each checked in the database, and a refusal changes nothing."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select

from maitred.identity.models import ApiKey
from maitred.kit.db import Database
from maitred.menu import service as menu_service
from maitred.menu.models import MenuItem
from maitred.notifications.models import NotificationTemplate
from maitred.tenancy.models import Organization
from maitred.webhooks.models import WebhookSubscription
from tests.dashboard.given import form_token, signed_in_page
from tests.factories import given_organization, given_user

BASE = "/app/settings"


async def _admin(client: httpx.AsyncClient, database: Database) -> tuple[Organization, str]:
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    await signed_in_page(client, admin.email)
    return organization, form_token((await client.get(BASE)).text)


async def test_an_admin_deletes_a_menu_item_and_keeps_the_others(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization, token = await _admin(client, database)
    async with database.transaction() as session:
        kept = await menu_service.create_item(
            session,
            organization_id=organization.id,
            name="Chicken",
            price=Decimal(12),
        )
        gone = await menu_service.create_item(
            session,
            organization_id=organization.id,
            name="Lobster",
            price=Decimal(30),
        )
    menu = await client.get(f"{BASE}/menu")
    assert "Delete Lobster" in menu.text

    answer = await client.post(f"{BASE}/menu/items/{gone['id']}/delete", data={"csrf_token": token})

    assert answer.status_code == 303
    assert "Menu item deleted." in (await client.get(answer.headers["location"])).text
    async with database.transaction() as session:
        names = (await session.scalars(select(MenuItem.name))).all()
    assert names == ["Chicken"]
    assert kept["id"]


async def test_staff_cannot_delete_a_menu_item(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    async with database.transaction() as session:
        item = await menu_service.create_item(
            session,
            organization_id=organization.id,
            name="Lobster",
            price=Decimal(30),
        )
    staff = await given_user(database, organization, "staff")
    await signed_in_page(client, staff.email)
    token = form_token((await client.get("/app")).text)

    answer = await client.post(f"{BASE}/menu/items/{item['id']}/delete", data={"csrf_token": token})

    assert answer.status_code == 403
    async with database.transaction() as session:
        assert (await session.scalars(select(MenuItem.name))).all() == ["Lobster"]


async def test_an_admin_resets_a_template_to_its_default_wording(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, token = await _admin(client, database)
    editor = f"{BASE}/notifications/templates/booking_confirmation"
    default = await client.get(f"{editor}?channel=sms&language=en")
    assert "Reset to the default wording" not in default.text
    saved = await client.post(
        editor,
        data={
            "csrf_token": token,
            "channel": "sms",
            "language": "en",
            "body_text": "See you soon, {{ customer_name }}!",
        },
    )
    assert saved.status_code == 303, saved.text[-2000:]
    assert "Reset to the default wording" in (await client.get(saved.headers["location"])).text

    answer = await client.post(
        f"{editor}/reset", data={"csrf_token": token, "channel": "sms", "language": "en"}
    )

    assert answer.status_code == 303
    page = await client.get(answer.headers["location"])
    assert "Template back to its default wording." in page.text
    assert "See you soon" not in page.text
    async with database.transaction() as session:
        assert (await session.scalars(select(NotificationTemplate))).all() == []


async def test_an_api_key_gets_only_the_scopes_ticked_and_none_is_refused(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, token = await _admin(client, database)
    keys = f"{BASE}/api-keys"
    assert 'value="bookings:read"' in (await client.get(keys)).text

    none = await client.post(
        keys, data={"csrf_token": token, "name": "Nothing", "access": "chosen"}
    )
    chosen = await client.post(
        keys,
        data={
            "csrf_token": token,
            "name": "Website form",
            "access": "chosen",
            "scopes": ["bookings:read", "menu:read"],
        },
    )
    beyond = await client.post(
        keys,
        data={"csrf_token": token, "name": "Too much", "access": "chosen", "scopes": ["nope:x"]},
    )

    assert none.status_code == 422
    assert "Give the key at least one scope" in none.text
    assert chosen.status_code == 200
    assert "bookings:read, menu:read" in chosen.text
    assert beyond.status_code == 422
    async with database.transaction() as session:
        stored = (await session.scalars(select(ApiKey))).all()
    assert [(k.name, k.scopes) for k in stored] == [
        ("Website form", ["bookings:read", "menu:read"])
    ]


async def test_an_admin_edits_a_webhook_subscription_and_a_bad_url_changes_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    _, token = await _admin(client, database)
    made = await client.post(
        f"{BASE}/webhooks",
        data={
            "csrf_token": token,
            "url": "https://hooks.grill.example/a",
            "event_booking.created": "on",
        },
    )
    assert made.status_code == 200, made.text[-2000:]
    async with database.transaction() as session:
        [subscription] = (await session.scalars(select(WebhookSubscription))).all()
    edit = f"{BASE}/webhooks/{subscription.id}/edit"

    bad = await client.post(
        edit, data={"csrf_token": token, "url": "not a url", "event_booking.created": "on"}
    )
    answer = await client.post(
        edit,
        data={
            "csrf_token": token,
            "url": "https://hooks.grill.example/b",
            "description": "Kitchen display",
            "event_booking.rescheduled": "on",
        },
    )

    assert bad.status_code == 422
    assert answer.status_code == 303, answer.text[answer.text.find('role="alert"') :][:500]
    assert "Subscription saved." in (await client.get(answer.headers["location"])).text
    async with database.transaction() as session:
        [saved] = (await session.scalars(select(WebhookSubscription))).all()
    assert (saved.url, saved.events, saved.description, saved.active) == (
        "https://hooks.grill.example/b",
        ["booking.rescheduled"],
        "Kitchen display",
        False,
    )
