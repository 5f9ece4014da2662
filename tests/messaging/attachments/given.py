"""What the attachment tests share: a business whose channels point at local stand-ins of
Twilio, the WhatsApp Cloud API and the Telegram Bot API, uploads through HTTP, and signed
callbacks."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, signed_in_as
from tests.messaging.inbox.given import twilio_signature
from tests.messaging.providers import twilio_api

BOT_TOKEN = "123456:ABC-bot-token_of_hibachi"
TELEGRAM_SECRET = "telegram-secret-of-hibachi"
WHATSAPP_TOKEN = "EAAG-whatsapp-access-token"
WHATSAPP_SECRET = "meta-app-secret-of-hibachi"
PHONE_NUMBER_ID = "106540352242922"
ALICE = "+19164445566"


async def put_channel(
    client: httpx.AsyncClient, admin: Actor, channel: str, body: dict[str, Any]
) -> None:
    response = await client.put(
        f"/api/v1/messaging/channels/{channel}", json=body, headers=admin.headers
    )
    assert response.status_code == 200, response.text


async def given_business(client: httpx.AsyncClient, database: Database, api: str) -> Actor:
    """An admin whose organization sends SMS by Twilio, WhatsApp by Meta's Cloud API and
    Telegram by its bot, all three played by the stand-in at `api`."""
    admin = await signed_in_as(client, database, Role.admin)
    await put_channel(
        client,
        admin,
        "sms",
        {
            "provider": "twilio",
            "options": {
                "account_sid": twilio_api.ACCOUNT_SID,
                "from_number": twilio_api.FROM_NUMBER,
                "api_base": api,
            },
            "credentials": {"auth_token": twilio_api.AUTH_TOKEN},
        },
    )
    await put_channel(
        client,
        admin,
        "whatsapp",
        {
            "provider": "whatsapp_cloud",
            "options": {"phone_number_id": PHONE_NUMBER_ID, "api_base": api},
            "credentials": {"access_token": WHATSAPP_TOKEN, "app_secret": WHATSAPP_SECRET},
        },
    )
    await put_channel(
        client,
        admin,
        "telegram",
        {
            "provider": "telegram",
            "options": {"api_base": api},
            "credentials": {"bot_token": BOT_TOKEN, "webhook_secret": TELEGRAM_SECRET},
        },
    )
    return admin


async def upload(
    client: httpx.AsyncClient,
    actor: Actor,
    data: bytes,
    name: str = "photo.jpg",
    content_type: str = "image/jpeg",
) -> httpx.Response:
    return await client.post(
        "/api/v1/messages/attachments",
        files={"file": (name, data, content_type)},
        headers=actor.headers,
    )


async def send(
    client: httpx.AsyncClient, actor: Actor, channel: str, to: dict[str, str], **body: Any
) -> httpx.Response:
    return await client.post(
        "/api/v1/messages/send",
        json={"provider": channel, "recipient": to, "content": "Your menu", **body},
        headers=actor.headers,
    )


async def post_twilio(client: httpx.AsyncClient, admin: Actor, form: dict[str, str]) -> None:
    assert admin.organization is not None
    path = f"/api/webhooks/twilio?org={admin.organization.id}"
    response = await client.post(
        path,
        content=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(
                twilio_api.AUTH_TOKEN, f"http://testserver{path}", form
            ),
        },
    )
    assert response.status_code == 200, response.text


async def post_whatsapp(client: httpx.AsyncClient, admin: Actor, payload: dict[str, Any]) -> None:
    assert admin.organization is not None
    raw = orjson.dumps(payload)
    digest = hmac.new(WHATSAPP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    response = await client.post(
        f"/api/webhooks/whatsapp?org={admin.organization.id}",
        content=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"},
    )
    assert response.status_code == 200, response.text


async def post_telegram(client: httpx.AsyncClient, admin: Actor, update: dict[str, Any]) -> None:
    assert admin.organization is not None
    response = await client.post(
        f"/api/webhooks/telegram?org={admin.organization.id}",
        json=update,
        headers={"X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET},
    )
    assert response.status_code == 200, response.text


async def inbox(client: httpx.AsyncClient, actor: Actor) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/messages/inbox", headers=actor.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
