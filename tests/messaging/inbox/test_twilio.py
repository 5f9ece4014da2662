"""Twilio's callbacks through HTTP: an SMS lands in the customer's conversation, a forged or
replayed callback changes nothing, STOP and START keep the opt-out list, and status callbacks
move our messages along."""

from __future__ import annotations

import httpx
import pytest

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.messaging.webhook_signatures import twilio_signature
from tests.factories import deliver_everything
from tests.messaging.inbox.given import (
    ALICE_PHONE,
    OUR_NUMBER,
    TWILIO_TOKEN,
    given_business,
    given_customer,
    inbox,
    new_sid,
    post_twilio,
    stored,
    twilio_sms,
)
from tests.messaging.providers.standin import Answer, Recorded, StandIn
from tests.probe_router import error_of


def test_signature_matches_twilios_published_example() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+14158675309",
        "Digits": "1234",
        "From": "+14158675309",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"

    assert twilio_signature("12345", url, params.items()) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="


async def test_a_signed_sms_lands_in_the_customers_conversation(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    alice = await given_customer(client, admin)
    form = twilio_sms("Is 7pm still ok for Saturday?")

    response = await post_twilio(client, admin, form)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    assert response.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'
    [message] = (await inbox(client, admin))["items"]
    assert message["direction"] == "inbound"
    assert message["channel"] == "sms"
    assert message["provider"] == "twilio"
    assert message["content"] == "Is 7pm still ok for Saturday?"
    assert message["sender"] == {
        "phone": ALICE_PHONE,
        "email": None,
        "chat_id": None,
        "name": "Alice Johnson",
    }
    assert message["recipient"]["phone"] == OUR_NUMBER
    assert message["status"] == "received"
    assert message["is_read"] is False
    assert message["customer_id"] == alice["id"]
    conversations = await client.get("/api/v1/messages/conversations", headers=admin.headers)
    [conversation] = conversations.json()["items"]
    assert conversation["id"] == message["conversation_id"]
    assert conversation["customer_id"] == alice["id"]
    assert conversation["display_name"] == "Alice Johnson"
    assert conversation["unread_count"] == 1
    assert conversation["last_inbound_at"] == message["created_at"]


async def test_a_wrong_or_missing_signature_is_401_and_stores_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    before = await stored(database)
    form = twilio_sms("STOP")

    forged = await post_twilio(client, admin, form, token="not-the-auth-token")
    other_url = await post_twilio(client, admin, form, signed_url="https://evil.example/hook")
    unsigned = await client.post(
        f"/api/webhooks/twilio?org={admin.organization.id}",  # type: ignore[union-attr]
        data=form,
    )

    for response in (forged, other_url, unsigned):
        assert response.status_code == 401
        assert error_of(response) == {
            "error": "unauthorized",
            "message": "The webhook signature is missing or invalid",
            "details": {},
        }
    assert await stored(database) == before


async def test_the_public_url_is_accepted_as_the_signed_one(
    client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    admin = await given_business(client, database)
    assert admin.organization is not None
    public = f"{settings.public_url}/api/webhooks/twilio?org={admin.organization.id}"

    response = await post_twilio(client, admin, twilio_sms("Hello"), signed_url=public)

    assert response.status_code == 200


async def test_a_replayed_callback_is_stored_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    form = twilio_sms("Can we add two guests?")

    first = await post_twilio(client, admin, form)
    again = await post_twilio(client, admin, form)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.text == first.text
    assert len((await inbox(client, admin))["items"]) == 1
    counts = await stored(database)
    assert counts["inbound_webhooks"] == 1
    assert counts["messages"] == 1


async def test_stop_suppresses_marketing_but_not_transactional_messages_until_start(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_business(client, database)
    await given_customer(client, admin)

    async def send(category: str) -> dict[str, str]:
        response = await client.post(
            "/api/v1/messages/send",
            json={
                "recipient": {"phone": "(916) 444-5566", "name": "Alice Johnson"},
                "content": "20% off hibachi nights this week!"
                if category == "marketing"
                else "Your chef arrives at 6:30 PM.",
                "provider": "sms",
                "category": category,
            },
            headers=admin.headers,
        )
        assert response.status_code == 201, response.text
        body: dict[str, str] = response.json()
        return body

    assert (await post_twilio(client, admin, twilio_sms(" stop "))).status_code == 200
    assert (await stored(database))["opt_outs"] == 1
    marketing, transactional = await send("marketing"), await send("transactional")

    assert marketing["status"] == "suppressed"
    assert transactional["status"] == "queued"
    assert transactional["recipient"]["phone"] == ALICE_PHONE

    assert (await post_twilio(client, admin, twilio_sms("START"))).status_code == 200
    assert (await stored(database))["opt_outs"] == 0
    assert (await send("marketing"))["status"] == "queued"


@pytest.mark.parametrize(
    ("reported", "status"), [("delivered", "delivered"), ("undelivered", "failed")]
)
async def test_status_callbacks_move_our_message_along(
    client: httpx.AsyncClient, database: Database, settings: Settings, reported: str, status: str
) -> None:
    def twilio_api(request: Recorded) -> Answer:
        return Answer(201, {"sid": "SM0f0e0d0c", "status": "queued", "from": OUR_NUMBER})

    with StandIn(twilio_api).running() as twilio:
        admin = await given_business(client, database, twilio_api=twilio.url)
        sent = await client.post(
            "/api/v1/messages/send",
            json={
                "recipient": {"phone": ALICE_PHONE},
                "content": "See you at 7!",
                "provider": "sms",
            },
            headers=admin.headers,
        )
        assert sent.status_code == 201, sent.text
        await deliver_everything(database, settings)
    assert twilio.requests[0].form()["To"] == ALICE_PHONE
    callback = {"MessageSid": "SM0f0e0d0c", "MessageStatus": "sent", "AccountSid": "AC0"}

    early = await post_twilio(client, admin, callback)
    late = await post_twilio(
        client, admin, {**callback, "MessageStatus": reported, "ErrorCode": "30003"}
    )
    stale = await post_twilio(client, admin, {**callback, "MessageStatus": "sent"})
    unknown = await post_twilio(client, admin, {**callback, "MessageSid": new_sid()})

    assert [r.status_code for r in (early, late, stale, unknown)] == [200] * 4
    [message] = (await inbox(client, admin, direction="outbound"))["items"]
    assert message["id"] == sent.json()["id"]
    assert message["provider"] == "twilio"
    assert message["status"] == status
    assert (message["delivered_at"] is not None) is (status == "delivered")
    assert message["error"] == (None if status == "delivered" else "30003: undelivered")
    assert message["sent_at"] is not None
    assert (await stored(database))["inbound_webhooks"] == 3  # the replayed `sent` once


async def test_callbacks_for_an_unknown_organization_are_404(
    client: httpx.AsyncClient, database: Database
) -> None:
    form = twilio_sms("Hi")
    response = await client.post(
        "/api/webhooks/twilio?org=no-such-business",
        data=form,
        headers={"X-Twilio-Signature": twilio_signature(TWILIO_TOKEN, "x", form.items())},
    )

    assert response.status_code == 404
