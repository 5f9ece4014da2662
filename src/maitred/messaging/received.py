"""A received message as other domains read it (the assistant answers inbound messages)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.messaging.inbox_repository import InboxMessages


@dataclass(frozen=True)
class Received:
    id: uuid.UUID
    channel: str
    contact: str
    body: str
    customer_id: uuid.UUID | None
    conversation_id: uuid.UUID | None


async def received_message(
    session: AsyncSession, organization_id: uuid.UUID, message_id: uuid.UUID
) -> Received | None:
    """The inbound message, or None when it is not one (or another organization's)."""
    message = await InboxMessages(session, organization_id).get(message_id)
    if message is None or message.direction != "inbound":
        return None
    return Received(
        id=message.id,
        channel=message.channel,
        contact=message.contact,
        body=message.body_text,
        customer_id=message.customer_id,
        conversation_id=message.conversation_id,
    )
