"""A possible number that no numbering plan knows (seed 001's 555-123-4567) is kept, but nothing
is sent to it (issue 18): an SMS is `skipped` with the reason, never handed to a provider, and
subscribers hear `message.failed`; a phone verification to it is refused at once. A number in an
area code the metadata does not know yet is taken, not refused."""

from __future__ import annotations

import httpx
import phonenumbers
from sqlalchemy import select

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from tests.bookings.given import given_book
from tests.customers.test_account_takeover import SIGNUP_BOOK, register
from tests.factories import deliver_everything, signed_in_as
from tests.notifications.given import history, sent_messages
from tests.probe_router import error_of

SMS = "/api/v1/notifications/sms"
REASON = (
    "The number +15551234567 is not dialable (possible, but not in the US numbering plan "
    f"as phonenumbers {phonenumbers.__version__} knows it)"
)


async def test_an_sms_to_an_undialable_number_is_skipped_with_the_reason_and_never_sent(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    staff = await signed_in_as(client, database, "staff")

    skipped = await client.post(
        SMS, json={"to": "555-123-4567", "message": "Your quote is ready"}, headers=staff.headers
    )
    sent = await client.post(
        SMS, json={"to": "(916) 555-0101", "message": "Your quote is ready"}, headers=staff.headers
    )
    await deliver_everything(database, settings)

    assert (skipped.status_code, sent.status_code) == (201, 201)
    assert (skipped.json()["status"], skipped.json()["error"]) == ("skipped", REASON)
    shown = {m["to"]: m for m in (await history(client, staff))["items"]}
    assert {to: (m["status"], m["error"], m["attempts"]) for to, m in shown.items()} == {
        "+15551234567": ("skipped", REASON, 0),
        "+19165550101": ("sent", None, 1),
    }
    assert (shown["+15551234567"]["provider"], shown["+15551234567"]["sent_at"]) == ("", None)
    only_skipped = (await history(client, staff, status="skipped"))["items"]
    assert [m["id"] for m in only_skipped] == [skipped.json()["id"]]
    async with database.transaction(write=False) as session:
        failed = (
            await session.scalars(select(OutboxEvent).where(OutboxEvent.name == "message.failed"))
        ).all()
    assert [(e.payload["message_id"], e.payload["status"], e.payload["error"]) for e in failed] == [
        (skipped.json()["id"], "skipped", REASON)
    ]


async def test_a_new_area_code_is_taken_and_stored_e164(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, "staff")
    # 275 is no area code in phonenumbers' metadata yet; a customer with it is still a customer.
    assert not phonenumbers.is_valid_number(phonenumbers.parse("+12752345678"))

    created = await client.post(
        "/api/v1/customers",
        json={"name": "Rosa Diaz", "phone": "(275) 234-5678"},
        headers=staff.headers,
    )

    assert created.status_code == 201, created.text
    assert (created.json()["phone"], created.json()["phone_dialable"]) == ("+12752345678", False)


async def test_a_phone_verification_to_an_undialable_number_is_refused_and_sends_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    book = await given_book(database, settings=SIGNUP_BOOK)
    account = await register(client, book, email="sam@example.net", phone="555-123-4567")

    asked = await client.post("/api/v1/auth/verify-phone/request", headers=account.headers)

    assert asked.status_code == 422
    assert error_of(asked)["message"] == "No code can be sent to this number"
    assert error_of(asked)["details"] == {"phone": REASON}
    assert await sent_messages(database, template="verify_phone") == []
