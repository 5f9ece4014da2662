"""Settings in a real browser: an admin does each section's main task through the page, and
the result is checked in the database. At a desk's width, pricing also at a phone's."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import select, update

from maitred.ai import ai_settings
from maitred.availability import teams as teams_service
from maitred.identity.models import ApiKey
from maitred.kit.db import Database
from maitred.kit.pagination import PageParams
from maitred.menu import service as menu_service
from maitred.messaging import channels as channels_service
from maitred.notifications import templates as templates_service
from maitred.payments import accounts
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Membership, Organization
from maitred.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.dashboard.test_browser_sign_in import sign_in_through_page
from tests.factories import given_organization, given_user

pytestmark = pytest.mark.browser
DESK = pytest.mark.parametrize("width", ["desk"])
PHONE = pytest.mark.parametrize("width", ["phone"])


async def _admin_on(page: Any, database: Database, section: str) -> Organization:
    """A new business whose admin has signed in and opened `section` of Settings."""
    organization = await given_organization(database)
    admin = await given_user(database, organization, "admin")
    await sign_in_through_page(page, admin.email)
    await page.get_by_role("link", name="Settings").click()
    await (
        page.get_by_role("navigation", name="Settings sections")
        .get_by_role("link", name=section)
        .click()
    )
    await page.get_by_role("heading", level=2, name=section).wait_for()
    return organization


async def _stored(database: Database, organization: Organization) -> Organization:
    async with database.transaction() as session:
        stored = await tenancy_service.get(session, organization.id)
    assert stored is not None
    return stored


async def _saved(page: Any, notice: str) -> None:
    await page.get_by_role("status").filter(has_text=notice).wait_for()


@PHONE
async def test_an_admin_sets_the_price_per_adult_and_previews_a_quote(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Pricing")
    await accessible(page)

    await page.get_by_label("Price per adult").fill("55")
    await page.get_by_label("Deposit percent (%)").fill("25")
    await page.get_by_role("button", name="Save pricing").click()
    await _saved(page, "Pricing saved.")
    await page.get_by_label("Guests").fill("10")
    await page.get_by_role("button", name="Preview").click()

    await page.locator("#preview-total").filter(has_text="$550.00").wait_for()
    assert await page.locator("#preview-deposit").inner_text() == "$137.50"
    await accessible(page)
    pricing = tenancy_service.settings_of(await _stored(database, organization)).pricing
    assert (pricing.price_per_adult, pricing.deposit_percent) == (Decimal(55), Decimal("0.25"))


@DESK
async def test_an_admin_renames_the_business_and_allows_a_site_to_embed_its_page(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Organization")
    await accessible(page)

    await page.get_by_label("Name", exact=True).fill("Grill at Home")
    await page.get_by_label("Time zone", exact=False).fill("Europe/Madrid")
    await page.get_by_label("Language of messages to customers").select_option("es-ES")
    await page.get_by_role("button", name="Save organization").click()
    await _saved(page, "Organization saved.")
    await page.get_by_label("Allowed origins", exact=False).fill(
        "https://www.grill.example\nnot an origin"
    )
    await page.get_by_role("button", name="Save allowed origins").click()
    await page.get_by_role("alert").filter(has_text="not an origin").wait_for()
    await page.get_by_label("Allowed origins", exact=False).fill("https://WWW.grill.example/")
    await page.get_by_role("button", name="Save allowed origins").click()
    await _saved(page, "Allowed origins saved.")

    await accessible(page)
    stored = await _stored(database, organization)
    assert (stored.name, stored.timezone, stored.locale) == (
        "Grill at Home",
        "Europe/Madrid",
        "es-ES",
    )
    embed = tenancy_service.settings_of(stored).booking_page
    assert embed.allowed_origins == ["https://www.grill.example"]


@DESK
async def test_an_admin_closes_sundays_adds_a_blackout_date_and_a_team(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Availability and teams")
    await accessible(page)

    closed = page.get_by_role("group", name="Closed on")
    await closed.get_by_label("Sunday").check()
    await page.get_by_label("Blackout dates", exact=False).fill("2027-12-25")
    await page.get_by_role("button", name="Save availability").click()
    await _saved(page, "Availability saved.")
    await page.get_by_label("Team name").fill("Team Sacramento")
    await page.get_by_role("button", name="Add team").click()
    await _saved(page, "Chef team added.")
    await page.get_by_label("Team Sacramento off from").fill("2027-08-02")
    await page.get_by_label("Team Sacramento off until").fill("2027-08-09")
    await page.get_by_role("button", name="Add time off for Team Sacramento").click()
    await _saved(page, "Time off added.")

    await accessible(page)
    rules = tenancy_service.settings_of(await _stored(database, organization)).availability
    assert rules.closed_weekdays == [1, 7]
    assert [str(day) for day in rules.blackout_dates] == ["2027-12-25"]
    async with database.transaction() as session:
        teams, _ = await teams_service.list_teams(
            session,
            organization_id=organization.id,
            params=PageParams(page=1, limit=50),
            is_active=None,
        )
    assert [(t["name"], t["working_weekdays"], t["time_off"]) for t in teams] == [
        (
            "Team Sacramento",
            [2, 3, 4, 5, 6, 7],
            [{"date_from": "2027-08-02", "date_to": "2027-08-09", "reason": ""}],
        )
    ]


@DESK
async def test_an_admin_adds_a_menu_item_with_tags_and_a_photo(
    browser_page: Any, database: Database, accessible: Any, tmp_path: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Menu")
    photo = tmp_path / "lobster.png"
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())

    await page.get_by_label("Item name").fill("Lobster tail")
    await page.get_by_label("Item price").fill("15")
    await page.get_by_label("Item tags", exact=False).fill("Shellfish, gluten free")
    await page.get_by_role("button", name="Add item").click()
    await _saved(page, "Menu item added.")
    await page.get_by_label("Photo of Lobster tail").set_input_files(str(photo))
    await page.get_by_role("button", name="Upload photo").click()
    await _saved(page, "Photo saved.")

    await page.get_by_role("img", name="Photo of Lobster tail").wait_for()
    await accessible(page)
    async with database.transaction() as session:
        items, _ = await menu_service.list_items(
            session, organization_id=organization.id, params=PageParams(page=1, limit=50)
        )
    [item] = items
    assert (item["name"], item["price"], item["dietary_tags"]) == (
        "Lobster tail",
        Decimal(15),
        ["shellfish", "gluten free"],
    )
    assert item["photo_url"] is not None


@DESK
async def test_an_admin_previews_and_saves_a_spanish_text_message(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Notifications")
    await page.get_by_label("Remind the customer 2 hours before").uncheck()
    await page.get_by_role("button", name="Save notifications").click()
    await _saved(page, "Notifications saved.")
    await page.get_by_role("link", name="Edit Booking confirmation, sms, es").click()
    await accessible(page)

    text = "Hola {{ customer_name }}, reservado."
    await page.get_by_label("Text").fill(text + " {{ nope")
    await page.get_by_role("button", name="Preview").click()
    await page.locator("#template-preview .error").wait_for()
    await page.get_by_label("Text").fill(text)
    await page.get_by_role("button", name="Preview").click()
    shown = page.locator("#preview-text")
    await shown.filter(has_text="reservado.").wait_for()
    assert "{{" not in await shown.inner_text()
    await page.get_by_role("button", name="Save template").click()
    await _saved(page, "Template saved.")

    await accessible(page)
    notifications = tenancy_service.settings_of(await _stored(database, organization))
    assert notifications.notifications.reminder_2h is False
    assert notifications.notifications.reminder_48h is True
    async with database.transaction() as session:
        saved = await templates_service.get_template(
            session, organization.id, "booking_confirmation", channel="sms", language="es"
        )
    assert (saved["customized"], saved["body_text"]) == (True, text)


@DESK
async def test_an_admin_sends_texts_through_twilio_and_lets_the_assistant_answer_on_whatsapp(
    browser_page: Any, database: Database, accessible: Any, settings: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Channels")
    await accessible(page)

    twilio = page.locator("details", has_text="Use twilio for sms")
    await twilio.get_by_text("Use twilio for sms").click()
    await twilio.get_by_label("Account sid (required)").fill("AC0123456789abcdef0123456789abcdef")
    await twilio.get_by_label("From number (required)").fill("+19165550123")
    await twilio.get_by_role("button", name="Save twilio for sms").click()
    await page.get_by_role("alert").filter(has_text="Required by twilio").wait_for()
    await twilio.get_by_text("Use twilio for sms").click()
    await twilio.get_by_label("Account sid (required)").fill("AC0123456789abcdef0123456789abcdef")
    await twilio.get_by_label("From number (required)").fill("+19165550123")
    await twilio.get_by_label("Auth token", exact=False).fill("twilio-secret-token")
    await twilio.get_by_role("button", name="Save twilio for sms").click()
    await _saved(page, "Channel saved.")
    assert "twilio-secret-token" not in await page.content()

    await page.get_by_label("Assistant on whatsapp").select_option("auto")
    await page.get_by_label("Assistant on sms").select_option("off")
    await page.get_by_role("button", name="Save assistant modes").click()
    await _saved(page, "Assistant modes saved.")

    async with database.transaction() as session:
        modes = ai_settings.read(await ai_settings.row_of(session, organization.id))
        channels = await channels_service.list_channels(
            session, organization_id=organization.id, settings=settings
        )
    [sms] = [channel for channel in channels if channel["channel"] == "sms"]
    assert (sms["provider"], sms["source"], sms["credentials_set"]) == (
        "twilio",
        "organization",
        True,
    )
    assert sms["options"]["from_number"] == "+19165550123"
    assert modes["channel_modes"] | {} == {
        "web": "auto",
        "sms": "off",
        "whatsapp": "auto",
        "telegram": "draft",
    }


@DESK
async def test_an_admin_gives_the_business_its_own_stripe_keys(
    browser_page: Any, database: Database, accessible: Any, settings: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Payments")
    await accessible(page)

    await page.get_by_label("Stripe secret key").fill("sk_test_the_business_own_key_1234")
    await page.get_by_label("Stripe webhook secret", exact=False).fill("whsec_own")
    await page.get_by_role("button", name="Save Stripe keys").click()
    await _saved(page, "Stripe keys saved.")

    assert "this business's own account" in await page.locator("#provider-source").inner_text()
    assert "sk_test_the_business_own_key_1234" not in await page.content()
    async with database.transaction() as session:
        described = await accounts.describe(session, organization.id, settings)
    assert (described["source"], described["webhook_secret_set"]) == ("organization", True)


@DESK
async def test_an_admin_invites_someone_changes_a_role_and_deactivates_a_member(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await given_organization(database)
    chef = await given_user(database, organization, "staff", full_name="Chef Kenji")
    admin = await given_user(database, organization, "admin")
    await sign_in_through_page(page, admin.email)
    await page.goto("/app/settings/users")
    await accessible(page)

    await page.get_by_label("Email").fill("new.manager@example.com")
    await page.get_by_label("Role", exact=True).select_option("manager")
    await page.get_by_role("button", name="Invite").click()
    await _saved(page, "Invitation sent.")
    await page.get_by_label("Role of Chef Kenji").select_option("viewer")
    await page.get_by_role("button", name="Change role of Chef Kenji").click()
    await _saved(page, "Role changed.")
    await page.get_by_role("button", name="Deactivate Chef Kenji").click()
    await _saved(page, "Member deactivated.")

    await accessible(page)
    async with database.transaction() as session:
        rows = (
            await session.scalars(
                select(Membership).where(Membership.organization_id == organization.id)
            )
        ).all()
    by_user = {row.user_id: (row.role, row.status) for row in rows}
    assert by_user[chef.id] == ("viewer", "deactivated")
    assert sorted(by_user.values()) == [
        ("admin", "active"),
        ("manager", "active"),  # a new account joins at once, with a link to set its password
        ("viewer", "deactivated"),
    ]


@DESK
async def test_an_admin_creates_an_api_key_sees_it_once_and_revokes_it(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "API keys")

    await page.get_by_label("Key name").fill("Website form")
    await page.get_by_role("button", name="Create key").click()
    secret = await page.get_by_label("The new key").input_value()
    await accessible(page)
    await page.get_by_role("button", name="Revoke Website form").click()
    await _saved(page, "API key revoked.")

    assert secret not in await page.content()
    async with database.transaction() as session:
        [key] = (
            await session.scalars(select(ApiKey).where(ApiKey.organization_id == organization.id))
        ).all()
    assert key.name == "Website form"
    assert key.revoked_at is not None
    assert secret.startswith(key.prefix)


@DESK
async def test_an_admin_subscribes_a_webhook_pings_it_and_redelivers(
    browser_page: Any, database: Database, accessible: Any
) -> None:
    page = browser_page
    organization = await _admin_on(page, database, "Webhooks")

    await page.get_by_label("Receiver URL").fill("https://hooks.grill.example/maitred")
    await page.get_by_label("booking.created").check()
    await page.get_by_role("button", name="Add subscription").click()
    secret = await page.get_by_label("The signing secret").input_value()
    await accessible(page)
    await page.get_by_role("link", name="https://hooks.grill.example/maitred").click()
    assert secret not in await page.content()
    await page.get_by_role("button", name="Send a test event").click()
    await _saved(page, "Test event queued.")
    async with database.transaction() as session:  # the receiver was down three times
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.organization_id == organization.id)
            .values(status="failed", attempts=3, response_status=503)
        )
    await page.reload()
    await page.locator(".delivery-status").filter(has_text="Failed").wait_for()
    await page.get_by_role("button", name="Redeliver webhook.test").click()
    await _saved(page, "Delivery queued again.")

    await accessible(page)
    async with database.transaction() as session:
        [subscription] = (
            await session.scalars(
                select(WebhookSubscription).where(
                    WebhookSubscription.organization_id == organization.id
                )
            )
        ).all()
        [delivery] = (
            await session.scalars(
                select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
            )
        ).all()
    assert (subscription.events, subscription.secret) == (["booking.created"], secret)
    assert (delivery.event_name, delivery.status, delivery.attempts) == (
        "webhook.test",
        "pending",
        0,
    )
