"""Settings, webhooks: subscriptions (the signing secret shown on the answer page only), a
subscription's deliveries, a test ping, and sending a failed or pending delivery again."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import Response

from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.settings_common import (
    BASE,
    Form,
    checked,
    done,
    render,
    section_user,
    text,
)
from maitred.identity.deps import AuthContext
from maitred.kit.deps import app_settings, database_of
from maitred.kit.errors import AppError
from maitred.kit.pagination import PageParams
from maitred.webhooks import deliveries as deliveries_service
from maitred.webhooks import subscriptions as subscriptions_service
from maitred.webhooks.catalog import ALL_EVENTS, KNOWN_EVENTS
from maitred.webhooks.schemas import SubscriptionCreate, SubscriptionUpdate

router = APIRouter(prefix="/webhooks", include_in_schema=False)
PATH = f"{BASE}/webhooks"
Readers = Annotated[AuthContext, section_user("webhooks:read")]
Writers = Annotated[AuthContext, section_user("webhooks:write")]
DONE = {
    "test": "Test event queued.",
    "redelivered": "Delivery queued again.",
    "deleted": "Subscription deleted.",
    "saved": "Subscription saved.",
}


async def _page(
    request: Request,
    auth: AuthContext,
    problems: Problems | None = None,
    created: tuple[str, str] | None = None,
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        subscriptions, _ = await subscriptions_service.list_subscriptions(
            session, organization_id=auth.org_id, params=PageParams(page=1, limit=100)
        )
    return render(
        request,
        auth,
        "settings/webhooks.html",
        {
            "title": "Webhooks",
            "subscriptions": subscriptions,
            "events": KNOWN_EVENTS,
            "created": created,
        },
        problems=problems,
        done=DONE,
    )


@router.get("")
async def webhooks_page(request: Request, auth: Readers) -> Response:
    return await _page(request, auth)


def _fields(form: FormData) -> dict[str, Any]:
    """The subscription form: its URL, events (or every event) and description."""
    events = [event for event in KNOWN_EVENTS if checked(form, f"event_{event}")]
    return {
        "url": text(form, "url"),
        "events": [ALL_EVENTS] if checked(form, "all_events") else events,
        "description": text(form, "description"),
    }


@router.post("")
async def create_subscription(request: Request, auth: Writers, form: Form) -> Response:
    """POST /webhooks/subscriptions; the answer shows the secret, the only time it is shown."""
    body = _fields(form)
    try:
        wanted = SubscriptionCreate.model_validate(body)
        async with database_of(request).transaction() as session:
            subscription, secret = await subscriptions_service.create(
                session,
                organization_id=auth.org_id,
                settings=app_settings(request),
                url=wanted.url,
                events=list(wanted.events),
                description=wanted.description,
                active=wanted.active,
                created_by=auth.user_id,
            )
            url = subscription.url
    except (AppError, ValidationError) as exc:
        return await _page(request, auth, problems_of(exc))
    response = await _page(request, auth, created=(url, secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/{subscription_id}/delete")
async def delete_subscription(
    request: Request, subscription_id: uuid.UUID, auth: Writers, form: Form
) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await subscriptions_service.delete(
                session, organization_id=auth.org_id, subscription_id=subscription_id
            )
    except AppError as exc:
        return await _page(request, auth, problems_of(exc))
    return done(PATH, "deleted")


async def _deliveries_page(
    request: Request,
    auth: AuthContext,
    subscription_id: uuid.UUID,
    problems: Problems | None = None,
) -> Response:
    async with database_of(request).transaction(write=False) as session:
        subscription = await subscriptions_service.get(
            session, organization_id=auth.org_id, subscription_id=subscription_id
        )
        deliveries, _ = await deliveries_service.list_deliveries(
            session,
            organization_id=auth.org_id,
            subscription_id=subscription_id,
            status=None,
            cursor=None,
            limit=50,
        )
    return render(
        request,
        auth,
        "settings/deliveries.html",
        {
            "title": "Webhook deliveries",
            "subscription": subscription,
            "deliveries": deliveries,
            "events": KNOWN_EVENTS,
            "all_events": ALL_EVENTS,
        },
        problems=problems,
        done=DONE,
    )


@router.get("/{subscription_id}")
async def deliveries_page(request: Request, subscription_id: uuid.UUID, auth: Readers) -> Response:
    return await _deliveries_page(request, auth, subscription_id)


@router.post("/{subscription_id}/edit")
async def edit_subscription(
    request: Request, subscription_id: uuid.UUID, auth: Writers, form: Form
) -> Response:
    """PATCH /webhooks/subscriptions/{id}: its URL (checked like a new one's), events,
    description, and whether it is active (activating clears a flag)."""
    try:
        changes = SubscriptionUpdate.model_validate(
            _fields(form) | {"active": checked(form, "active")}
        )
        async with database_of(request).transaction() as session:
            await subscriptions_service.update(
                session,
                organization_id=auth.org_id,
                settings=app_settings(request),
                subscription_id=subscription_id,
                changes=changes.model_dump(exclude_unset=True),
            )
    except (AppError, ValidationError) as exc:
        return await _deliveries_page(request, auth, subscription_id, problems_of(exc))
    return done(f"{PATH}/{subscription_id}", "saved")


@router.post("/{subscription_id}/test")
async def send_test(
    request: Request, subscription_id: uuid.UUID, auth: Writers, form: Form
) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await deliveries_service.queue_test(
                session, organization_id=auth.org_id, subscription_id=subscription_id
            )
    except AppError as exc:
        return await _deliveries_page(request, auth, subscription_id, problems_of(exc))
    return done(f"{PATH}/{subscription_id}", "test")


@router.post("/{subscription_id}/deliveries/{delivery_id}/redeliver")
async def redeliver(
    request: Request,
    subscription_id: uuid.UUID,
    delivery_id: uuid.UUID,
    auth: Writers,
    form: Form,
) -> Response:
    """POST /webhooks/deliveries/{id}/retry: the service says when it may not be sent again."""
    try:
        async with database_of(request).transaction() as session:
            await deliveries_service.retry(
                session, organization_id=auth.org_id, delivery_id=delivery_id
            )
    except AppError as exc:
        return await _deliveries_page(request, auth, subscription_id, problems_of(exc))
    return done(f"{PATH}/{subscription_id}", "redelivered")
