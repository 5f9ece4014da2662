"""The worker's webhook poller: due deliveries are POSTed, retried with backoff for about a day.

Each delivery is claimed with a lease (status `delivering`, kit/leases.py), POSTed outside any
transaction, then its outcome is written if the lease is still ours. A worker killed mid-POST
leaves a lapsed lease and the delivery is sent again under the same `webhook-id`, which is what
receivers deduplicate on. A batch is sent concurrently, so one slow receiver holds up nobody
and each lease only has to outlast one attempt's deadline.

The last failure of a delivery flags its subscription: it gets no new deliveries until someone
re-activates it (PATCH `active: true`). Test pings get one attempt and never flag.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import timedelta

import httpx

from maitred.kit.clock import utcnow
from maitred.kit.leases import claim_due
from maitred.kit.pollers import PollContext, poller
from maitred.webhooks.catalog import TEST_EVENT
from maitred.webhooks.deliveries import DELIVERER, receives
from maitred.webhooks.models import WebhookDelivery, WebhookSubscription
from maitred.webhooks.posting import Attempt, Outcome, new_client, post
from maitred.webhooks.repository import SubscriptionRepository

log = logging.getLogger("maitred.webhooks")
BATCH = 20
LEASE_MARGIN_SECONDS = 30.0
# The wait after each failed attempt: 10 attempts over about 24 hours.
RETRY_DELAYS = tuple(
    timedelta(seconds=s) for s in (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@poller(DELIVERER, every=0.25, longest=1.0)
async def deliver_due(context: PollContext) -> int:
    claimed = await claim_due(
        context.database,
        WebhookDelivery,
        worker_id=context.worker_id,
        waiting="pending",
        working="delivering",
        batch=BATCH,
        lease_seconds=context.settings.webhook_timeout_seconds + LEASE_MARGIN_SECONDS,
    )
    if claimed:
        async with new_client(context.settings) as client:
            results = await asyncio.gather(
                *(deliver_one(context, client, delivery_id) for delivery_id in claimed),
                return_exceptions=True,
            )
        for delivery_id, result in zip(claimed, results, strict=True):
            if isinstance(result, BaseException):
                log.error("webhook delivery %s: %r; its lease will lapse", delivery_id, result)
    return len(claimed)


async def deliver_one(
    context: PollContext, client: httpx.AsyncClient, delivery_id: uuid.UUID
) -> None:
    prepared = await _prepare(context, delivery_id)
    if prepared is None:
        return
    if isinstance(prepared, Attempt):
        outcome = await post(client, context.settings, prepared)
        final = False
    else:
        outcome, final = prepared, True
    await _record(context, delivery_id, outcome, final=final)


async def _prepare(context: PollContext, delivery_id: uuid.UUID) -> Attempt | Outcome | None:
    """What to send; an outcome instead when it must not be sent; None when no longer ours."""
    async with context.database.transaction(write=False) as session:
        delivery = await session.get(WebhookDelivery, delivery_id)
        if delivery is None or delivery.locked_by != context.worker_id:
            return None
        subscription = await session.get(WebhookSubscription, delivery.subscription_id)
        if subscription is None:
            return None  # deleted meanwhile, and the delivery with it
        if delivery.attempts > MAX_ATTEMPTS:
            return Outcome(False, error="Gave up: earlier attempts ended without an outcome")
        if delivery.event_name != TEST_EVENT and not receives(subscription):
            return Outcome(False, error="Not sent: the subscription is inactive or flagged")
        return Attempt(
            url=subscription.url,
            secret=subscription.secret,
            webhook_id=delivery.event_id,
            payload=delivery.payload,
        )


async def _record(
    context: PollContext, delivery_id: uuid.UUID, outcome: Outcome, *, final: bool
) -> None:
    async with context.database.transaction() as session:
        delivery = await session.get(WebhookDelivery, delivery_id, with_for_update=True)
        if (
            delivery is None
            or delivery.locked_by != context.worker_id
            or delivery.status != "delivering"
        ):
            return  # the lease lapsed and another worker has it
        now = utcnow()
        delivery.locked_by = delivery.locked_until = None
        delivery.error = outcome.error
        if outcome.duration_ms is not None:
            delivery.response_status = outcome.response_status
            delivery.response_body = outcome.response_body
            delivery.duration_ms = outcome.duration_ms
        if outcome.succeeded:
            delivery.status, delivery.delivered_at = "succeeded", now
            delivery.next_attempt_at = None
            return
        test_ping = delivery.event_name == TEST_EVENT
        if not (final or test_ping or delivery.attempts >= MAX_ATTEMPTS):
            delivery.status = "pending"
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            return
        delivery.status, delivery.next_attempt_at = "failed", None
        if not test_ping and delivery.attempts >= MAX_ATTEMPTS:
            log.warning("webhook delivery %s failed for good; flagging", delivery_id)
            await SubscriptionRepository(session, delivery.organization_id).flag(
                delivery.subscription_id,
                at=now,
                reason=f"{delivery.event_name} failed {delivery.attempts} times over about a "
                f"day; the last error: {outcome.error}",
            )
