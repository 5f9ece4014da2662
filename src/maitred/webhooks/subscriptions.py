"""Webhook subscriptions: where an organization's events are POSTed, and the signing secret
that lets receivers trust them (shown once, kept encrypted)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.kit.auditnote import record
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.tenancy import service as tenancy_service
from maitred.webhooks.models import WebhookSubscription
from maitred.webhooks.repository import SubscriptionRepository
from maitred.webhooks.signing import new_secret
from maitred.webhooks.targets import checked_target

EDITABLE = ("url", "events", "description", "active")


async def create(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    settings: Settings,
    url: str,
    events: list[str],
    description: str,
    active: bool,
    created_by: uuid.UUID | None,
) -> tuple[WebhookSubscription, str]:
    """The new subscription and its secret (the only time the secret leaves the database)."""
    await checked_target(url, settings)
    secret = new_secret()
    subscription = SubscriptionRepository(session, organization_id).add(
        WebhookSubscription(
            url=url,
            events=events,
            description=description,
            active=active,
            secret=secret,
            created_by=created_by,
        )
    )
    await session.flush()
    _audit("webhook_subscription.created", subscription, {"url": url, "events": events})
    return subscription, secret


SORT_FIELDS = tuple(SubscriptionRepository.sorts)


async def list_subscriptions(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    active: bool | None = None,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[Sequence[WebhookSubscription], PaginationInfo]:
    """Newest first unless another order is asked for; `search`: part of the URL."""
    repository = SubscriptionRepository(session, organization_id)
    window = await tenancy_service.created_window(session, organization_id, listing)
    statement = repository.matching(active=active, search=listing.search)
    return await repository.listing_page(params, listing, window, statement)


async def get(
    session: AsyncSession, *, organization_id: uuid.UUID, subscription_id: uuid.UUID
) -> WebhookSubscription:
    return await SubscriptionRepository(session, organization_id).get_or_404(subscription_id)


async def update(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    settings: Settings,
    subscription_id: uuid.UUID,
    changes: dict[str, Any],
) -> WebhookSubscription:
    """Fields given as null are left alone. Re-activating (`active: true`) clears a flag, so
    new events are delivered again."""
    subscription = await get(
        session, organization_id=organization_id, subscription_id=subscription_id
    )
    changes = {
        key: value for key, value in changes.items() if key in EDITABLE and value is not None
    }
    if "url" in changes:
        await checked_target(changes["url"], settings)
    for key, value in changes.items():
        setattr(subscription, key, value)
    if changes.get("active") is True:
        subscription.flagged_at = None
        subscription.flag_reason = None
    await session.flush()
    await session.refresh(subscription)
    _audit("webhook_subscription.updated", subscription, changes)
    return subscription


async def delete(
    session: AsyncSession, *, organization_id: uuid.UUID, subscription_id: uuid.UUID
) -> None:
    """Its deliveries go with it."""
    subscription = await get(
        session, organization_id=organization_id, subscription_id=subscription_id
    )
    await session.delete(subscription)
    await session.flush()
    _audit("webhook_subscription.deleted", subscription, {"url": subscription.url})


def _audit(action: str, subscription: WebhookSubscription, changes: dict[str, Any]) -> None:
    record(
        action,
        resource_type="webhook_subscription",
        resource_id=subscription.id,
        organization_id=subscription.organization_id,
        changes=changes,
    )
