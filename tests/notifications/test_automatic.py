"""Automatic messages: a booking made through the API is confirmed to its customer (and asked
for its deposit), a cancellation and a confirmation are told, an inquiry is answered, a waitlist
offer goes out; each can be turned off in the organization's settings, and a replayed event
sends nothing twice."""

from __future__ import annotations

from typing import Any

import httpx

from maitred.config import Settings
from maitred.kit import outbox
from maitred.kit.db import Database
from tests.bookings.given import (
    SEED_001_POLICY,
    book_one,
    given_book,
    given_customer,
    seed_001_form,
    staff_of,
)
from tests.factories import deliver_everything
from tests.notifications.given import by_template, sent_messages
from tests.waitlist import book as waitlist_book


async def test_a_new_booking_is_confirmed_and_its_deposit_asked_for_without_more_ado(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)

    booking = await book_one(client, staff, seed_001_form(customer_id, book))
    await deliver_everything(database, settings)
    messages = await sent_messages(database)

    assert by_template(messages) == [
        ("booking_confirmation", "email"),
        ("booking_confirmation", "sms"),
        ("deposit_request", "email"),
        ("deposit_request", "sms"),
    ]
    assert {m.status for m in messages} == {"sent"}
    assert {str(m.booking_id) for m in messages} == {booking["id"]}
    assert {m.customer_id for m in messages} == {customer_id}
    confirmation = next(m for m in messages if m.template == "booking_confirmation")
    assert confirmation.contact == "jane@example.com"
    assert confirmation.subject == f"Your booking is confirmed ({booking['reference_number']})"
    assert "Guests: 25\nLocation: 123 Main St, Los Angeles, CA 90001\nTotal: $942.50" in (
        confirmation.body_text
    )
    text = next(m for m in messages if m.template == "deposit_request" and m.channel == "sms")
    assert text.contact == "+19165550101"
    assert text.body_text.startswith("Hibachi at Home: a deposit of $471.25 is due")


async def test_cancelling_tells_the_customer_and_confirming_a_pending_booking_too(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database, teams=2)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    pending = await book_one(client, staff, seed_001_form(customer_id, book, status="pending"))
    confirmed = await book_one(client, staff, seed_001_form(customer_id, book, event_time="17:00"))
    await deliver_everything(database, settings)
    before = len(await sent_messages(database))

    moved = await client.put(
        f"/api/v1/bookings/{pending['id']}", json={"status": "confirmed"}, headers=staff.headers
    )
    cancelled = await client.put(
        f"/api/v1/bookings/{confirmed['id']}/cancel",
        json={"reason": "Change of plans"},
        headers=staff.headers,
    )
    await deliver_everything(database, settings)
    news = (await sent_messages(database))[before:]

    assert (moved.status_code, cancelled.status_code) == (200, 200)
    assert by_template(news) == [
        ("booking_cancelled", "email"),
        ("booking_cancelled", "sms"),
        ("booking_status_changed", "email"),
        ("booking_status_changed", "sms"),
    ]
    notice = next(m for m in news if m.template == "booking_cancelled" and m.channel == "email")
    assert str(notice.booking_id) == confirmed["id"]
    assert "Reason: Change of plans" in notice.body_text
    good_news = next(m for m in news if m.template == "booking_status_changed")
    assert good_news.subject == f"Your booking {pending['reference_number']} is confirmed"


async def test_turned_off_in_the_settings_nothing_goes_out(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    quiet = {"booking_confirmation": False, "deposit_request": False, "status_notices": False}
    book = await given_book(database, settings=SEED_001_POLICY | {"notifications": quiet})
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)

    booking = await book_one(client, staff, seed_001_form(customer_id, book))
    cancelled = await client.delete(f"/api/v1/bookings/{booking['id']}", headers=staff.headers)
    await deliver_everything(database, settings)

    assert cancelled.status_code == 204
    assert await sent_messages(database) == []


async def test_only_the_channels_the_settings_name_are_used(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    by_email = {"notifications": {"channels": ["email"], "deposit_request": False}}
    book = await given_book(database, settings=SEED_001_POLICY | by_email, teams=2)
    staff = await staff_of(client, database, book)
    phone_only = await given_customer(
        database, book, name="Sam Lee", email="", phone="+19165550102"
    )

    with_email = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book)
    )
    await book_one(client, staff, seed_001_form(phone_only, book, event_time="17:00"))
    await deliver_everything(database, settings)
    messages = await sent_messages(database)

    assert by_template(messages) == [("booking_confirmation", "email")]
    assert str(messages[0].booking_id) == with_email["id"]


async def test_a_replayed_booking_created_event_sends_nothing_twice(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    booking = await book_one(
        client, staff, seed_001_form(await given_customer(database, book), book)
    )
    await deliver_everything(database, settings)

    async with database.transaction() as session:
        await outbox.emit(
            session,
            "booking.created",
            organization_id=book.organization.id,
            booking_id=booking["id"],
        )
    await deliver_everything(database, settings)

    assert len(await sent_messages(database)) == 4


async def test_an_inquiry_gets_an_answer_but_a_booking_requests_lead_does_not(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    form: dict[str, Any] = {"name": "John Doe", "phone": "916-555-0123", "email": "JOHN@x.com"}

    asked = await client.post(
        "/api/v1/public/leads", json=form, headers={"X-Tenant-ID": str(book.organization.id)}
    )
    await deliver_everything(database, settings)
    messages = await sent_messages(database)

    assert asked.status_code == 201
    assert by_template(messages) == [("lead_auto_reply", "email"), ("lead_auto_reply", "sms")]
    assert {str(m.lead_id) for m in messages} == {asked.json()["lead_id"]}
    email = next(m for m in messages if m.channel == "email")
    assert (email.contact, email.subject) == (
        "john@x.com",
        "Thanks for reaching out to Hibachi at Home",
    )
    assert "get back to you within 24 hours" in email.body_text


async def test_a_waiting_customer_hears_when_their_date_opens_up(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await waitlist_book.given_book(client, database, teams=1)
    day = waitlist_book.days_ahead(30)
    taken = await waitlist_book.book(client, admin, day)
    entry = await waitlist_book.add_entry(
        client, admin, customer=waitlist_book.customer(1), preferred_date=str(day)
    )
    await deliver_everything(database, settings)
    before = len(await sent_messages(database))

    await client.delete(f"/api/v1/bookings/{taken.json()['id']}", headers=admin.headers)
    await deliver_everything(database, settings)
    offers = [m for m in (await sent_messages(database))[before:] if m.template == "waitlist_offer"]

    assert sorted((m.channel, m.contact) for m in offers) == [
        ("email", "guest1@example.com"),
        ("sms", "+19165550001"),
    ]
    email = next(m for m in offers if m.channel == "email")
    assert email.customer_id is not None
    assert str(email.customer_id) == entry["customer_id"]
    assert "We are holding it for you until" in email.body_text
    assert f"{day:%B} {day.day}, {day.year}" in email.subject
