"""The concierge on WhatsApp and Telegram through their signed webhooks, by the same handler as
SMS; and its drafts in messaging's inbox, where staff send them as written or edited, the
assistant counting as a member of the team."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.messaging.models import Message
from tests.ai.given import LINK, given_caterer
from tests.factories import Actor, deliver_everything, signed_in_as
from tests.messaging.attachments.given import (
    PHONE_NUMBER_ID,
    TELEGRAM_SECRET,
    WHATSAPP_SECRET,
    post_telegram,
    post_whatsapp,
    put_channel,
)
from tests.messaging.inbox.given import given_twilio, post_twilio, twilio_sms
from tests.messaging.inbox.test_other_providers import whatsapp_text

NOWHERE = "http://127.0.0.1:9"  # the providers are not reached: what was queued is what counts
KERRY = "+19164445577"  # whatsapp_text's sender
ANN = 777000111
_ids = itertools.count(1)


async def given_channels(
    client: httpx.AsyncClient, database: Database, modes: dict[str, str]
) -> Actor:
    caterer = await given_caterer(database)
    admin = await signed_in_as(client, database, "admin", caterer.organization)
    await put_channel(client, admin, "whatsapp", {
        "provider": "whatsapp_cloud",
        "options": {"phone_number_id": PHONE_NUMBER_ID, "api_base": NOWHERE},
        "credentials": {"access_token": "EAAG-token", "app_secret": WHATSAPP_SECRET},
    })  # fmt: skip
    await put_channel(client, admin, "telegram", {
        "provider": "telegram",
        "options": {"api_base": NOWHERE},
        "credentials": {"bot_token": "123456:ABC-bot", "webhook_secret": TELEGRAM_SECRET},
    })  # fmt: skip
    mode = await client.patch(
        "/api/v1/ai/settings", json={"channel_modes": modes}, headers=admin.headers
    )
    assert mode.status_code == 200, mode.text
    return admin


async def outbound(database: Database, channel: str) -> list[Message]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(Message)
            .where(Message.direction == "outbound", Message.channel == channel)
            .order_by(Message.created_at)
        )
        return list(rows)


async def whatsapp_in(
    client: httpx.AsyncClient, database: Database, admin: Actor, text: str
) -> str:
    before = len(await outbound(database, "whatsapp"))
    await post_whatsapp(client, admin, whatsapp_text(f"wamid.test{next(_ids)}", text))
    await deliver_everything(database)
    sent = (await outbound(database, "whatsapp"))[before:]
    assert sent, "no answer"
    assert sent[0].ai_generated
    return sent[0].body_text


def telegram_update(text: str) -> dict[str, Any]:
    number = next(_ids)
    return {
        "update_id": 918270000 + number,
        "message": {
            "message_id": number,
            "from": {"id": ANN, "is_bot": False, "first_name": "Ann", "last_name": "Lee"},
            "chat": {"id": ANN, "type": "private", "first_name": "Ann"},
            "date": 1749416383,
            "text": text,
        },
    }


async def test_whatsapp_in_auto_mode_books_with_yes(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_channels(client, database, {"whatsapp": "auto"})

    first = await whatsapp_in(
        client, database, admin, "we're 12 for my mom's birthday next Saturday in Folsom"
    )
    assert "17:00, 18:00, 19:00" in first
    assert "$714.45" in first
    second = await whatsapp_in(client, database, admin, "6pm works")
    # WhatsApp gave the number: only the name is asked for.
    assert "name" in second
    assert "phone" not in second
    third = await whatsapp_in(client, database, admin, "Kerry Fisher")
    assert "Reply YES to confirm" in third
    done = await whatsapp_in(client, database, admin, "YES")

    assert LINK.search(done), done
    async with database.transaction(write=False) as session:
        booked = (await session.scalars(select(Booking))).one()
    assert (booked.status, booked.guest_count) == ("pending", 12)
    stats = await client.get("/api/v1/messages/stats/summary", headers=admin.headers)
    assert stats.json()["sent_by"]["assistant"] >= 4


async def test_telegram_in_draft_mode_waits_in_the_inbox_until_staff_send_it(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_channels(client, database, {"telegram": "draft"})
    await post_telegram(client, admin, telegram_update("Hola, ¿cuánto es el depósito?"))
    await deliver_everything(database)

    [draft] = await outbound(database, "telegram")
    assert draft.status == "draft"  # nothing went out by itself
    conversation = await client.get(
        f"/api/v1/messages/conversations/{draft.conversation_id}", headers=admin.headers
    )
    assert conversation.status_code == 200, conversation.text
    answer, question = conversation.json()["messages"]  # newest first
    assert question["direction"] == "inbound"
    assert question["author"]["type"] == "customer"
    assert isinstance(question["sentiment"], float)
    assert (answer["status"], answer["author"]["type"]) == ("draft", "assistant")
    # Asked in Spanish, answered in Spanish from the live settings.
    assert answer["content"].startswith("Pedimos un depósito de $100.00 para reservar su fecha")
    assert answer["ai_generated"] is True
    feed = await client.get("/api/v1/messages/inbox", headers=admin.headers)
    assert [m["id"] for m in feed.json()["items"]] == [question["id"]]
    waiting = await client.get("/api/v1/messages/inbox?drafts=true", headers=admin.headers)
    assert [m["id"] for m in waiting.json()["items"]] == [answer["id"]]
    assert answer["author"]["name"] == "AI assistant"
    in_spanish = await client.get(
        "/api/v1/messages/inbox?drafts=true", headers={**admin.headers, "Accept-Language": "es"}
    )
    assert in_spanish.json()["items"][0]["author"]["name"] == "Asistente de IA"

    sent = await client.post(f"/api/v1/messages/{answer['id']}/send", headers=admin.headers)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "queued"
    assert sent.json()["content"] == answer["content"]  # as the assistant wrote it
    assert sent.json()["author"]["type"] == "assistant"
    again = await client.post(f"/api/v1/messages/{answer['id']}/send", headers=admin.headers)
    assert again.status_code == 409
    stats = (await client.get("/api/v1/messages/stats/summary", headers=admin.headers)).json()
    assert stats["sent_by"] == {"assistant": 1, "staff": 0, "system": 0}
    assert stats["drafts_waiting"] == 0


async def test_an_edited_draft_is_the_staff_members_in_the_inbox_and_the_thread(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_channels(client, database, {})  # SMS starts in draft mode
    await given_twilio(client, admin)
    response = await post_twilio(client, admin, twilio_sms("what is your deposit?", sender=KERRY))
    assert response.status_code == 200, response.text
    await deliver_everything(database)
    waiting = (await client.get("/api/v1/messages/stats/summary", headers=admin.headers)).json()
    assert waiting["drafts_waiting"] == 1
    [draft] = await outbound(database, "sms")

    edited = "Hi! The deposit is $100.00 and holds your date."
    sent = await client.post(
        f"/api/v1/messages/{draft.id}/send", json={"content": edited}, headers=admin.headers
    )
    assert sent.status_code == 200, sent.text
    await deliver_everything(database)

    author = sent.json()["author"]
    assert (author["type"], author["user_id"]) == ("staff", str(admin.user.id))
    assert author["drafted_by_assistant"] is True
    [thread] = (await client.get("/api/v1/ai/threads", headers=admin.headers)).json()["items"]
    detail = (await client.get(f"/api/v1/ai/threads/{thread['id']}", headers=admin.headers)).json()
    assert (detail["messages"][-1]["status"], detail["messages"][-1]["content"]) == ("sent", edited)
    stats = (await client.get("/api/v1/messages/stats/summary", headers=admin.headers)).json()
    assert stats["sent_by"]["staff"] == 1
    assert stats["sent_by"]["assistant"] == 0
