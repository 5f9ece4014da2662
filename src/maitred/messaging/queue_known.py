"""Queueing a known customer's transactional messages (the automatic notices of a booking) with
compiled statements: the outbox handlers that write them run for every booking, so this is a
hot path (ARCHITECTURE.md). What `queue.queue_message` does for one message through the ORM,
done here for one notice's channels at once: one read of the dedupe keys already used, one
upsert of the customer's conversation (RETURNING its id, on both databases), one INSERT of the
messages, and their `message.queued` events. Inside `queued_together` (a set-based handler's
batch of notices) the notices are kept until it ends and then queued all at once: one read of
the dedupe keys, one upsert of the conversations, one INSERT of the messages for all of them.
Anything else (marketing, drafts, an address that matches no customer yet) goes through
`queue_message`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import outbox, phones, pollers
from maitred.kit.clock import utcnow
from maitred.kit.errors import ValidationFailed
from maitred.kit.letters import Outgoing
from maitred.messaging import contacts
from maitred.messaging.models import Conversation, Message
from maitred.messaging.queue import SENDER, queue_message, region_of
from maitred.messaging.repository import conversation_key

log = logging.getLogger("maitred.notifications")
_MESSAGES = cast(Table, Message.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)
_USED_KEYS = select(_MESSAGES.c.dedupe_key).where(
    _MESSAGES.c.organization_id == bindparam("org"),
    _MESSAGES.c.dedupe_key.in_(bindparam("keys", expanding=True)),
)


def _fits(outgoing: Outgoing) -> bool:
    return (
        outgoing.customer_id is not None
        and outgoing.category == "transactional"
        and not outgoing.draft
        and not outgoing.meta
        and outgoing.send_after is None
    )


def _conversation_upsert(dialect: str) -> Any:
    """The customer's thread: made if new, its last message now, its name kept if it has one."""
    module: Any = postgresql if dialect == "postgresql" else sqlite
    statement = module.insert(_CONVERSATIONS)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[_CONVERSATIONS.c.organization_id, _CONVERSATIONS.c.contact_key],
        set_={
            "last_message_at": excluded.last_message_at,
            "updated_at": excluded.updated_at,
            "display_name": case(
                (_CONVERSATIONS.c.display_name == "", excluded.display_name),
                else_=_CONVERSATIONS.c.display_name,
            ),
        },
    )


_DIALECTS = ("sqlite", "postgresql")
_UPSERTS = {d: _conversation_upsert(d).returning(_CONVERSATIONS.c.id) for d in _DIALECTS}
# Several customers' threads at once (an executemany): which id each contact key has.
_UPSERTS_MANY = {
    d: _conversation_upsert(d).returning(_CONVERSATIONS.c.id, _CONVERSATIONS.c.contact_key)
    for d in _DIALECTS
}
# A notice: its organization and its messages (one customer's, one per channel).
_Notice = tuple[uuid.UUID, Sequence[Outgoing]]
_TOGETHER: ContextVar[list[_Notice] | None] = ContextVar("queued_together", default=None)


@asynccontextmanager
async def queued_together(session: AsyncSession) -> AsyncIterator[None]:
    """Notices `queue_to_customer` is given inside are queued when it ends, all at once (module
    docstring); should the body fail, none is. Their count is then what was given."""
    notices: list[_Notice] = []
    token = _TOGETHER.set(notices)
    try:
        yield
    finally:
        _TOGETHER.reset(token)
    by_organization: dict[uuid.UUID, list[Sequence[Outgoing]]] = {}
    for organization_id, outgoings in notices:
        by_organization.setdefault(organization_id, []).append(outgoings)
    for organization_id, batch in by_organization.items():
        await _queue_notices(session, organization_id, batch)


async def queue_to_customer(
    session: AsyncSession, organization_id: uuid.UUID, outgoings: Sequence[Outgoing]
) -> int:
    """How many of `outgoings` are queued (or were already, under their dedupe key); one to an
    address its channel cannot use is left out (and logged)."""
    if (
        not all(_fits(outgoing) for outgoing in outgoings)
        or len({outgoing.customer_id for outgoing in outgoings}) != 1
    ):
        return await _one_by_one(session, organization_id, outgoings)
    together = _TOGETHER.get()
    if together is not None:
        together.append((organization_id, outgoings))
        return len(outgoings)
    return await _queue_notices(session, organization_id, [outgoings])


