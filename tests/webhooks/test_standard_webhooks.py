"""Subscribers verify our deliveries with the Standard Webhooks project's own library
(`standardwebhooks` on PyPI), byte for byte as their receivers would, not with our code."""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from maitred.config import Settings
from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import deliver_everything, signed_in_as
from tests.webhooks.given import emit, subscribe, time_passes
from tests.webhooks.receiver import Receiver


async def test_every_attempt_verifies_with_the_standard_webhooks_library(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    receiver.statuses = [503, 204]
    lead_id = str(uuid.uuid4())

    # Non-ASCII text, so the signed bytes are UTF-8 and not only ASCII.
    event_id = await emit(
        database, admin.organization.id, "lead.created", lead_id=lead_id, note="Zoë Müller 寿司"
    )
    await deliver_everything(database, settings)
    await time_passes(database)
    await deliver_everything(database, settings)

    first, second = receiver.received
    for attempt in (first, second):
        verified = Webhook(subscription["secret"]).verify(attempt.body, attempt.headers)
        assert verified == json.loads(attempt.body)
        assert verified["data"] == {"lead_id": lead_id, "note": "Zoë Müller 寿司"}
        assert attempt.headers["webhook-id"] == event_id
    assert "Zoë Müller 寿司".encode() in first.body
    assert first.body == second.body


async def test_a_changed_body_or_another_secret_does_not_verify(
    client: httpx.AsyncClient, database: Database, settings: Settings, receiver: Receiver
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    assert admin.organization is not None
    subscription = await subscribe(client, admin, receiver.url, ["lead.created"])
    other = await subscribe(client, admin, "https://example.com/other", ["customer.created"])

    await emit(database, admin.organization.id, "lead.created", lead_id=str(uuid.uuid4()))
    await deliver_everything(database, settings)

    [request] = receiver.received
    Webhook(subscription["secret"]).verify(request.body, request.headers)
    tampered = request.body.replace(b'"lead.created"', b'"lead.deleted"')
    assert tampered != request.body
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(tampered, request.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(other["secret"]).verify(request.body, request.headers)
    replayed_later = {
        **request.headers,
        "webhook-timestamp": str(int(request.headers["webhook-timestamp"]) + 1),
    }
    with pytest.raises(WebhookVerificationError):
        Webhook(subscription["secret"]).verify(request.body, replayed_later)
