"""The worker's sender: queued messages go out through their channel's provider.

A batch is claimed with a lease (status `sending`, kit/leases.py) and read at once: the messages,
their providers (one per organization and channel) and their files. Each provider call runs
outside any transaction, and the outcomes are written together, at the end of the batch or as
soon as the oldest waits FLUSH_SECONDS (so a slow provider's outcomes are written one by one, as
they come), each only if the lease is still ours. A message whose turn comes after a good part
of the lease is spent has its lease renewed first, so the last message of a slow batch is not
taken over while the ones before it were sent. A worker killed before the provider answered
leaves a `sending` message whose lease lapses: the next worker sends it again, so nothing is
lost. Nothing is sent twice unless a worker dies between the provider accepting and our commit
(at most FLUSH_SECONDS of sends); the message id is passed to providers that deduplicate (as an
idempotency key, an email's Message-ID).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.clock import utcnow
from maitred.kit.leases import backoff, claim_due, renew_lease
from maitred.kit.pollers import PollContext, poller
from maitred.messaging import attachments, secret_bodies
from maitred.messaging.models import Message
from maitred.messaging.providers.base import (
    OutgoingMessage,
    PermanentSendError,
    Provider,
    SendResult,
)
from maitred.messaging.providers.registry import provider_for
from maitred.messaging.queue import SENDER, emit_outcome

log = logging.getLogger("maitred.messages")
BATCH = 20
MAX_BACKOFF_SECONDS = 6 * 3600.0
# Outcomes wait at most this long to be written (a worker killed meanwhile sends them again).
FLUSH_SECONDS = 0.05
_MESSAGES = cast(Table, Message.__table__)
_OURS = (_MESSAGES.c.id == bindparam("message_id")) & (_MESSAGES.c.locked_by == bindparam("worker"))
# Which of a batch's messages are still this worker's, locked until the outcomes commit.
_STILL_OURS = (
    select(_MESSAGES.c.id)
    .where(_MESSAGES.c.id.in_(bindparam("ids", expanding=True)))
    .where(_MESSAGES.c.locked_by == bindparam("worker"))
    .with_for_update()
)


# The outcome's UPDATE for each set of columns it writes (a handful of shapes), built once
# (a statement built per message cost more than running it) and run by executemany.
_OUTCOME_UPDATES: dict[tuple[str, ...], Any] = {}


def _outcome_update(columns: tuple[str, ...]) -> Any:
    statement = _OUTCOME_UPDATES.get(columns)
    if statement is None:
        statement = _OUTCOME_UPDATES[columns] = (
            update(_MESSAGES)
            .where(_OURS)
            .values({column: bindparam(f"v_{column}") for column in columns})
        )
    return statement


@dataclass(frozen=True)
class _Outcome:
    result: SendResult | None = None
    error: str | None = None
    permanent: bool = False


@dataclass(frozen=True)
class _Ready:
    provider: Provider
    outgoing: OutgoingMessage


@poller(SENDER, every=0.25, longest=1.0)
async def send_due(context: PollContext) -> int:
    claimed = await claim_due(
        context.database,
        Message,
        worker_id=context.worker_id,
        waiting="queued",
        working="sending",
        batch=BATCH,
        lease_seconds=context.settings.message_lease_seconds,
    )
    if claimed:
        await send_batch(context, claimed)
    return len(claimed)


async def send_batch(context: PollContext, message_ids: Sequence[uuid.UUID]) -> None:
    """Sends the claimed messages in order and writes their outcomes (module docstring)."""
    lease = context.settings.message_lease_seconds
    claimed_at = time.monotonic()
    messages, prepared = await _prepare(context, message_ids)
    done: list[tuple[Message, str, _Outcome]] = []
    written_at = time.monotonic()
    for message_id in message_ids:
        item = prepared.get(message_id)
        message = messages.get(message_id)
        if item is None or message is None:
            continue  # no longer ours
        if done and time.monotonic() - written_at >= FLUSH_SECONDS:
            await _record(context, done)
            done, written_at = [], time.monotonic()
        if isinstance(item, _Outcome):
            done.append((message, "", item))
            continue
        if time.monotonic() - claimed_at > lease / 3 and not await renew_lease(
            context.database, Message, message_id, worker_id=context.worker_id, lease_seconds=lease
        ):
            continue  # its lease lapsed and another worker has it
        done.append((message, item.provider.name, await _send(item)))
    if done:
        await _record(context, done)


async def _send(ready: _Ready) -> _Outcome:
    try:
        return _Outcome(result=await ready.provider.send(ready.outgoing))
    except PermanentSendError as exc:
        return _Outcome(error=_describe(exc), permanent=True)
    except Exception as exc:  # transient: timeouts, 5xx, rate limits, the unexpected
        log.warning("sending message %s failed: %s", ready.outgoing.id, exc)
        return _Outcome(error=_describe(exc))


async def _prepare(
    context: PollContext, message_ids: Sequence[uuid.UUID]
) -> tuple[dict[uuid.UUID, Message], dict[uuid.UUID, _Ready | _Outcome]]:
    """The messages still ours, and for each the provider and what to give it, or the outcome
    instead when it must not be sent."""
    prepared: dict[uuid.UUID, _Ready | _Outcome] = {}
    async with context.database.transaction(write=False) as session:
        found = (
            await session.scalars(
                select(Message).where(
                    Message.id.in_(message_ids), Message.locked_by == context.worker_id
                )
            )
        ).all()
        messages = {message.id: message for message in found}
        media = await attachments.media_for_sending(session, context.settings, found)
        providers: dict[tuple[uuid.UUID, str, bool], Provider | _Outcome] = {}
        for message in found:
            if message.attempts > context.settings.message_max_attempts:
                prepared[message.id] = _Outcome(
                    error="gave up: earlier attempts ended without an outcome"
                )
                continue
            secret = secret_bodies.holds_secret(message)
            key = (message.organization_id, message.channel, secret)
            if key not in providers:
                providers[key] = await _provider(session, context, *key)
            provider = providers[key]
            files = media[message.id]
            if isinstance(provider, _Outcome):
                prepared[message.id] = provider
            elif isinstance(files, Exception):  # storage unreachable: worth another try
                prepared[message.id] = _Outcome(
                    error=f"attachments not readable: {type(files).__name__}"
                )
            else:
                prepared[message.id] = _Ready(provider, _outgoing(message, secret, files))
    return messages, prepared


async def _provider(
    session: AsyncSession,
    context: PollContext,
    organization_id: uuid.UUID,
    channel: str,
    secret: bool,
) -> Provider | _Outcome:
    try:
        return await provider_for(
            session, organization_id, channel, context.settings, instance_only=secret
        )
    except (LookupError, ValueError, KeyError) as exc:
        return _Outcome(error=f"channel not usable: {exc}", permanent=True)


def _outgoing(message: Message, secret: bool, media: tuple[Any, ...]) -> OutgoingMessage:
    return OutgoingMessage(
        id=message.id,
        organization_id=message.organization_id,
        channel=message.channel,
        to=message.contact,
        to_name=message.contact_name,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        content_type=message.content_type,
        extra=dict(message.meta.get("extra") or {}),
        holds_secret=secret,
        media=media,
    )


def _describe(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    return (f"{code}: {exc}" if code else f"{type(exc).__name__}: {exc}")[:2000]


async def _record(context: PollContext, done: list[tuple[Message, str, _Outcome]]) -> None:
    """The outcomes in one transaction, each only where the lease is still ours (else another
    worker has the message since its lease lapsed); `message.sent` or `message.failed` for
    each that ended. Which are still ours is read (and locked) in one statement, and the
    outcomes of one shape are written by one executemany: a statement per message cost more
    than the rest of sending an offline one."""
    settings = context.settings
    async with context.database.transaction() as session:
        ours = set(
            (
                await session.scalars(
                    _STILL_OURS,
                    {"ids": [message.id for message, _, _ in done], "worker": context.worker_id},
                )
            ).all()
        )
        by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        ended: list[tuple[Message, dict[str, Any], str]] = []
        for message, provider_name, outcome in done:
            if message.id not in ours:
                continue
            values, event = _outcome_values(message, provider_name, outcome, settings)
            by_shape.setdefault(tuple(values), []).append(
                {"message_id": message.id, "worker": context.worker_id}
                | {f"v_{column}": value for column, value in values.items()}
            )
            if event:
                ended.append((message, values, event))
        for columns, rows in by_shape.items():
            await session.execute(_outcome_update(columns), rows)
        for message, values, event in ended:
            for column in ("status", "provider", "error"):
                if column in values:
                    setattr(message, column, values[column])
            await emit_outcome(session, event, message)


def _outcome_values(
    message: Message, provider_name: str, outcome: _Outcome, settings: Any
) -> tuple[dict[str, Any], str]:
    """The columns one outcome writes, and the event it emits ("" when it is retried)."""
    now = utcnow()
    values: dict[str, Any] = {"locked_by": None, "locked_until": None}
    if provider_name:
        values["provider"] = provider_name
    if outcome.result is not None:
        values |= {
            "status": outcome.result.status,
            "provider_message_id": outcome.result.provider_message_id,
            "sender": outcome.result.sender[:320],
            "sent_at": now,
            "error": None,
        }
        if outcome.result.status == "delivered":
            values["delivered_at"] = now
        if secret_bodies.erased_once_sent(message, settings):
            values |= {"body_text": secret_bodies.WITHHELD, "body_html": None}
        return values, "message.sent"
    if outcome.permanent or message.attempts >= settings.message_max_attempts:
        values |= {"status": "failed", "failed_at": now, "error": outcome.error}
        return values, "message.failed"
    values |= {
        "status": "queued",
        "error": outcome.error,
        "next_attempt_at": now
        + backoff(
            message.attempts,
            base_seconds=settings.message_backoff_seconds,
            max_seconds=MAX_BACKOFF_SECONDS,
        ),
    }
    return values, ""