async def _queue_notices(
    session: AsyncSession, organization_id: uuid.UUID, notices: Sequence[Sequence[Outgoing]]
) -> int:
    """One or more notices (each one customer's messages) of one organization, queued with one
    statement per shape; how many messages are queued or were already."""
    keys = [o.dedupe_key for outgoings in notices for o in outgoings if o.dedupe_key]
    used = set()
    if keys:
        used = set(
            (await session.scalars(_USED_KEYS, {"org": organization_id, "keys": keys})).all()
        )
    queued = sum(len(outgoings) for outgoings in notices)
    shared = outbox.shared_by_batch()
    region_key = ("messaging.region", organization_id)
    if region_key not in shared:
        shared[region_key] = await region_of(session, organization_id)
    region = shared[region_key]
    fresh: list[tuple[str, Outgoing, _Address]] = []  # with their thread's contact key
    threads: dict[str, dict[str, Any]] = {}
    now = utcnow()
    for outgoings in notices:
        for outgoing in outgoings:
            if outgoing.dedupe_key in used:
                continue
            try:
                address = _address(shared, outgoing.channel, outgoing.to, region)
            except ValidationFailed as exc:
                log.warning(
                    "not sending %s by %s: %s", outgoing.template, outgoing.channel, exc.details
                )
                queued -= 1
                continue
            if outgoing.dedupe_key:
                used.add(outgoing.dedupe_key)
            # The thread of the notice's first message that goes (as queued alone).
            key = conversation_key(outgoing.customer_id, outgoing.channel, "")
            fresh.append((key, outgoing, address))
            threads.setdefault(key, _thread(organization_id, key, outgoing, now))
    if not fresh:
        return queued
    dialect = session.get_bind().dialect.name
    if len(threads) == 1:
        ids = {key: await session.scalar(_UPSERTS[dialect], row) for key, row in threads.items()}
    else:
        found = await session.execute(_UPSERTS_MANY[dialect], list(threads.values()))
        ids = {key: conversation_id for conversation_id, key in found.all()}
    # A microsecond apart, so that they list in the order given (as queued one by one).
    rows = [
        _row(organization_id, ids[key], outgoing, address, now + timedelta(microseconds=n))
        for n, (key, outgoing, address) in enumerate(fresh)
    ]
    await session.execute(insert(_MESSAGES), rows)
    if any(row["status"] == "queued" for row in rows):
        pollers.wake(session, SENDER)
    for row in rows:
        facts = {
            "message_id": row["id"],
            "channel": row["channel"],
            "status": row["status"],
            "booking_id": row["booking_id"],
            "customer_id": row["customer_id"],
        }
        await outbox.emit(session, "message.queued", organization_id=organization_id, **facts)
        if row["status"] == "skipped":  # subscribers hear of a message that will not go out
            await outbox.emit(
                session,
                "message.failed",
                organization_id=organization_id,
                provider="",
                error=row["error"],
                **facts,
            )
    return queued


def _thread(organization_id: uuid.UUID, key: str, first: Outgoing, now: Any) -> dict[str, Any]:
    """The customer's thread: made if new, its last message now, its name kept if it has one."""
    return {
        "id": uuid.uuid4(),
        "organization_id": organization_id,
        "contact_key": key,
        "customer_id": first.customer_id,
        "display_name": first.contact_name[:200],
        "last_message_at": now,
        "last_inbound_at": None,
        "unread_count": 0,
        "created_at": now,
        "updated_at": now,
    }


async def _one_by_one(
    session: AsyncSession, organization_id: uuid.UUID, outgoings: Sequence[Outgoing]
) -> int:
    queued = 0
    for outgoing in outgoings:
        try:
            await queue_message(session, organization_id, outgoing)
        except ValidationFailed as exc:
            log.warning(
                "not sending %s by %s: %s", outgoing.template, outgoing.channel, exc.details
            )
            continue
        queued += 1
    return queued


@dataclass(frozen=True)
class _Address:
    """An address as a message keeps it: normalized, its blind index, why it cannot be dialed."""

    contact: str
    index: str
    undialable: str | None


def _address(shared: dict[Any, Any], channel: str, to: str, region: str) -> _Address:
    """Worked out once per worker batch: a booking's notices (its confirmation, its deposit
    request) go to the same addresses, and phone parsing and the blind index's HMAC are most
    of what queueing them costs. A ValidationFailed is not kept: it is raised again."""
    key = ("messaging.address", channel, to, region)
    found: _Address | None = shared.get(key)
    if found is None:
        contact = contacts.normalize(channel, to, region=region)
        found = shared[key] = _Address(
            contact=contact,
            index=contacts.contact_index(channel, contact),
            undialable=(
                phones.undialable_reason(contact) if channel in contacts.PHONE_CHANNELS else None
            ),
        )
    return found


def _row(
    organization_id: uuid.UUID,
    conversation_id: uuid.UUID | None,
    outgoing: Outgoing,
    address: _Address,
    now: Any,
) -> dict[str, Any]:
    undialable = address.undialable
    return {
        "id": uuid.uuid4(),
        "organization_id": organization_id,
        "conversation_id": conversation_id,
        "customer_id": outgoing.customer_id,
        "booking_id": outgoing.booking_id,
        "lead_id": outgoing.lead_id,
        "order_id": outgoing.order_id,
        "direction": "outbound",
        "channel": outgoing.channel,
        "provider": "",
        "contact": address.contact,
        "contact_index": address.index,
        "contact_name": outgoing.contact_name[:200],
        "sender": "",
        "subject": outgoing.subject[:300],
        "body_text": outgoing.body_text,
        "body_html": outgoing.body_html,
        "content_type": outgoing.content_type,
        "template": outgoing.template,
        "category": outgoing.category,
        "status": "skipped" if undialable else "queued",
        "dedupe_key": outgoing.dedupe_key,
        "provider_message_id": None,
        "error": undialable,
        "attempts": 0,
        "next_attempt_at": None if undialable else now,
        "locked_by": None,
        "locked_until": None,
        "sent_at": None,
        "delivered_at": None,
        "failed_at": None,
        "is_read": True,  # our own words need no reading
        "read_at": None,
        "ai_generated": outgoing.ai_generated,
        "created_by": outgoing.created_by,
        "meta": {},
        "created_at": now,
        "updated_at": now,
    }
