"""What the inbox tests share: a business with staff, Twilio set up for it, and callbacks
signed the way each provider signs them (computed here from the providers' documentation, not
with maitred's own code)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
from typing import Any
from urllib.parse import urlencode

import httpx

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import Actor, signed_in_as

TWILIO_TOKEN = "twilio-auth-token-of-hibachi-at-home"
OUR_NUMBER = "+14155550100"
ALICE_PHONE = "+19164445566"
_sids = itertools.count(1)


async def given_business(
    client: httpx.AsyncClient, database: Database, *, twilio_api: str = "http://127.0.0.1:9"
) -> Actor:
    """An organization whose admin signed in and set SMS up with Twilio."""
    admin = await signed_in_as(client, database, Role.admin)
    await given_twilio(client, admin, twilio_api=twilio_api)
    return admin


async def given_twilio(
    client: httpx.AsyncClient, admin: Actor, *, twilio_api: str = "http://127.0.0.1:9"
) -> None:
    """The admin's organization sends and receives SMS through Twilio."""
    response = await client.put(
        "/api/v1/messaging/channels/sms",
        json={
            "provider": "twilio",
            "options": {
                "account_sid": "AC0123456789abcdef0123456789abcdef",
                "from_number": OUR_NUMBER,
                "api_base": twilio_api,
            },
            "credentials": {"auth_token": TWILIO_TOKEN},
        },
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text


async def given_customer(
    client: httpx.AsyncClient,
    admin: Actor,
    *,
    name: str = "Alice Johnson",
    phone: str = ALICE_PHONE,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/customers", json={"name": name, "phone": phone}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def new_sid() -> str:
    return f"SM{next(_sids):032x}"


def twilio_sms(body: str, *, sender: str = ALICE_PHONE, sid: str | None = None) -> dict[str, str]:
    """The form Twilio posts for an incoming SMS."""
    sid = sid or new_sid()
    return {
        "ToCountry": "US",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "SmsSid": sid,
        "SmsStatus": "received",
        "Body": body,
        "To": OUR_NUMBER,
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": sender,
        "ApiVersion": "2010-04-01",
    }


def twilio_signature(token: str, url: str, form: dict[str, str]) -> str:
    signed = url + "".join(key + form[key] for key in sorted(form))
    return base64.b64encode(
        hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    ).decode()


async def post_twilio(
    client: httpx.AsyncClient,
    admin: Actor,
    form: dict[str, str],
    *,
    token: str = TWILIO_TOKEN,
    signed_url: str | None = None,
) -> httpx.Response:
    assert admin.organization is not None
    path = f"/api/webhooks/twilio?org={admin.organization.id}"
    url = signed_url or f"http://testserver{path}"
    return await client.post(
        path,
        content=urlencode(form),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilio_signature(token, url, form),
        },
    )


async def inbox(client: httpx.AsyncClient, actor: Actor, **query: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/messages/inbox", params=query, headers=actor.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def stored(database: Database) -> dict[str, int]:
    """How many rows the inbox keeps, table by table: what a refused callback must not change."""
    from sqlalchemy import func, select

    from maitred.messaging.models import Conversation, Message, OptOut
    from maitred.webhooks.models import InboundWebhook

    async with database.transaction(write=False) as session:
        return {
            model.__tablename__: (await session.scalar(select(func.count()).select_from(model)))
            or 0
            for model in (Message, Conversation, OptOut, InboundWebhook)
        }
