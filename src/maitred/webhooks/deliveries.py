"""Webhook deliveries: created when an event happens (one per matching subscription, payload
and signature fixed then), listed newest first, and sent again on request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit import pollers
from maitred.kit.clock import isoformat_z, utcnow
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.tenancy import service as tenancy_service
from maitred.webhooks import subscriptions as subscriptions_service
from maitred.webhooks.catalog import TEST_EVENT, wants
from maitred.webhooks.errors import NotRetryable
from maitred.webhooks.models import WebhookDelivery, WebhookSubscription
from maitred.webhooks.repository import DeliveryRepository, SubscriptionRepository
from maitred.webhooks.signing import signed_payload

DELIVERER = "webhooks.deliver"  # the poller that posts pending deliveries (delivering.py)


def _delivery(
    subscription: WebhookSubscription,
    *,
    event_id: uuid.UUID,
    event_name: str,
    happened_at: datetime,
    data: dict[str, Any],
) -> WebhookDelivery:
    return WebhookDelivery(
        subscription_id=subscription.id,
        event_id=event_id,
        event_name=event_name,
        payload=signed_payload(event_name, isoformat_z(happened_at), data, subscription.secret),
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )


async def fan_out(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    event_id: uuid.UUID,
    event_name: str,
    happened_at: datetime,
    data: dict[str, Any],
) -> int:
    """Queues the event for every active, unflagged subscription that asked for it; how many.
    Idempotent: a subscription that already has this event's delivery gets no second one."""
    deliveries = DeliveryRepository(session, organization_id)
    already = await deliveries.subscriptions_with(event_id)
    queued = 0
    for subscription in await SubscriptionRepository(session, organization_id).receiving():
        if subscription.id in already or not wants(subscription.events, event_name):
            continue
        deliveries.add(
            _delivery(
                subscription,
                event_id=event_id,
                event_name=event_name,
                happened_at=happened_at,
                data=data,
            )
        )
        queued += 1
    if queued:
        pollers.wake(session, DELIVERER)
    await session.flush()
    return queued


async def queue_test(
    session: AsyncSession, *, organization_id: uuid.UUID, subscription_id: uuid.UUID
) -> WebhookDelivery:
    """A `webhook.test` ping, sent even to an inactive or flagged subscription (to check the
    receiver before re-activating it)."""
    subscription = await subscriptions_service.get(
        session, organization_id=organization_id, subscription_id=subscription_id
    )
    now = utcnow()
    delivery = DeliveryRepository(session, organization_id).add(
        _delivery(
            subscription,
            event_id=uuid.uuid4(),
            event_name=TEST_EVENT,
            happened_at=now,
            data={
                "subscription_id": str(subscription.id),
                "message": "A test event from maitred: your endpoint is reachable.",
            },
        )
    )
    pollers.wake(session, DELIVERER)
    await session.flush()
    await session.refresh(delivery)
    return delivery


async def list_deliveries(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    subscription_id: uuid.UUID,
    status: str | None,
    cursor: str | None,
    limit: int,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[WebhookDelivery], str | None]:
    """Newest first, by cursor (deliveries pile up; pages by number would shift)."""
    await subscriptions_service.get(
        session, organization_id=organization_id, subscription_id=subscription_id
    )
    return await DeliveryRepository(session, organization_id).newest_first(
        subscription_id=subscription_id,
        status=status,
        cursor=cursor,
        limit=limit,
        listing=listing,
        window=await tenancy_service.created_window(session, organization_id, listing),
    )


async def get(
    session: AsyncSession, *, organization_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    return await DeliveryRepository(session, organization_id).get_or_404(delivery_id)


async def retry(
    session: AsyncSession, *, organization_id: uuid.UUID, delivery_id: uuid.UUID
) -> WebhookDelivery:
    """A pending delivery is due now; a failed one gets its full run of attempts again. Refused
    while the subscription is inactive or flagged (re-activate it first; test pings excepted),
    and for a delivery in flight or already delivered."""
    repository = DeliveryRepository(session, organization_id)
    delivery = await repository.get_or_404(delivery_id)
    subscription = await subscriptions_service.get(
        session, organization_id=organization_id, subscription_id=delivery.subscription_id
    )
    if delivery.event_name != TEST_EVENT and not receives(subscription):
        raise NotRetryable(
            "The subscription is inactive or flagged; re-activate it with PATCH active: true",
            details={"subscription_id": str(subscription.id)},
        )
    if not await repository.requeue(delivery_id, now=utcnow()):
        raise NotRetryable(
            f"A {delivery.status} delivery is not sent again", details={"status": delivery.status}
        )
    await session.refresh(delivery)
    return delivery


def receives(subscription: WebhookSubscription) -> bool:
    return subscription.active and subscription.flagged_at is None
