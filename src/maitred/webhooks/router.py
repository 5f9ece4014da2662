"""/webhooks: subscriptions to domain events (seed 004), their deliveries, retries and pings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from maitred.identity.deps import AuthContext, requires
from maitred.kit.deps import AppSettings, DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.list_params import CURSOR_SORTS, ListQuery, list_query
from maitred.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, CursorPage, Page, Pagination
from maitred.webhooks import deliveries as deliveries_service
from maitred.webhooks import subscriptions as subscriptions_service
from maitred.webhooks.models import WebhookDelivery, WebhookSubscription
from maitred.webhooks.schemas import (
    DeliveryRead,
    DeliveryStatus,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
    404: {"model": ErrorBody, "description": "No such subscription or delivery here"},
}
REFUSED: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    422: {"model": ErrorBody, "description": "Unknown event, or a URL we may not POST to"},
}
CONFLICTS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    409: {"model": ErrorBody, "description": "`invalid_state`: not retryable now"},
}
Reader = Annotated[AuthContext, requires("webhooks:read")]
Writer = Annotated[AuthContext, requires("webhooks:write")]


@router.post(
    "/subscriptions", status_code=201, response_model=SubscriptionCreated, responses=REFUSED
)
async def create_subscription(
    body: SubscriptionCreate, auth: Writer, db: DbSession, settings: AppSettings
) -> dict[str, Any]:
    """The answer holds the signing secret, the only time it is shown."""
    subscription, secret = await subscriptions_service.create(
        db,
        organization_id=auth.org_id,
        settings=settings,
        url=body.url,
        events=list(body.events),
        description=body.description,
        active=body.active,
        created_by=auth.user_id,
    )
    return {**SubscriptionRead.model_validate(subscription).model_dump(), "secret": secret}


CursorListing = Annotated[ListQuery, list_query(sorts=CURSOR_SORTS)]
SubscriptionListing = Annotated[
    ListQuery,
    list_query(sorts=subscriptions_service.SORT_FIELDS, search="Part of the URL"),
]


@router.get("/subscriptions", response_model=Page[SubscriptionRead], responses=ERRORS)
async def list_subscriptions(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: SubscriptionListing,
    active: bool | None = None,
) -> dict[str, Any]:
    items, info = await subscriptions_service.list_subscriptions(
        db, organization_id=auth.org_id, params=pagination, active=active, listing=listing
    )
    return {"items": items, "pagination": info}


@router.get("/subscriptions/{subscription_id}", response_model=SubscriptionRead, responses=ERRORS)
async def get_subscription(
    subscription_id: uuid.UUID, auth: Reader, db: DbSession
) -> WebhookSubscription:
    return await subscriptions_service.get(
        db, organization_id=auth.org_id, subscription_id=subscription_id
    )


@router.patch(
    "/subscriptions/{subscription_id}", response_model=SubscriptionRead, responses=REFUSED
)
async def update_subscription(
    subscription_id: uuid.UUID,
    body: SubscriptionUpdate,
    auth: Writer,
    db: DbSession,
    settings: AppSettings,
) -> WebhookSubscription:
    """Only the fields sent change. `active: true` clears a flag: deliveries start again."""
    return await subscriptions_service.update(
        db,
        organization_id=auth.org_id,
        settings=settings,
        subscription_id=subscription_id,
        changes=body.model_dump(exclude_unset=True),
    )


@router.delete(
    "/subscriptions/{subscription_id}", status_code=204, response_class=Response, responses=ERRORS
)
async def delete_subscription(subscription_id: uuid.UUID, auth: Writer, db: DbSession) -> Response:
    """Its deliveries are deleted with it."""
    await subscriptions_service.delete(
        db, organization_id=auth.org_id, subscription_id=subscription_id
    )
    return Response(status_code=204)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    response_model=CursorPage[DeliveryRead],
    responses=ERRORS,
)
async def list_deliveries(
    subscription_id: uuid.UUID,
    auth: Reader,
    db: DbSession,
    listing: CursorListing,
    status: DeliveryStatus | None = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Newest first; pass `next_cursor` back as `cursor` for the next page (null: no more)."""
    items, next_cursor = await deliveries_service.list_deliveries(
        db,
        organization_id=auth.org_id,
        subscription_id=subscription_id,
        status=status.value if status else None,
        cursor=cursor,
        limit=limit,
        listing=listing,
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post(
    "/subscriptions/{subscription_id}/test",
    status_code=202,
    response_model=DeliveryRead,
    responses=ERRORS,
)
async def send_test_event(
    subscription_id: uuid.UUID, auth: Writer, db: DbSession
) -> WebhookDelivery:
    """Queues a `webhook.test` ping (one attempt, even to an inactive or flagged subscription);
    follow it with GET /webhooks/deliveries/{id}."""
    return await deliveries_service.queue_test(
        db, organization_id=auth.org_id, subscription_id=subscription_id
    )


@router.get("/deliveries/{delivery_id}", response_model=DeliveryRead, responses=ERRORS)
async def get_delivery(delivery_id: uuid.UUID, auth: Reader, db: DbSession) -> WebhookDelivery:
    return await deliveries_service.get(db, organization_id=auth.org_id, delivery_id=delivery_id)


@router.post(
    "/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=DeliveryRead,
    responses=CONFLICTS,
)
async def retry_delivery(delivery_id: uuid.UUID, auth: Writer, db: DbSession) -> WebhookDelivery:
    """Sends a pending or failed delivery again now (a failed one gets all its retries back)."""
    return await deliveries_service.retry(db, organization_id=auth.org_id, delivery_id=delivery_id)
