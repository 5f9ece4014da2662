"""Queueing a message: the only way anything is sent. The request (or outbox handler) writes the
message as `queued` in its own transaction; the worker's sender (sending.py) sends it later, so
no provider call ever runs inside a request and a rolled-back change sends nothing.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import service as customers_service
from maitred.kit import letters, outbox, phones, pollers
from maitred.kit.clock import utcnow
from maitred.kit.errors import ValidationFailed
from maitred.kit.letters import Outgoing
from maitred.messaging import contacts, unsubscribe
from maitred.messaging.models import Conversation, Message
from maitred.messaging.repository import (
    ConversationRepository,
    MessageRepository,
    OptOutRepository,
    conversation_key,
)
from maitred.tenancy import service as tenancy_service

CATEGORIES = ("transactional", "marketing")
SENDER = "messaging.send"  # the poller that sends queued messages (sending.py)


async def region_of(session: AsyncSession, organization_id: uuid.UUID) -> str:
    organization = await tenancy_service.get(session, organization_id)
    return (organization.country if organization else None) or "US"


async def conversation_for(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    channel: str,
    address: str,
    customer_id: uuid.UUID | None,
    name: str = "",
) -> Conversation:
    """The thread of this customer, or of this address while nobody matches it."""
    if customer_id is None and channel != "telegram":
        email = address if channel == "email" else None
        phone = address if channel in contacts.PHONE_CHANNELS else None
        found = await customers_service.find_by_contact(
            session, organization_id=organization_id, email=email, phone=phone
        )
        if found is not None:
            customer_id, name = found.id, name or found.name
    key = conversation_key(customer_id, channel, contacts.contact_index(channel, address))
    repository = ConversationRepository(session, organization_id)
    conversation = await repository.by_key(key)
    if conversation is None:
        conversation = Conversation(
            organization_id=organization_id,
            contact_key=key,
            customer_id=customer_id,
            display_name=name[:200],
        )
        try:
            async with session.begin_nested():
                repository.add(conversation)
                await session.flush()
        except IntegrityError:  # opened by a concurrent message meanwhile
            conversation = await repository.by_key(key)
            assert conversation is not None
    elif name and not conversation.display_name:
        conversation.display_name = name[:200]
    return conversation


async def queue_message(
    session: AsyncSession, organization_id: uuid.UUID, outgoing: Outgoing
) -> Message:
    """The queued message (or the one already queued under its dedupe key). A marketing
    message to an opted-out address is kept as `suppressed`, and an SMS or WhatsApp message to
    a number not known to be dialable as `skipped` with the reason in `error`; neither is sent."""
    if outgoing.category not in CATEGORIES:
        raise ValidationFailed(details={"category": "transactional or marketing"})
    messages = MessageRepository(session, organization_id)
    if outgoing.dedupe_key and (found := await messages.by_dedupe_key(outgoing.dedupe_key)):
        return found
    region = await region_of(session, organization_id)
    address = contacts.normalize(outgoing.channel, outgoing.to, region=region)
    if outgoing.category == "marketing" and outgoing.channel == "email":
        outgoing = unsubscribe.with_unsubscribe_link(outgoing, organization_id, address)
    index = contacts.contact_index(outgoing.channel, address)
    opted_out = (
        outgoing.category == "marketing"
        and await OptOutRepository(session, organization_id).find(outgoing.channel, index)
        is not None
    )
    undialable = (
        phones.undialable_reason(address) if outgoing.channel in contacts.PHONE_CHANNELS else None
    )
    status = "suppressed" if opted_out else "skipped" if undialable else "queued"
    if outgoing.draft and status == "queued":
        status = "draft"  # staff send it from the inbox (drafts.py)
    conversation = await conversation_for(
        session,
        organization_id,
        channel=outgoing.channel,
        address=address,
        customer_id=outgoing.customer_id,
        name=outgoing.contact_name,
    )
    now = utcnow()
    message = Message(
        organization_id=organization_id,
        conversation_id=conversation.id,
        customer_id=outgoing.customer_id or conversation.customer_id,
        booking_id=outgoing.booking_id,
        lead_id=outgoing.lead_id,
        order_id=outgoing.order_id,
        direction="outbound",
        channel=outgoing.channel,
        provider="",  # set by the sender from the channel's configuration
        contact=address,
        contact_index=index,
        contact_name=outgoing.contact_name[:200],
        subject=outgoing.subject[:300],
        body_text=outgoing.body_text,
        body_html=outgoing.body_html,
        content_type=outgoing.content_type,
        template=outgoing.template,
        category=outgoing.category,
        status=status,
        error=undialable if status == "skipped" else None,
        dedupe_key=outgoing.dedupe_key,
        next_attempt_at=(outgoing.send_after or now) if status == "queued" else None,
        is_read=True,  # our own words need no reading
        created_by=outgoing.created_by,
        ai_generated=outgoing.ai_generated,
        meta=outgoing.meta or {},
        created_at=now,
        updated_at=now,
    )
    messages.add(message)
    conversation.last_message_at = now
    await session.flush()
    if status != "draft":
        await emit_queued(session, message)
    if status == "skipped":  # subscribers hear of a message that will not go out
        await emit_outcome(session, "message.failed", message)
    return message


async def emit_queued(session: AsyncSession, message: Message) -> None:
    if message.status == "queued":
        pollers.wake(session, SENDER)
    await outbox.emit(
        session,
        "message.queued",
        organization_id=message.organization_id,
        message_id=message.id,
        channel=message.channel,
        status=message.status,
        booking_id=message.booking_id,
        customer_id=message.customer_id,
    )


async def emit_outcome(session: AsyncSession, event: str, message: Message) -> None:
    """`message.sent` or `message.failed` with the same facts, whether the sender learned the
    outcome or a provider's status callback reported it later."""
    await outbox.emit(
        session,
        event,
        organization_id=message.organization_id,
        message_id=message.id,
        channel=message.channel,
        provider=message.provider,
        status=message.status,
        booking_id=message.booking_id,
        customer_id=message.customer_id,
        error=message.error,
    )


letters.install_queue(queue_message)
