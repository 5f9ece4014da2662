"""Answering SMS, WhatsApp and Telegram: the outbox handlers of ai/events.py.

A handler may run twice (delivery repeats after a crash): the thread remembers the inbound
message ids it answered. The sender's channel address, as the provider's signed callback gave
it, identifies the customer whose record holds that address: their proof for their own bookings.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import ai_settings, concierge
from maitred.ai.models import AiThread
from maitred.ai.repository import Messages, Threads
from maitred.config import instance_settings
from maitred.customers import service as customers_service
from maitred.identity import service as identity_service
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState
from maitred.kit.outbox import Event
from maitred.kit.roles import Role
from maitred.messaging import service as messaging_service
from maitred.tenancy import memberships

CHANNELS = ("sms", "whatsapp", "telegram")
_REMEMBERED = 50


async def _thread_for(
    session: AsyncSession, organization_id: uuid.UUID, received: messaging_service.Received
) -> AiThread:
    threads = Threads(session, organization_id)
    found = (
        await threads.for_conversation(received.conversation_id)
        if received.conversation_id
        else None
    )
    if found is not None and found.channel == received.channel:
        return found
    customer_id = received.customer_id
    if customer_id is None and received.channel in ("sms", "whatsapp"):
        match = await customers_service.find_by_contact(
            session, organization_id=organization_id, phone=received.contact
        )
        customer_id = match.id if match else None
    thread = threads.add(
        AiThread(
            channel=received.channel,
            status="open",
            conversation_id=received.conversation_id,
            customer_id=customer_id,
            verified_customer_id=customer_id,
            # The number that wrote is the booking's phone unless the customer says otherwise.
            state={"slots": {"phone": received.contact}} if received.channel != "telegram" else {},
        )
    )
    await session.flush()
    return thread


async def answer(session: AsyncSession, event: Event) -> None:
    """Answers the inbound message by the channel's mode: `auto` sends the answer, `draft`
    leaves it in the inbox for staff to send."""
    organization_id = event.organization_id
    channel = str(event.payload.get("channel") or "")
    if organization_id is None:
        return
    received = await messaging_service.received_message(
        session, organization_id, uuid.UUID(str(event.payload["message_id"]))
    )
    if received is None or not received.body.strip():
        return
    if channel not in CHANNELS:
        return
    mode = ai_settings.mode_for(await ai_settings.row_of(session, organization_id), channel)
    if mode == "off":
        return
    thread = await _thread_for(session, organization_id, received)
    answered = list((thread.state or {}).get("answered", []))
    if str(received.id) in answered:
        return
    result = await concierge.respond(
        session,
        concierge.Caller(organization_id),
        thread,
        received.body[:4000],
        instance_settings(),
        mode=mode,
        endpoint=f"channel_{channel}",
    )
    state = dict(thread.state or {})
    state["answered"] = [*answered, str(received.id)][-_REMEMBERED:]
    state["reply_to"] = {"channel": channel, "address": received.contact}
    if result.silent or mode not in ("auto", "draft"):
        thread.state = state
        return
    message = await messaging_service.queue_message(
        session,
        organization_id,
        messaging_service.Outgoing(
            channel=channel,
            to=received.contact,
            body_text=result.reply.text,
            customer_id=received.customer_id,
            contact_name="",
            ai_generated=True,
            draft=mode == "draft",
            meta={
                "ai_thread_id": str(thread.id),
                "ai_message_id": str(result.message.id) if result.message else None,
            },
        ),
    )
    if mode == "draft" and result.message is not None:
        # The inbox's draft and the thread's are one answer: sent from either place, once.
        drafts = dict(state.get("drafts") or {})
        drafts[str(result.message.id)] = str(message.id)
        state["drafts"] = dict(list(drafts.items())[-_REMEMBERED:])
    thread.state = state


async def send_draft(
    session: AsyncSession,
    organization_id: uuid.UUID,
    thread: AiThread,
    draft_id: uuid.UUID,
    text: str,
    user_id: uuid.UUID | None,
) -> None:
    """Staff send (maybe after editing) a reply the assistant drafted on a message channel:
    the inbox's draft of it when there is one, else a new message."""
    linked = ((thread.state or {}).get("drafts") or {}).get(str(draft_id))
    if linked:
        await messaging_service.send_draft(
            session, organization_id, uuid.UUID(linked), content=text, user_id=user_id
        )
        return
    reply_to = (thread.state or {}).get("reply_to")
    if not reply_to:
        raise InvalidState("This conversation has no channel to answer on")
    await messaging_service.queue_message(
        session,
        organization_id,
        messaging_service.Outgoing(
            channel=reply_to["channel"], to=reply_to["address"], body_text=text,
            customer_id=thread.customer_id, created_by=user_id,
        ),
    )  # fmt: skip


async def draft_sent(session: AsyncSession, event: Event) -> None:
    """A draft staff sent from the inbox is sent in the assistant's thread too (as edited)."""
    organization_id = event.organization_id
    ai_message_id = event.payload.get("ai_message_id")
    if organization_id is None or not ai_message_id:
        return
    found = await Messages(session, organization_id).get(uuid.UUID(str(ai_message_id)))
    if found is None or found.status != "draft":
        return
    text = await messaging_service.message_text(
        session, organization_id, uuid.UUID(str(event.payload["message_id"]))
    )
    found.content = text if text is not None else found.content
    found.status = "sent"
    found.updated_at = utcnow()


async def notify_handoff(session: AsyncSession, event: Event) -> None:
    """The assigned staff member (or, when the thread is queued, the managers and admins)
    get an email saying a conversation waits for them."""
    organization_id = event.organization_id
    if organization_id is None:
        return
    assigned = event.payload.get("assigned_user_id")
    if assigned:
        user_ids = [uuid.UUID(str(assigned))]
    else:
        members = await memberships.active_members_with_roles(
            session, organization_id, [Role.manager, Role.admin]
        )
        user_ids = [m.user_id for m in members]
    reason = str(event.payload.get("reason") or "")
    for user_id in user_ids:
        user = await identity_service.get_user(session, user_id)
        if user is None:
            continue
        await messaging_service.queue_message(
            session,
            organization_id,
            messaging_service.Outgoing(
                channel="email",
                to=user.email,
                subject="A conversation is waiting for you",
                body_text=(
                    f"The assistant handed a conversation to the team ({reason}). "
                    f"Open it at /api/v1/ai/threads/{event.payload.get('thread_id')}."
                ),
                dedupe_key=f"ai_handoff:{event.id}:{user_id}",
            ),
        )
