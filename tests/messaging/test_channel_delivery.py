"""End to end: an organization points its SMS channel at Twilio (a local stand-in) through the
API, a message is queued, and the worker sends it; Twilio's answers decide the message's fate."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from maitred.config import Settings
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.messaging import service as messaging_service
from maitred.messaging.models import Message
from maitred.tenancy.models import Organization
from tests.factories import deliver_everything, signed_in_as
from tests.messaging.providers import twilio_api
from tests.messaging.providers.given import basic_auth
from tests.messaging.providers.standin import StandIn


@pytest.fixture
def twilio() -> Iterator[StandIn]:
    with StandIn(twilio_api.play).running() as server:
        yield server


async def organization_on_twilio(
    client: httpx.AsyncClient, database: Database, twilio: StandIn
) -> Organization:
    admin = await signed_in_as(client, database, Role.admin)
    response = await client.put(
        "/api/v1/messaging/channels/sms",
        json={
            "provider": "twilio",
            "options": {
                "account_sid": twilio_api.ACCOUNT_SID,
                "from_number": twilio_api.FROM_NUMBER,
                "api_base": twilio.url,
            },
            "credentials": {"auth_token": twilio_api.AUTH_TOKEN},
        },
        headers=admin.headers,
    )
    assert response.status_code == 200, response.text
    assert admin.organization is not None
    return admin.organization


async def queue_sms(database: Database, organization: Organization, to: str) -> uuid.UUID:
    async with database.transaction() as session:
        message = await messaging_service.queue_message(
            session,
            organization.id,
            messaging_service.Outgoing(channel="sms", to=to, body_text="hi"),
        )
        return message.id


async def stored(database: Database, message_id: uuid.UUID) -> Message:
    async with database.transaction(write=False) as session:
        found = await session.scalar(select(Message).where(Message.id == message_id))
        assert found is not None
        return found


async def test_the_worker_sends_through_the_organizations_twilio(
    client: httpx.AsyncClient, database: Database, settings: Settings, twilio: StandIn
) -> None:
    organization = await organization_on_twilio(client, database, twilio)
    message_id = await queue_sms(database, organization, "+14155550100")

    await deliver_everything(database, settings)

    (request,) = twilio.requests
    assert request.path == f"/2010-04-01/Accounts/{twilio_api.ACCOUNT_SID}/Messages.json"
    assert request.headers["authorization"] == basic_auth(
        twilio_api.ACCOUNT_SID, twilio_api.AUTH_TOKEN
    )
    assert request.form() == {"To": "+14155550100", "From": "+14155550000", "Body": "hi"}
    message = await stored(database, message_id)
    assert (message.status, message.provider, message.sender, message.error) == (
        "sent",
        "twilio",
        "+14155550000",
        None,
    )
    assert message.provider_message_id is not None
    assert message.provider_message_id.startswith("SM")
    assert message.sent_at is not None


async def test_a_twilio_outage_leaves_the_message_queued_for_later(
    client: httpx.AsyncClient, database: Database, settings: Settings, twilio: StandIn
) -> None:
    organization = await organization_on_twilio(client, database, twilio)
    twilio.answer_next(twilio_api.error(500, 20500, "Internal Server Error"))
    before = utcnow()
    message_id = await queue_sms(database, organization, "+14155550100")

    await deliver_everything(database, settings)

    assert len(twilio.requests) == 1
    message = await stored(database, message_id)
    assert (message.status, message.attempts, message.provider_message_id) == ("queued", 1, None)
    assert message.error == "20500: twilio answered 500: Internal Server Error"
    assert message.next_attempt_at is not None
    assert message.next_attempt_at >= before + timedelta(seconds=settings.message_backoff_seconds)


async def test_an_invalid_number_fails_the_message(
    client: httpx.AsyncClient, database: Database, settings: Settings, twilio: StandIn
) -> None:
    organization = await organization_on_twilio(client, database, twilio)
    message_id = await queue_sms(database, organization, twilio_api.INVALID_NUMBER)

    await deliver_everything(database, settings)

    message = await stored(database, message_id)
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.error == (
        "21211: twilio answered 400: The 'To' number +14155550199 is not a valid phone number."
    )
    assert message.failed_at is not None
