"""Shared steps of the webhook tests: subscribing, running the worker until idle, letting the
retry delays pass, and checking signatures the way a receiver would (stdlib only)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import update

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.webhooks.models import WebhookDelivery
from tests.factories import Actor

SUBSCRIPTIONS = "/api/v1/webhooks/subscriptions"
DELIVERIES = "/api/v1/webhooks/deliveries"


async def subscribe(
    client: httpx.AsyncClient,
    actor: Actor,
    url: str,
    events: Any = ("lead.created",),
    **fields: Any,
) -> dict[str, Any]:
    response = await client.post(
        SUBSCRIPTIONS, json={"url": url, "events": list(events), **fields}, headers=actor.headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def emit(database: Database, organization_id: uuid.UUID, name: str, **payload: Any) -> str:
    """A domain event as a service would emit it; its id, which is the webhook-id."""
    async with database.transaction() as session:
        event = await outbox.emit(session, name, organization_id=organization_id, **payload)
    return str(event.id)


async def time_passes(database: Database, delta: timedelta = timedelta(days=1)) -> None:
    """Every waiting delivery's retry delay is over."""
    async with database.transaction() as session:
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.status == "pending")
            .values(next_attempt_at=utcnow() - delta)
        )


async def deliveries_of(
    client: httpx.AsyncClient, actor: Actor, subscription_id: str, **query: Any
) -> dict[str, Any]:
    response = await client.get(
        f"{SUBSCRIPTIONS}/{subscription_id}/deliveries", params=query, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def standard_signature_ok(headers: dict[str, str], body: bytes, secret: str) -> bool:
    """Standard Webhooks: v1 = base64 HMAC-SHA256 of "{id}.{timestamp}.{body}", keyed with the
    base64-decoded secret after `whsec_`."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    versions = [part.split(",", 1) for part in headers["webhook-signature"].split(" ")]
    return any(v == "v1" and hmac.compare_digest(sig, expected) for v, sig in versions)


def seed_signature_ok(body: bytes, secret: str) -> bool:
    """Seed 004: `signature` = "sha256=" + hex HMAC-SHA256 of the body without it (compact JSON,
    sorted keys), keyed with the secret string."""
    parsed = json.loads(body)
    claimed = parsed.pop("signature")
    canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hmac.new(secret.encode(), canonical.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(claimed, f"sha256={digest}")
