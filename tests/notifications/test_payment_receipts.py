"""Receipts and the deposit link: a payment of a booking is receipted to its customer with what
is still due, a refund too; both can be turned off together, a replayed event sends nothing
twice, and the deposit request offers a link to pay online only where cards are taken."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import httpx

from maitred.config import Settings
from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.notifications.facts import long_date
from maitred.payments import public_links
from tests.bookings.given import (
    Book,
    book_one,
    events_named,
    given_book,
    given_customer,
    seed_001_form,
    staff_of,
)
from tests.factories import Actor, deliver_everything, signed_in_as
from tests.notifications.given import ZONE, by_template, sent_messages

PAYMENTS = "/api/v1/payments"
RECEIPTS = ("payment_receipt", "refund_receipt")


async def given_deposit_due(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> tuple[Book, dict[str, Any]]:
    """A pending booking of 942.50 with 471.25 down, its confirmation and deposit request sent."""
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book)
    booking = await book_one(client, staff, seed_001_form(customer_id, book, status="pending"))
    await deliver_everything(database, settings)
    return book, booking


async def take_cash(
    client: httpx.AsyncClient, actor: Actor, booking: dict[str, Any], amount: float, **more: Any
) -> dict[str, Any]:
    body = {"booking_id": booking["id"], "amount": amount, "payment_method": "cash"} | more
    response = await client.post(f"{PAYMENTS}/process", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    payment: dict[str, Any] = response.json()
    return payment


async def give_back(
    client: httpx.AsyncClient, manager: Actor, payment: dict[str, Any], amount: float, reason: str
) -> dict[str, Any]:
    response = await client.post(
        f"{PAYMENTS}/{payment['id']}/refund",
        json={"amount": amount, "reason": reason},
        headers=manager.headers,
    )
    assert response.status_code == 201, response.text
    refunded: dict[str, Any] = response.json()
    return refunded


async def receipts_sent(database: Database) -> list[Any]:
    return [m for m in await sent_messages(database) if m.template in RECEIPTS]


def today() -> str:
    """The business's local day, as receipts date a payment made now."""
    return long_date(datetime.now(ZONE).date())


