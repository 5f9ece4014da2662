"""The worker's sender: queued messages go out through their channel's provider.

Each message is claimed with a lease (status `sending`, kit/leases.py), renewed when its turn in
the batch comes; the provider is called outside any transaction, then the outcome is written if
the lease is still ours. A worker killed before the provider answered leaves a `sending` message
whose lease lapses: the next worker sends it again, so nothing is lost. Nothing is sent twice
unless a worker dies in the instant between the provider accepting and our commit; the message
id is passed to providers that deduplicate (as an idempotency key, an email's Message-ID).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

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
from maitred.messaging.queue import emit_outcome

log = logging.getLogger("maitred.messages")
BATCH = 20
MAX_BACKOFF_SECONDS = 6 * 3600.0


@dataclass(frozen=True)
class _Outcome:
    result: SendResult | None = None
    error: str | None = None
    permanent: bool = False


@poller("messaging.send")
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
    for message_id in claimed:
        await send_one(context, message_id)
    return len(claimed)


async def _prepare(
    context: PollContext, message_id: uuid.UUID
) -> tuple[Provider, OutgoingMessage] | _Outcome | None:
    """The provider and what to give it; an outcome instead when it must not be sent; None when
    the message is no longer ours."""
    lease = context.settings.message_lease_seconds
    if not await renew_lease(
        context.database, Message, message_id, worker_id=context.worker_id, lease_seconds=lease
    ):
        return None
    async with context.database.transaction(write=False) as session:
        message = await session.get(Message, message_id)
        if message is None or message.locked_by != context.worker_id:
            return None
        if message.attempts > context.settings.message_max_attempts:
            return _Outcome(error="gave up: earlier attempts ended without an outcome")
        try:
            provider = await provider_for(
                session,
                message.organization_id,
                message.channel,
                context.settings,
                instance_only=secret_bodies.holds_secret(message),
            )
        except (LookupError, ValueError, KeyError) as exc:
            return _Outcome(error=f"channel not usable: {exc}", permanent=True)
        try:
            media = await attachments.media_for_sending(session, context.settings, message)
        except Exception as exc:  # storage unreachable: worth another try
            return _Outcome(error=f"attachments not readable: {type(exc).__name__}")
        return provider, OutgoingMessage(
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
            holds_secret=secret_bodies.holds_secret(message),
            media=media,
        )


async def send_one(context: PollContext, message_id: uuid.UUID) -> None:
    prepared = await _prepare(context, message_id)
    if prepared is None:
        return
    provider_name = ""
    if isinstance(prepared, _Outcome):
        outcome = prepared
    else:
        provider, outgoing = prepared
        provider_name = provider.name
        try:
            outcome = _Outcome(result=await provider.send(outgoing))
        except PermanentSendError as exc:
            outcome = _Outcome(error=_describe(exc), permanent=True)
        except Exception as exc:  # transient: timeouts, 5xx, rate limits, the unexpected
            log.warning("sending message %s failed: %s", message_id, exc)
            outcome = _Outcome(error=_describe(exc))
    await _record(context, message_id, provider_name, outcome)


def _describe(exc: Exception) -> str:
    code = getattr(exc, "code", None)
    return (f"{code}: {exc}" if code else f"{type(exc).__name__}: {exc}")[:2000]


async def _record(
    context: PollContext, message_id: uuid.UUID, provider_name: str, outcome: _Outcome
) -> None:
    async with context.database.transaction() as session:
        message = await session.get(Message, message_id, with_for_update=True)
        if message is None or message.locked_by != context.worker_id:
            return  # the lease lapsed and another worker has it
        now = utcnow()
        message.locked_by = message.locked_until = None
        if provider_name:
            message.provider = provider_name
        if outcome.result is not None:
            message.status = outcome.result.status
            message.provider_message_id = outcome.result.provider_message_id
            message.sender = outcome.result.sender[:320]
            message.sent_at = now
            message.error = None
            secret_bodies.erase_once_sent(message, context.settings)
            if outcome.result.status == "delivered":
                message.delivered_at = now
            event = "message.sent"
        elif outcome.permanent or message.attempts >= context.settings.message_max_attempts:
            message.status, message.failed_at, message.error = "failed", now, outcome.error
            event = "message.failed"
        else:
            message.status, message.error = "queued", outcome.error
            message.next_attempt_at = now + backoff(
                message.attempts,
                base_seconds=context.settings.message_backoff_seconds,
                max_seconds=MAX_BACKOFF_SECONDS,
            )
            return
        await emit_outcome(session, event, message)
