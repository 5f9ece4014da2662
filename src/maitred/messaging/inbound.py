"""Messages that arrive, and what providers report about the ones we sent.

An inbound message joins its sender's conversation (the customer's, matched by phone or email,
or the address's own thread), counts as unread there, and emits `message.received`, whose
handlers run after commit (the inbox's live push among them). An SMS `STOP` is honoured as the
carriers require: that address gets no more marketing on SMS until it sends `START`.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import ValidationFailed
from maitred.messaging import attachments, contacts, scoring
from maitred.messaging.inbox_repository import InboxConversations, InboxMessages, OptOuts
from maitred.messaging.models import Message, OptOut
from maitred.messaging.provider_callbacks import Arrived, Callback, MediaRef, Reported
from maitred.messaging.queue import conversation_for, emit_outcome, region_of
from maitred.webhooks.inbound import store_once

# The carriers' opt-out and opt-in keywords (CTIA), matched on the whole message.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
# Where a report may move a message from: never backwards (a late `sent` after `delivered`).
_MAY_FOLLOW = {
    "sent": ("queued", "sending"),
    "delivered": ("queued", "sending", "sent"),
    "failed": ("queued", "sending", "sent"),
}


def _address(channel: str, raw: str, region: str) -> str:
    """Normalized like outbound addresses, so both directions share a thread; a sender that is
    no phone number (a short code, an alphanumeric id) is kept as given."""
    try:
        return contacts.normalize(channel, raw, region=region, field="from")
    except ValidationFailed:
        if raw.strip():
            return raw.strip()
        raise


async def receive(
    session: AsyncSession,
    organization_id: uuid.UUID,
    channel: str,
    provider: str,
    from_address: str,
    body: str,
    provider_message_id: str,
    contact_name: str = "",
    meta: dict[str, Any] | None = None,
    *,
    to_address: str = "",
    media: tuple[MediaRef, ...] = (),
) -> Message:
    address = _address(channel, from_address, await region_of(session, organization_id))
    conversation = await conversation_for(
        session,
        organization_id,
        channel=channel,
        address=address,
        customer_id=None,
        name=contact_name,
    )
    now = utcnow()
    message = Message(
        organization_id=organization_id,
        conversation_id=conversation.id,
        customer_id=conversation.customer_id,
        direction="inbound",
        channel=channel,
        provider=provider,
        contact=address,
        contact_index=contacts.contact_index(channel, address),
        contact_name=(contact_name or conversation.display_name)[:200],
        sender=to_address[:320],  # our side of the exchange
        body_text=body,
        status="received",
        provider_message_id=provider_message_id[:200] or None,
        is_read=False,
        meta=scoring.scored(meta, body),
        created_at=now,
        updated_at=now,
    )
    InboxMessages(session, organization_id).add(message)
    await session.flush()
    attachments.note_inbound(session, organization_id, message, provider, media)
    await InboxConversations(session, organization_id).note_inbound(conversation.id, now)
    if channel == "sms":
        await _honour_keyword(session, organization_id, message)
    await outbox.emit(
        session,
        "message.received",
        organization_id=organization_id,
        message_id=message.id,
        conversation_id=conversation.id,
        channel=channel,
        customer_id=message.customer_id,
    )
    return message


async def _honour_keyword(
    session: AsyncSession, organization_id: uuid.UUID, message: Message
) -> None:
    word = message.body_text.strip().strip(".!").upper()
    opt_outs = OptOuts(session, organization_id)
    if word in START_WORDS:
        await opt_outs.remove(message.channel, message.contact_index)
        return
    if word not in STOP_WORDS or await opt_outs.find(message.channel, message.contact_index):
        return
    try:
        async with session.begin_nested():
            opt_outs.add(
                OptOut(
                    channel=message.channel,
                    contact=message.contact,
                    contact_index=message.contact_index,
                    source="sms_stop",
                )
            )
            await session.flush()
    except IntegrityError:  # the same STOP, sent twice at once
        pass


async def update_status(
    session: AsyncSession,
    organization_id: uuid.UUID,
    provider: str,
    provider_message_id: str,
    status: str,
    error: str | None = None,
) -> Message | None:
    """The outbound message moved to `status` (sent, delivered or failed); None when the id is
    not one of ours, the status means nothing here, or the message is already further along."""
    if status not in _MAY_FOLLOW:
        return None
    messages = InboxMessages(session, organization_id)
    message = await messages.by_provider_id(provider, provider_message_id)
    if message is None:
        return None
    now = utcnow()
    values: dict[str, Any] = {"updated_at": now, "sent_at": func.coalesce(Message.sent_at, now)}
    if status == "delivered":
        values.update(delivered_at=now, error=None)
    elif status == "failed":
        values.update(failed_at=now, error=(error or f"{provider} reported failure")[:2000])
    moved = await messages.advance_status(
        message.id, status=status, from_statuses=_MAY_FOLLOW[status], **values
    )
    if not moved:
        return None
    await session.refresh(message)
    if status == "failed":
        await emit_outcome(session, "message.failed", message)
    return message


async def record_callbacks(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    provider: str,
    callbacks: list[Callback],
    headers: dict[str, str],
) -> int:
    """Each event of a verified callback is stored once and then applied; an event stored
    before (the provider retrying) is skipped. Returns how many events were new."""
    new = 0
    for callback in callbacks:
        stored = await store_once(
            session,
            provider=provider,
            event_id=callback.event_id,
            event_type=callback.event_type,
            payload=callback.audit,
            headers=headers,
            organization_id=organization_id,
        )
        if stored is None:
            continue
        new += 1
        if isinstance(callback, Arrived):
            await receive(
                session,
                organization_id,
                callback.channel,
                provider,
                callback.from_address,
                callback.body,
                callback.provider_message_id,
                callback.contact_name,
                callback.meta,
                to_address=callback.to_address,
                media=callback.media,
            )
        elif isinstance(callback, Reported):
            await update_status(
                session,
                organization_id,
                provider,
                callback.provider_message_id,
                callback.status,
                callback.error,
            )
        stored.processed_at = utcnow()
    return new
