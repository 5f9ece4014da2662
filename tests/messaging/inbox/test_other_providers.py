"""WhatsApp (Meta Cloud API), Telegram and RingCentral callbacks through HTTP, verified with
the instance's secrets: handshakes answered, signed messages kept once, forged ones refused."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
import orjson

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, signed_in_as
from tests.messaging.inbox.conftest import (
    APP_SECRET,
    RINGCENTRAL_TOKEN,
    TELEGRAM_SECRET,
    VERIFY_TOKEN,
)
from tests.messaging.inbox.given import inbox, stored
from tests.probe_router import error_of


def whatsapp_text(message_id: str, text: str) -> dict[str, Any]:
    """Meta's notification of one incoming text (Cloud API, `messages` field)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "14155550100",
                                "phone_number_id": "106540352242922",
                            },
                            "contacts": [
                                {"profile": {"name": "Kerry Fisher"}, "wa_id": "19164445577"}
                            ],
                            "messages": [
                                {
                                    "from": "19164445577",
                                    "id": message_id,
                                    "timestamp": "1749416383",
                                    "type": "text",
                                    "text": {"body": text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def meta_signed(payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    raw = orjson.dumps(payload)
    digest = hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


async def test_whatsapp_handshake_echoes_the_challenge_only_for_the_verify_token(
    env_client: httpx.AsyncClient, database: Database
) -> None:
    await signed_in_as(env_client, database, Role.admin)  # the install's one business
    query = {
        "hub.mode": "subscribe",
        "hub.verify_token": VERIFY_TOKEN,
        "hub.challenge": "1158201444",
    }

    accepted = await env_client.get("/api/webhooks/whatsapp", params=query)
    wrong = await env_client.get(
        "/api/webhooks/whatsapp", params={**query, "hub.verify_token": "guess"}
    )

    assert accepted.status_code == 200
    assert accepted.text == "1158201444"
    assert wrong.status_code == 403
    assert error_of(wrong)["error"] == "forbidden"


async def test_a_signed_whatsapp_message_is_kept_once_and_a_forged_one_not_at_all(
    env_client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(env_client, database, Role.admin)
    raw, headers = meta_signed(
        whatsapp_text(
            "wamid.HBgLMTkxNjQ0NDU1NzcVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", "Hola! Table for 6?"
        )
    )
    forged = await env_client.post(
        "/api/webhooks/whatsapp",
        content=raw,
        headers={**headers, "X-Hub-Signature-256": "sha256=" + "0" * 64},
    )
    assert forged.status_code == 401
    assert (await stored(database))["messages"] == 0

    first = await env_client.post("/api/webhooks/whatsapp", content=raw, headers=headers)
    again = await env_client.post("/api/webhooks/whatsapp", content=raw, headers=headers)

    assert (first.json(), again.json()) == ({"accepted": 1}, {"accepted": 0})
    [message] = (await inbox(env_client, admin))["items"]
    assert message["channel"] == "whatsapp"
    assert message["provider"] == "whatsapp_cloud"
    assert message["content"] == "Hola! Table for 6?"
    assert message["sender"]["phone"] == "+19164445577"
    assert message["sender"]["name"] == "Kerry Fisher"
    assert message["recipient"]["phone"] == "+14155550100"


async def test_telegram_needs_the_secret_token_header(
    env_client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(env_client, database, Role.admin)
    update = {
        "update_id": 918273645,
        "message": {
            "message_id": 42,
            "from": {"id": 777000111, "is_bot": False, "first_name": "Ann", "last_name": "Lee"},
            "chat": {"id": 777000111, "type": "private", "first_name": "Ann"},
            "date": 1749416383,
            "text": "Do you cater birthdays?",
        },
    }

    missing = await env_client.post("/api/webhooks/telegram", json=update)
    wrong = await env_client.post(
        "/api/webhooks/telegram", json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"}
    )
    assert (missing.status_code, wrong.status_code) == (401, 401)
    assert (await stored(database))["inbound_webhooks"] == 0
    right = {"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}
    first = await env_client.post("/api/webhooks/telegram", json=update, headers=right)
    again = await env_client.post("/api/webhooks/telegram", json=update, headers=right)

    assert (first.json(), again.json()) == ({"accepted": 1}, {"accepted": 0})
    [message] = (await inbox(env_client, admin, channel="telegram"))["items"]
    assert message["sender"] == {
        "phone": None,
        "email": None,
        "chat_id": "777000111",
        "name": "Ann Lee",
    }
    assert message["content"] == "Do you cater birthdays?"


def ringcentral_sms(event_uuid: str, text: str) -> dict[str, Any]:
    """RingCentral's instant message-store notification of an incoming SMS."""
    return {
        "uuid": event_uuid,
        "event": "/restapi/v1.0/account/~/extension/~/message-store/instant?type=SMS",
        "timestamp": "2025-10-25T10:30:00.000Z",
        "subscriptionId": "a7d2d0ac-0b2f-4a9b-8a4b-27f8d6e11b21",
        "ownerId": "1234567",
        "body": {
            "id": "1234567890",
            "to": [{"phoneNumber": "+14155550100", "location": "San Francisco, CA"}],
            "from": {"phoneNumber": "+19164445588", "name": "Bob Wilson"},
            "type": "SMS",
            "creationTime": "2025-10-25T10:30:00.000Z",
            "lastModifiedTime": "2025-10-25T10:30:00.000Z",
            "readStatus": "Unread",
            "priority": "Normal",
            "attachments": [{"id": "1", "type": "Text", "contentType": "text/plain"}],
            "direction": "Inbound",
            "availability": "Alive",
            "subject": text,
            "messageStatus": "Received",
        },
    }


async def test_ringcentral_echoes_the_validation_token_and_checks_the_verification_token(
    env_client: httpx.AsyncClient, database: Database
) -> None:
    admin: Actor = await signed_in_as(env_client, database, Role.admin)
    org = {"org": str(admin.organization.id)}  # type: ignore[union-attr]

    setup = await env_client.post(
        "/api/webhooks/ringcentral", params=org, headers={"Validation-Token": "f2e9a6b1-77c4"}
    )
    assert setup.status_code == 200
    assert setup.headers["validation-token"] == "f2e9a6b1-77c4"
    payload = ringcentral_sms("11529f0f-9d6b-4c3e-9c3d-5a8f3b9e2a10", "Running 10 min late")
    forged = await env_client.post(
        "/api/webhooks/ringcentral", params=org, json=payload, headers={"Verification-Token": "x"}
    )
    assert forged.status_code == 401
    assert await stored(database) == {
        "messages": 0,
        "conversations": 0,
        "opt_outs": 0,
        "inbound_webhooks": 0,
    }

    verified = {"Verification-Token": RINGCENTRAL_TOKEN}
    first = await env_client.post(
        "/api/webhooks/ringcentral", params=org, json=payload, headers=verified
    )
    again = await env_client.post(
        "/api/webhooks/ringcentral", params=org, json=payload, headers=verified
    )

    assert (first.json(), again.json()) == ({"accepted": 1}, {"accepted": 0})
    [message] = (await inbox(env_client, admin))["items"]
    assert message["provider"] == "ringcentral"
    assert message["content"] == "Running 10 min late"
    assert message["sender"]["phone"] == "+19164445588"
    assert message["sender"]["name"] == "Bob Wilson"
