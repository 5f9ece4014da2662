"""The shared inbox: every message in and out, by conversation, as staff work through it.

Reads page by cursor (the lists only grow); marking a message read lowers its conversation's
unread count exactly once, however often it is marked. Sending from the inbox only queues:
the worker's sender delivers it (queue.py).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.kit.errors import ValidationFailed
from maitred.kit.letters import Outgoing
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo, paginate_by_cursor
from maitred.messaging import attachments, drafts, secret_bodies
from maitred.messaging.contacts import CHANNELS
from maitred.messaging.inbox_repository import InboxConversations, InboxMessages, MessageFilters
from maitred.messaging.models import Conversation, Message
from maitred.messaging.queue import queue_message
from maitred.tenancy import service as tenancy_service

# The key an address goes under in a message's sender and recipient.
_ADDRESS_KEYS = {"email": "email", "telegram": "chat_id"}


def _party(channel: str, address: str, name: str) -> dict[str, Any]:
    return {_ADDRESS_KEYS.get(channel, "phone"): address or None, "name": name}


def message_view(message: Message, files: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A message as the API and the live inbox show it (seed 003's fields and ours), with its
    attachments when the caller loaded them (attachments.views_for)."""
    theirs = _party(message.channel, message.contact, message.contact_name)
    ours = _party(message.channel, message.sender, "")
    inbound = message.direction == "inbound"
    return {
        "id": message.id,
        "direction": message.direction,
        "channel": message.channel,
        "provider": message.provider,
        "content": secret_bodies.visible_body(message),
        "subject": message.subject,
        "content_type": message.content_type,
        "sender": theirs if inbound else ours,
        "recipient": ours if inbound else theirs,
        "is_read": message.is_read,
        "read_at": message.read_at,
        "status": message.status,
        "category": message.category,
        "booking_id": message.booking_id,
        "order_id": message.order_id,
        "customer_id": message.customer_id,
        "conversation_id": message.conversation_id,
        "ai_generated": message.ai_generated,
        "author": drafts.author_of(message),
        "sentiment": (message.meta or {}).get("sentiment") if inbound else None,
        "created_at": message.created_at,
        "sent_at": message.sent_at,
        "delivered_at": message.delivered_at,
        "error": message.error,
        "attachments": files or [],
    }


async def list_inbox(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    cursor: str | None,
    limit: int,
    days: int | None = None,
    listing: ListQuery = NEWEST_FIRST,
    **filters: Any,
) -> tuple[list[dict[str, Any]], str | None]:
    """Newest first; `filters` are MessageFilters' fields. Seed 003 calls the channel
    `provider`: `provider=whatsapp` filters the channel, `provider=twilio` the provider."""
    if filters.get("provider") in CHANNELS and filters.get("channel") is None:
        filters["channel"], filters["provider"] = filters["provider"], None
    since = utcnow() - timedelta(days=days) if days else None
    rows, next_cursor = await paginate_by_cursor(
        session,
        InboxMessages(session, organization_id).filtered(MessageFilters(since=since, **filters)),
        created_at=Message.created_at,
        row_id=Message.id,
        cursor=cursor,
        limit=limit,
        **listing.cursor_bounds(
            await tenancy_service.created_window(session, organization_id, listing)
        ),
    )
    files = await attachments.views_for(session, organization_id, [row.id for row in rows])
    return [message_view(row, files.get(row.id)) for row in rows], next_cursor


CONVERSATION_SORT_FIELDS = tuple(InboxConversations.sorts)


async def list_conversations(
    session: AsyncSession,
    organization_id: uuid.UUID,
    params: PageParams,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[Conversation], PaginationInfo]:
    """The most recent activity first; threads without any message yet last."""
    window = await tenancy_service.created_window(session, organization_id, listing)
    return await InboxConversations(session, organization_id).listed(params, listing, window)


async def get_conversation(
    session: AsyncSession,
    organization_id: uuid.UUID,
    conversation_id: uuid.UUID,
    *,
    cursor: str | None,
    limit: int,
    listing: ListQuery = NEWEST_FIRST,
) -> dict[str, Any]:
    conversation = await InboxConversations(session, organization_id).get_or_404(conversation_id)
    messages, next_cursor = await list_inbox(
        session,
        organization_id,
        cursor=cursor,
        limit=limit,
        listing=listing,
        conversation_id=conversation.id,
    )
    return {**conversation_view(conversation), "messages": messages, "next_cursor": next_cursor}


def conversation_view(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "customer_id": conversation.customer_id,
        "display_name": conversation.display_name,
        "unread_count": conversation.unread_count,
        "last_message_at": conversation.last_message_at,
        "last_inbound_at": conversation.last_inbound_at,
        "created_at": conversation.created_at,
    }


async def mark_read(
    session: AsyncSession, organization_id: uuid.UUID, message_id: uuid.UUID
) -> dict[str, Any]:
    messages = InboxMessages(session, organization_id)
    message = await messages.get_or_404(message_id)
    if await messages.mark_read(message.id, utcnow()) and message.conversation_id:
        await InboxConversations(session, organization_id).note_read(message.conversation_id)
    await session.refresh(message)
    files = await attachments.views_for(session, organization_id, [message.id])
    return message_view(message, files.get(message.id))


async def send_draft(
    session: AsyncSession,
    organization_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    content: str | None,
    user_id: uuid.UUID | None,
) -> dict[str, Any]:
    message = await drafts.send_draft(
        session, organization_id, message_id, content=content, user_id=user_id
    )
    files = await attachments.views_for(session, organization_id, [message.id])
    return message_view(message, files.get(message.id))


def _plain_text(html: str) -> str:
    """A text part for an HTML email: the markup's words, tags dropped."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


async def send(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    channel: str,
    recipient: dict[str, Any],
    content: str,
    content_type: str = "text",
    subject: str = "",
    category: str = "transactional",
    booking_id: uuid.UUID | None = None,
    order_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
    created_by: uuid.UUID | None = None,
    attachment_ids: Sequence[uuid.UUID] = (),
) -> dict[str, Any]:
    """Queues the message (suppressed instead when marketing meets an opt-out), with the
    uploads `attachment_ids` names."""
    key = _ADDRESS_KEYS.get(channel, "phone")
    address = recipient.get(key)
    if not address:
        raise ValidationFailed(details={f"recipient.{key}": f"Required to send by {channel}"})
    if content_type == "html" and channel != "email":
        raise ValidationFailed(details={"content_type": "html is for email only"})
    if channel == "email" and not subject:
        organization = await tenancy_service.get(session, organization_id)
        subject = f"A message from {organization.name}" if organization else "A message"
    html = content if content_type == "html" else None
    message = await queue_message(
        session,
        organization_id,
        Outgoing(
            channel=channel,
            to=str(address),
            body_text=_plain_text(content) if html else content,
            body_html=html,
            subject=subject if channel == "email" else "",
            content_type=content_type,
            category=category,
            contact_name=recipient.get("name") or "",
            customer_id=customer_id,
            booking_id=booking_id,
            order_id=order_id,
            created_by=created_by,
        ),
    )
    files = await attachments.attach(session, organization_id, message, attachment_ids)
    return message_view(message, files)
