"""Issue 6's promise, end to end through the API and real servers: a booking made by staff is
followed, with nothing else done, by a confirmation email that arrives at a real SMTP server, a
signed webhook a receiver verifies, and a reminder that fires once when its time comes; an SMS
the customer sends back reaches the inbox through Twilio's signed webhook."""

from __future__ import annotations

import asyncio
import json

import httpx

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.notifications.reminders import REMINDER_DUE
from tests.bookings.given import book_one, given_book, given_customer, seed_001_form, staff_of
from tests.factories import deliver_everything, signed_in_as
from tests.messaging.inbox.given import given_twilio, inbox, post_twilio, twilio_sms
from tests.messaging.providers.smtp_server import smtp_server
from tests.notifications.given import make_due, scheduled, three_days_out
from tests.webhooks.given import seed_signature_ok, standard_signature_ok, subscribe
from tests.webhooks.receiver import running_receiver

JANE = {"name": "Jane Smith", "email": "jane@example.com", "phone": "+19165550101"}


async def test_a_booking_is_confirmed_announced_reminded_once_and_answered_by_sms(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    book = await given_book(database)
    admin = await signed_in_as(client, database, "admin", book.organization)
    staff = await staff_of(client, database, book)
    customer_id = await given_customer(database, book, **JANE)

    with running_receiver() as receiver:
        hook = await subscribe(client, admin, receiver.url, ["booking.created"])
        async with smtp_server() as (port, mailbox):
            worker_settings = settings.model_copy(
                update={
                    "smtp_url": f"smtp://127.0.0.1:{port}",
                    "email_from": "Hibachi at Home <bookings@hibachi.example>",
                }
            )
            form = seed_001_form(customer_id, book, event_date=three_days_out().isoformat())
            booking = await book_one(client, staff, form)
            await deliver_everything(database, worker_settings)
            after_booking = list(mailbox.arrived)

            [reminder_48h, _] = await scheduled(database, REMINDER_DUE)
            await make_due(database, [reminder_48h.id])
            await asyncio.gather(
                deliver_everything(database, worker_settings),
                deliver_everything(database, worker_settings),
            )
            reminded = mailbox.arrived[len(after_booking) :]

    [confirmation] = [m for m in after_booking if "confirm" in str(m.message["Subject"]).lower()]
    assert confirmation.rcpt_tos == [JANE["email"]]
    assert confirmation.message["From"] == "Hibachi at Home <bookings@hibachi.example>"
    text = confirmation.message.get_body(preferencelist=("plain",))
    assert text is not None
    assert "Jane" in text.get_content()

    [request] = receiver.received
    assert standard_signature_ok(request.headers, request.body, hook["secret"])
    assert seed_signature_ok(request.body, hook["secret"])
    body = json.loads(request.body)
    assert body["event"] == "booking.created"
    assert body["data"]["booking_id"] == booking["id"]

    [reminder] = reminded
    assert reminder.rcpt_tos == [JANE["email"]]
    assert str(reminder.message["Subject"]).startswith("Reminder: your booking")

    await given_twilio(client, admin)
    question = "What time does the chef arrive?"
    answered = await post_twilio(client, admin, twilio_sms(question, sender=JANE["phone"]))
    [reply] = (await inbox(client, admin, direction="inbound"))["items"]
    assert answered.status_code == 200, answered.text
    assert (reply["content"], reply["channel"], reply["is_read"]) == (question, "sms", False)
    assert reply["customer_id"] == str(customer_id)
