"""Threads: who may continue one, handing it to a person and back, and what staff see of it
(messages, tool calls, cost)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.ai import turn_rows
from maitred.ai.models import AiMessage, AiThread
from maitred.ai.repository import Messages, Threads, ToolCalls
from maitred.identity.deps import AuthContext
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import InvalidState, NotFound
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.kit.roles import Role
from maitred.tenancy import memberships
from maitred.tenancy import service as tenancy_service

# Who takes a conversation over, in this order of preference.
TAKERS = (Role.staff, Role.manager, Role.admin)
STAFF = frozenset({Role.admin, Role.manager, Role.staff, Role.super_admin})


def thread_uuid(value: str) -> uuid.UUID:
    """Seed 001 writes `thread_abc123`; ours are `thread_<uuid>` or the bare uuid."""
    text = value.strip()
    if text.startswith("thread_"):
        text = text[len("thread_") :]
    try:
        return uuid.UUID(text)
    except ValueError:
        raise NotFound("No such thread") from None


async def open_thread(
    session: AsyncSession,
    organization_id: uuid.UUID,
    auth: AuthContext | None,
    thread_id: str | None,
    channel: str = "web",
    *,
    also: tuple[str, ...] = (),
    deferred: bool = False,
) -> AiThread:
    """The caller's thread (404 when it is another organization's or another user's), or a
    new one. An anonymous thread is reached by its id alone, a random uuid.

    An existing thread is claimed for this unit of work (an UPDATE): a second message to the
    same thread waits for this one's commit, so neither turn's state overwrites the other's,
    also when the reads before a turn's writes run outside SQLite's writers' turn. With
    `deferred`, a new thread is written with the turn's other rows (ai/turn_rows.py), for a
    caller that then runs `concierge.respond`."""
    threads = Threads(session, organization_id)
    if thread_id:
        found = await threads.claim(thread_uuid(thread_id), utcnow())
        if found is None or found.channel not in (channel, *also):
            raise NotFound("No such thread")
        is_staff = auth is not None and auth.role in STAFF
        if (
            found.owner_user_id is not None
            and not is_staff
            and (auth is None or auth.user_id != found.owner_user_id)
        ):
            raise NotFound("No such thread")
        return found
    owner = auth.user_id if auth is not None else None
    if deferred:
        thread = turn_rows.new_thread(
            session, organization_id, channel=channel, owner_user_id=owner
        )
    else:
        thread = threads.add(
            AiThread(channel=channel, status="open", owner_user_id=owner, state={})
        )
        await session.flush()
    session.info.setdefault(_NEW, set()).add(thread.id)
    return thread


_NEW = "ai_new_threads"


def is_new(session: AsyncSession, thread: AiThread) -> bool:
    """Whether this unit of work opened the thread (it has no messages to read yet)."""
    return thread.id in session.info.get(_NEW, ())


async def get_thread(
    session: AsyncSession, organization_id: uuid.UUID, thread_id: uuid.UUID
) -> AiThread:
    return await Threads(session, organization_id).get_or_404(thread_id)


async def hand_off(session: AsyncSession, thread: AiThread, reason: str) -> uuid.UUID | None:
    """The thread goes to a person: the least busy staff member (then manager, then admin), or
    the queue when nobody is there; either way `ai.handed_off` notifies the team."""
    if thread.status == "handed_off":
        return thread.assigned_user_id
    chosen: uuid.UUID | None = None
    for role in TAKERS:
        members = await memberships.active_members_with_roles(
            session, thread.organization_id, [role]
        )
        if members:
            loads = await Threads(session, thread.organization_id).open_handoffs_by_user()
            chosen = min(members, key=lambda m: (loads.get(m.user_id, 0), str(m.user_id))).user_id
            break
    thread.status = "handed_off"
    thread.assigned_user_id = chosen
    thread.handoff_reason = reason[:200]
    thread.updated_at = utcnow()
    await outbox.emit(
        session,
        "ai.handed_off",
        organization_id=thread.organization_id,
        thread_id=thread.id,
        assigned_user_id=chosen,
        reason=reason[:200],
    )
    return chosen


async def hand_back(session: AsyncSession, auth: AuthContext, thread_id: uuid.UUID) -> AiThread:
    thread = await Threads(session, auth.org_id).get_or_404(thread_id)
    if thread.status != "handed_off":
        raise InvalidState("The assistant already has this conversation")
    thread.status = "open"
    thread.assigned_user_id = None
    thread.handoff_reason = None
    thread.updated_at = utcnow()
    await session.flush()
    return thread


def thread_view(thread: AiThread) -> dict[str, Any]:
    return {
        "id": thread.id,
        "thread_id": f"thread_{thread.id}",
        "channel": thread.channel,
        "status": thread.status,
        "customer_id": thread.customer_id or thread.verified_customer_id,
        "assigned_user_id": thread.assigned_user_id,
        "handoff_reason": thread.handoff_reason,
        "last_intent": thread.last_intent,
        "cost": round(thread.cost_micros / 1_000_000, 6),
        "created_at": thread.created_at,
        "updated_at": thread.updated_at,
    }


def message_view(message: AiMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "role": message.role,
        "sender": "ai_assistant" if message.role == "assistant" else message.role,
        "content": message.content,
        "intent": message.intent,
        "sentiment": message.sentiment,
        "engine": message.engine,
        "status": message.status,
        "tool_calls": message.tool_calls,
        "created_at": message.created_at,
    }


async def list_threads(
    session: AsyncSession, auth: AuthContext, params: PageParams, listing: ListQuery
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """Latest activity first by default (seed 004's conventions: sort, created range, status)."""
    repository = Threads(session, auth.org_id)
    window = await tenancy_service.created_window(session, auth.org_id, listing)
    rows, info = await repository.listing_page(
        params, listing, window, repository.with_statuses(listing.statuses)
    )
    return [thread_view(t) for t in rows], info


async def read_thread(
    session: AsyncSession, auth: AuthContext, thread_id: uuid.UUID
) -> dict[str, Any]:
    thread = await Threads(session, auth.org_id).get_or_404(thread_id)
    messages = await Messages(session, auth.org_id).of_thread(thread.id)
    calls = await ToolCalls(session, auth.org_id).of_thread(thread.id)
    return thread_view(thread) | {
        "messages": [message_view(m) for m in messages],
        "tool_calls": [
            {
                "id": call.id,
                "tool": call.tool,
                "arguments": call.arguments,
                "outcome": call.outcome,
                "detail": call.detail,
                "actor_role": call.actor_role,
                "actor_user_id": call.actor_user_id,
                "engine": call.engine,
                "created_at": call.created_at,
            }
            for call in calls
        ],
    }


async def say(session: AsyncSession, thread: AiThread, text: str, role: str = "assistant") -> None:
    """A message of the assistant (or staff) that no engine wrote (a handoff's notice)."""
    Messages(session, thread.organization_id).add(
        AiMessage(thread_id=thread.id, role=role, content=text, engine="none", status="sent")
    )
    await session.flush()


async def send_draft(
    session: AsyncSession,
    auth: AuthContext,
    thread_id: uuid.UUID,
    message_id: uuid.UUID,
    content: str | None,
) -> dict[str, Any]:
    """A draft answer (a channel in `draft` mode) goes out as written, or as staff edited it."""
    from maitred.ai import channels

    thread = await Threads(session, auth.org_id).get_or_404(thread_id)
    message = await Messages(session, auth.org_id).get(message_id)
    if message is None or message.thread_id != thread.id:
        raise NotFound("No such message in this thread")
    if message.status != "draft":
        raise InvalidState("This answer was already sent")
    text = (content or message.content).strip()
    await channels.send_draft(session, auth.org_id, thread, message.id, text, auth.user_id)
    message.content, message.status = text, "sent"
    message.updated_at = utcnow()
    await session.flush()
    return message_view(message)


async def of_conversation(
    session: AsyncSession, auth: AuthContext, conversation_id: uuid.UUID
) -> dict[str, Any] | None:
    """The assistant's thread on an inbox conversation, with its drafts and each message's
    sentiment; None where the assistant has not spoken there."""
    thread = await Threads(session, auth.org_id).for_conversation(conversation_id)
    return None if thread is None else await read_thread(session, auth, thread.id)