async def test_a_payment_staff_record_is_receipted_with_the_balance_left(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    staff = await staff_of(client, database, book)
    reference = booking["reference_number"]

    payment = await take_cash(client, staff, booking, 100)
    await deliver_everything(database, settings)
    receipts = await receipts_sent(database)

    assert by_template(receipts) == [("payment_receipt", "email"), ("payment_receipt", "sms")]
    assert {str(m.booking_id) for m in receipts} == {booking["id"]}
    assert {str(m.customer_id) for m in receipts} == {payment["customer_id"]}
    email = next(m for m in receipts if m.channel == "email")
    assert (email.contact, email.subject) == (
        "jane@example.com",
        f"Payment received: $100.00 for booking {reference}",
    )
    assert email.body_text.startswith(
        "Hi Jane Smith,\n\nHibachi at Home received your deposit payment of $100.00 (cash) on "
        f"{today()}. Thank you!\n\nReference: {reference}\n"
    )
    assert "Total: $942.50\nPaid: $100.00\nBalance due: $842.50\n" in email.body_text
    assert "<li>Balance due: <strong>$842.50</strong></li>" in (email.body_html or "")
    text = next(m for m in receipts if m.channel == "sms")
    assert (text.contact, text.body_text) == (
        "+19165550101",
        f"Hibachi at Home: we received your deposit payment of $100.00 for booking {reference}. "
        "Balance due: $842.50. Thank you!",
    )


async def test_paying_the_balance_in_full_says_so(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    staff = await staff_of(client, database, book)

    await take_cash(client, staff, booking, 942.50, purpose="balance")
    await deliver_everything(database, settings)
    [email, text] = sorted(await receipts_sent(database), key=lambda m: m.channel)

    assert "balance payment of $942.50 (cash)" in email.body_text
    assert "Paid: $942.50\nYour booking is paid in full.\n" in email.body_text
    assert text.body_text.endswith(". Your booking is paid in full. Thank you!")


async def test_a_refund_is_receipted_with_its_reason_and_what_is_paid_and_due_after_it(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    manager = await signed_in_as(client, database, "manager", book.organization)
    reference = booking["reference_number"]
    payment = await take_cash(client, manager, booking, 100)
    await deliver_everything(database, settings)

    refunded = await give_back(client, manager, payment, 40, "Goodwill")
    await deliver_everything(database, settings)
    refunds = [m for m in await receipts_sent(database) if m.template == "refund_receipt"]

    assert refunded["payment"]["refunded_amount"] == 40.0
    assert sorted(m.channel for m in refunds) == ["email", "sms"]
    email = next(m for m in refunds if m.channel == "email")
    assert email.subject == f"Refund of $40.00 for booking {reference}"
    assert email.body_text.startswith(
        "Hi Jane Smith,\n\nHibachi at Home refunded $40.00 of your cash payment of $100.00 on "
        f"{today()}.\n\nReason: Goodwill\n\nReference: {reference}\n"
    )
    assert "Total: $942.50\nPaid: $100.00\nRefunded: $40.00\nBalance due: $882.50\n" in (
        email.body_text
    )
    text = next(m for m in refunds if m.channel == "sms")
    assert text.body_text == (
        f"Hibachi at Home: we refunded $40.00 for booking {reference} (Goodwill). "
        "Balance due: $882.50."
    )


async def test_turned_off_in_the_settings_no_receipt_goes_out(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    admin = await signed_in_as(client, database, "admin", book.organization)
    turned_off = await client.patch(
        f"/api/v1/organizations/{book.organization.id}/settings",
        json={"notifications": {"payment_receipts": False}},
        headers=admin.headers,
    )

    payment = await take_cash(client, admin, booking, 100)
    await give_back(client, admin, payment, 40, "Goodwill")
    await deliver_everything(database, settings)

    assert turned_off.status_code == 200, turned_off.text
    assert turned_off.json()["notifications"]["payment_receipts"] is False
    assert await receipts_sent(database) == []


async def test_a_replayed_payment_or_refund_event_sends_its_receipt_once(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    manager = await signed_in_as(client, database, "manager", book.organization)
    payment = await take_cash(client, manager, booking, 100)
    await give_back(client, manager, payment, 40, "Goodwill")
    await deliver_everything(database, settings)

    [paid] = await events_named(database, "payment.completed")
    [refunded] = await events_named(database, "payment.refunded")
    async with database.transaction() as session:
        for name, payload in (("payment.completed", paid), ("payment.refunded", refunded)):
            await outbox.emit(session, name, organization_id=book.organization.id, **payload)
    await deliver_everything(database, settings)
    await deliver_everything(database, settings)

    assert by_template(await receipts_sent(database)) == [
        ("payment_receipt", "email"),
        ("payment_receipt", "sms"),
        ("refund_receipt", "email"),
        ("refund_receipt", "sms"),
    ]


async def test_a_refund_known_only_by_its_total_is_receipted_once_per_total(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    """A refund made in Stripe's dashboard has no row of ours: its event has no refund_id."""
    book, booking = await given_deposit_due(client, database, settings)
    manager = await signed_in_as(client, database, "manager", book.organization)
    await take_cash(client, manager, booking, 100)
    await deliver_everything(database, settings)
    [paid] = await events_named(database, "payment.completed")
    first = paid | {"refund_id": None, "refund_amount": "10.00", "refunded_total": "10.00"}
    second = first | {"refunded_total": "20.00"}

    for payload in (first, first, second):
        async with database.transaction() as session:
            await outbox.emit(
                session, "payment.refunded", organization_id=book.organization.id, **payload
            )
        await deliver_everything(database, settings)
    refunds = [m for m in await receipts_sent(database) if m.template == "refund_receipt"]

    assert sorted(m.channel for m in refunds) == ["email", "email", "sms", "sms"]


async def test_without_card_payments_the_deposit_request_has_no_link(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    await given_deposit_due(client, database, settings)

    email, text = sorted(
        await sent_messages(database, template="deposit_request"), key=lambda m: m.channel
    )

    assert "a deposit of $471.25 is due.\n\nReference: " in email.body_text
    assert "href" not in (email.body_html or "")
    assert text.body_text.endswith(". Questions? Just reply.")
    assert "/payments/pay" not in text.body_text


async def test_where_cards_are_taken_the_deposit_request_links_to_paying_online(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    keys = {"api_key": "sk_test_1234567890", "webhook_secret": "whsec_x"}
    configured = await client.put(f"{PAYMENTS}/provider", json=keys, headers=admin.headers)
    customer_id = await given_customer(database, book)
    booking = await book_one(client, admin, seed_001_form(customer_id, book, status="pending"))

    await deliver_everything(database, settings)
    email, text = sorted(
        await sent_messages(database, template="deposit_request"), key=lambda m: m.channel
    )

    assert configured.status_code == 200, configured.text
    start = f"{settings.public_url}/api/v1/public/payments/pay?token="
    opening = "You can pay it online: "
    [line] = [line for line in email.body_text.splitlines() if line.startswith(opening)]
    link = line.removeprefix(opening)
    assert link.startswith(start)
    assert public_links.read_token(link.removeprefix(start)) == (
        book.organization.id,
        uuid.UUID(booking["id"]),
        "deposit",
    )
    assert f'<a href="{link}">Pay the deposit online</a>' in (email.body_html or "")
    assert f"Pay online: {link} Questions? Just reply." in text.body_text


async def test_the_receipts_are_listed_and_an_organizations_own_wording_is_sent(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book, booking = await given_deposit_due(client, database, settings)
    admin = await signed_in_as(client, database, "admin", book.organization)
    path = "/api/v1/notifications/templates/payment_receipt"
    own = {"channel": "sms", "body_text": "Got {{ payment_amount }}, {{ balance_due }} to go."}

    listed = await client.get("/api/v1/notifications/templates", headers=admin.headers)
    refused = await client.put(
        path, json={"channel": "sms", "body_text": "{{ refund_amount }}"}, headers=admin.headers
    )
    saved = await client.put(path, json=own, headers=admin.headers)
    await take_cash(client, admin, booking, 100)
    await deliver_everything(database, settings)
    text = next(m for m in await receipts_sent(database) if m.channel == "sms")

    names = {(t["name"], t["channel"]) for t in listed.json()["items"]}
    assert {(name, channel) for name in RECEIPTS for channel in ("email", "sms")} <= names
    assert refused.status_code == 422
    assert saved.status_code == 200, saved.text
    assert text.body_text == "Got $100.00, $842.50 to go."
