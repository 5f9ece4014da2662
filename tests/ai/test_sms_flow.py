"""Done when, by SMS: the same sentence through Twilio's inbound webhook, answered by the
offline engine in `auto` mode, to a pending booking the customer confirmed with "YES"."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.messaging.models import Message
from tests.ai.given import LINK, given_caterer
from tests.factories import deliver_everything, signed_in_as
from tests.messaging.inbox.given import given_twilio, post_twilio, twilio_sms

MARIA = "+19165550177"


async def replies(database: Database) -> list[str]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(Message)
            .where(
                Message.direction == "outbound",
                Message.channel == "sms",
                Message.status != "draft",  # waiting in the inbox, not sent
            )
            .order_by(Message.created_at)
        )
        return [m.body_text for m in rows if m.contact == MARIA]


async def text_in(client: httpx.AsyncClient, database: Database, admin: object, body: str) -> str:
    response = await post_twilio(client, admin, twilio_sms(body, sender=MARIA))  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    before = len(await replies(database))
    await deliver_everything(database)
    sent = (await replies(database))[before:]
    assert sent, "no answer"
    return sent[0]  # the assistant's; a booking also sends the business's own notices


async def test_birthday_by_sms_is_confirmed_with_yes(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_twilio(client, admin)
    mode = await client.patch(
        "/api/v1/ai/settings", json={"channel_modes": {"sms": "auto"}}, headers=admin.headers
    )
    assert mode.status_code == 200, mode.text

    first = await text_in(
        client, database, admin, "we're 12 for my mom's birthday next Saturday in Folsom"
    )
    assert "17:00, 18:00, 19:00" in first
    assert "$714.45" in first

    second = await text_in(client, database, admin, "6pm works")
    assert "name" in second
    assert "phone" not in second

    third = await text_in(client, database, admin, "Maria Lopez")
    assert "Reply YES to confirm" in third
    async with database.transaction(write=False) as session:
        assert (await session.scalars(select(Booking))).all() == []

    done = await text_in(client, database, admin, "YES")
    assert LINK.search(done), done
    async with database.transaction(write=False) as session:
        booked = (await session.scalars(select(Booking))).one()
    assert booked.status == "pending"
    assert booked.guest_count == 12
    assert booked.reference_number in done


async def test_in_draft_mode_staff_send_the_answer(
    client: httpx.AsyncClient, database: Database
) -> None:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await given_twilio(client, admin)  # SMS starts in draft mode
    response = await post_twilio(client, admin, twilio_sms("what is your deposit?", sender=MARIA))
    assert response.status_code == 200, response.text
    await deliver_everything(database)
    assert await replies(database) == []  # nothing went out by itself
    threads = (await client.get("/api/v1/ai/threads", headers=admin.headers)).json()["items"]
    assert [t["channel"] for t in threads] == ["sms"]
    detail = (
        await client.get(f"/api/v1/ai/threads/{threads[0]['id']}", headers=admin.headers)
    ).json()
    draft = detail["messages"][-1]
    assert draft["status"] == "draft"
    assert "$100.00" in draft["content"]
    assert detail["messages"][0]["sentiment"] is not None
    sent = await client.post(
        f"/api/v1/ai/threads/{threads[0]['id']}/drafts/{draft['id']}/send",
        json={"content": "Hi Maria! The deposit is $100.00 and holds your date."},
        headers=admin.headers,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "sent"
    assert await replies(database) == ["Hi Maria! The deposit is $100.00 and holds your date."]
    again = await client.post(
        f"/api/v1/ai/threads/{threads[0]['id']}/drafts/{draft['id']}/send", headers=admin.headers
    )
    assert again.status_code == 409
