"""Answers the assistant drafted, waiting in the inbox (a channel in the assistant's `draft`
mode): staff send one as written, or edited, and only then is it queued for the sender.

A draft takes its place in the conversation when it is sent, so first-response times count
the customer's wait until then. Sent as written, the message stays the assistant's
(`ai_generated`); edited, it is the staff member's, marked as drafted by the assistant."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox, phones
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState
from maitred.kit.i18n import gettext
from maitred.messaging import contacts
from maitred.messaging.models import Message
from maitred.messaging.queue import emit_outcome, emit_queued
from maitred.messaging.repository import MessageRepository
from maitred.messaging.secret_bodies import visible_body

DRAFTED_BY = "drafted_by"


async def send_draft(
    session: AsyncSession,
    organization_id: uuid.UUID,
    message_id: uuid.UUID,
    *,
    content: str | None,
    user_id: uuid.UUID | None,
) -> Message:
    """Queues the draft (`content` replaces its text); 409 once it was sent."""
    message = await MessageRepository(session, organization_id).get_or_404(message_id)
    if message.status != "draft":
        raise InvalidState("This message is not a draft waiting to be sent")
    text = (content or "").strip()
    edited = bool(text) and text != message.body_text
    meta = dict(message.meta or {})
    if edited:
        message.body_text = text
        meta[DRAFTED_BY] = "assistant"
        message.ai_generated = False
        message.created_by = user_id
    else:
        meta["approved_by"] = str(user_id) if user_id else None
    message.meta = meta
    undialable = (
        phones.undialable_reason(message.contact)
        if message.channel in contacts.PHONE_CHANNELS
        else None
    )
    now = utcnow()
    message.status = "skipped" if undialable else "queued"
    message.error = undialable
    message.next_attempt_at = None if undialable else now
    message.created_at = message.updated_at = now
    await session.flush()
    await emit_queued(session, message)
    if undialable:
        await emit_outcome(session, "message.failed", message)
    await outbox.emit(
        session,
        "message.draft_sent",
        organization_id=organization_id,
        message_id=message.id,
        edited=edited,
        ai_thread_id=meta.get("ai_thread_id"),
        ai_message_id=meta.get("ai_message_id"),
    )
    return message


async def message_text(
    session: AsyncSession, organization_id: uuid.UUID, message_id: uuid.UUID
) -> str | None:
    """The text of one of the organization's messages, as the inbox shows it."""
    message = await MessageRepository(session, organization_id).get(message_id)
    return visible_body(message) if message is not None else None


def author_of(message: Message) -> dict[str, object]:
    """Who wrote a message, as the inbox and the figures show it: the customer, the assistant
    (a member of the team), a staff member, or maitred itself (notifications, reminders)."""
    if message.direction == "inbound":
        return _author("customer", name=message.contact_name)
    if message.ai_generated:
        # Its name as a member of the team, in the reader's language.
        return _author("assistant", name=gettext("AI assistant"))
    if message.created_by is not None:
        drafted = (message.meta or {}).get(DRAFTED_BY) == "assistant"
        return _author("staff", user_id=message.created_by, drafted=drafted)
    return _author("system")


def _author(
    kind: str, *, name: str = "", user_id: uuid.UUID | None = None, drafted: bool = False
) -> dict[str, object]:
    return {"type": kind, "user_id": user_id, "name": name, "drafted_by_assistant": drafted}
