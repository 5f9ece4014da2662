"""Queries of webhook subscriptions and deliveries, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Select, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.list_params import ANY_TIME, NEWEST_FIRST, CreatedWindow, ListQuery
from maitred.kit.pagination import paginate_by_cursor
from maitred.kit.repository import Repository, escape_like
from maitred.webhooks.models import WebhookDelivery, WebhookSubscription

RETRYABLE = ("pending", "failed")
# `receiving`'s events lists as one column, built once: the worker reads them once per
# organization a batch to skip fan-outs nobody wants (webhooks/events.py).
_RECEIVING_EVENTS = select(WebhookSubscription.events).where(
    WebhookSubscription.organization_id == bindparam("org"),
    WebhookSubscription.active.is_(True),
    WebhookSubscription.flagged_at.is_(None),
)


async def receiving_events(session: AsyncSession, organization_id: uuid.UUID) -> list[Any]:
    """The events lists of the organization's subscriptions that get new deliveries."""
    return list((await session.scalars(_RECEIVING_EVENTS, {"org": organization_id})).all())


class SubscriptionRepository(Repository[WebhookSubscription]):
    model: ClassVar[type[Any]] = WebhookSubscription
    not_found_message: ClassVar[str] = "No such webhook subscription"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": WebhookSubscription.created_at,
        "url": WebhookSubscription.url,
    }

    def matching(
        self, *, active: bool | None, search: str | None = None
    ) -> Select[tuple[WebhookSubscription]]:
        statement = self.scoped()
        if search:
            pattern = f"%{escape_like(search.lower())}%"
            statement = statement.where(
                func.lower(WebhookSubscription.url).like(pattern, escape="\\")
            )
        if active is not None:
            statement = statement.where(WebhookSubscription.active.is_(active))
        return statement

    async def receiving(self) -> Sequence[WebhookSubscription]:
        """Subscriptions that get new deliveries: active and not flagged (events are matched by
        the caller: JSON lists are not queried alike on SQLite and PostgreSQL)."""
        return await self.all(
            self.scoped().where(
                WebhookSubscription.active.is_(True), WebhookSubscription.flagged_at.is_(None)
            )
        )

    async def flag(self, subscription_id: uuid.UUID, *, at: datetime, reason: str) -> None:
        """Compare-and-swap: the first delivery to give up flags it; later ones keep its reason."""
        await self.session.execute(
            update(WebhookSubscription)
            .where(
                WebhookSubscription.organization_id == self.organization_id,
                WebhookSubscription.id == subscription_id,
                WebhookSubscription.flagged_at.is_(None),
            )
            .values(flagged_at=at, flag_reason=reason)
            .execution_options(synchronize_session=False)
        )


class DeliveryRepository(Repository[WebhookDelivery]):
    model: ClassVar[type[Any]] = WebhookDelivery
    not_found_message: ClassVar[str] = "No such webhook delivery"

    async def newest_first(
        self,
        *,
        subscription_id: uuid.UUID,
        status: str | None,
        cursor: str | None,
        limit: int,
        listing: ListQuery = NEWEST_FIRST,
        window: CreatedWindow = ANY_TIME,
    ) -> tuple[Sequence[WebhookDelivery], str | None]:
        statement = self.scoped().where(WebhookDelivery.subscription_id == subscription_id)
        if status is not None:
            statement = statement.where(WebhookDelivery.status == status)
        return await paginate_by_cursor(
            self.session,
            statement,
            created_at=WebhookDelivery.created_at,
            row_id=WebhookDelivery.id,
            cursor=cursor,
            limit=limit,
            **listing.cursor_bounds(window),
        )

    async def subscriptions_with(self, event_id: uuid.UUID) -> set[uuid.UUID]:
        """The subscriptions that already have a delivery of this event (a repeated fan-out)."""
        rows = await self.session.scalars(
            select(WebhookDelivery.subscription_id).where(
                WebhookDelivery.organization_id == self.organization_id,
                WebhookDelivery.event_id == event_id,
            )
        )
        return set(rows.all())

    async def requeue(self, delivery_id: uuid.UUID, *, now: datetime) -> bool:
        """Compare-and-swap: a pending delivery is due now; a failed one starts its retries over.
        False when it is being delivered or has succeeded meanwhile."""
        result = await self.session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.organization_id == self.organization_id,
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.status.in_(RETRYABLE),
            )
            .values(
                status="pending",
                next_attempt_at=now,
                attempts=case(
                    (WebhookDelivery.status == "failed", 0), else_=WebhookDelivery.attempts
                ),
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))
