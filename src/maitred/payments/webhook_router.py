"""Stripe's webhook (seed 001's `/webhooks/stripe`, seed 000's `/stripe/webhook`, and one per
organization with its own Stripe account), and the public pages a customer paying a deposit
passes through."""

from __future__ import annotations

import html
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, Field

from maitred.kit.db import Database
from maitred.kit.deps import DbSession, app_settings, get_database
from maitred.kit.errors import (
    AppError,
    ErrorBody,
    ExternalServiceFailed,
    InvalidRequest,
)
from maitred.kit.unknown_query import accepts_any_query
from maitred.payments import accounts, public_links, stripe_events
from maitred.payments.providers.base import InvalidWebhookSignature
from maitred.payments.providers.stripe import verify_event
from maitred.webhooks.inbound import WebhookSignatureInvalid

router = APIRouter(tags=["payments"])
public_router = APIRouter(prefix="/public/payments", tags=["payments"])
MAX_BODY = 1024 * 1024
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Too large"},
    401: {"model": ErrorBody, "description": "Stripe-Signature missing, wrong or too old"},
}


class StripeReceived(BaseModel):
    received: bool = True
    accepted: int = Field(description="1 for an event new to us, 0 for Stripe's retry")


BAD_SIGNATURE = "The Stripe-Signature is missing, wrong or too old"


async def _receive(
    request: Request, db: DbSession, endpoint_organization: uuid.UUID | None
) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise InvalidRequest("The event is too large")
    header = request.headers.get("stripe-signature")
    secret = await accounts.webhook_secret(db, endpoint_organization, app_settings(request))
    if not header:
        raise WebhookSignatureInvalid(BAD_SIGNATURE)
    try:
        event = verify_event(raw, header, secret)
    except InvalidWebhookSignature as exc:
        raise WebhookSignatureInvalid(BAD_SIGNATURE, details={"reason": str(exc)}) from None
    accepted = await stripe_events.receive(
        db, event, endpoint_organization=endpoint_organization, headers=dict(request.headers)
    )
    return {"received": True, "accepted": int(accepted)}


@router.post("/webhooks/stripe", response_model=StripeReceived, responses=ERRORS)
@accepts_any_query
async def stripe_webhook(request: Request, db: DbSession) -> dict[str, Any]:
    """Signed with the instance's endpoint secret (`MAITRED_STRIPE_WEBHOOK_SECRET`). Handles
    payment_intent.succeeded / payment_failed / canceled, checkout.session.completed,
    charge.refunded, refund.* and charge.refund.updated; records the rest
    (customer.subscription.created). Each event counts once, in any order."""
    return await _receive(request, db, None)


@router.post(
    "/stripe/webhook", response_model=StripeReceived, responses=ERRORS, include_in_schema=False
)
@accepts_any_query
async def stripe_webhook_seed_000(request: Request, db: DbSession) -> dict[str, Any]:
    return await _receive(request, db, None)


@router.post(
    "/webhooks/stripe/{organization_id}",
    response_model=StripeReceived,
    responses=ERRORS | {404: {"model": ErrorBody, "description": "No own Stripe account"}},
)
@accepts_any_query
async def organization_stripe_webhook(
    organization_id: uuid.UUID, request: Request, db: DbSession
) -> dict[str, Any]:
    """An organization's own Stripe account (PUT /payments/provider), signed with its secret."""
    return await _receive(request, db, organization_id)


UNAVAILABLE = "The payment page could not be opened just now; please try the link again shortly."


def _html(description: str) -> dict[str, Any]:
    """A small page for the customer's browser."""
    return {"description": description, "content": {"text/html": {"schema": {"type": "string"}}}}


PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><p>{text}</p></body></html>"""


@public_router.get(
    "/pay",
    status_code=303,
    response_class=RedirectResponse,
    responses={
        303: {"description": "On to Stripe's hosted checkout page"},
        200: _html("Nothing is due, or card payments are not available"),
        422: {"model": ErrorBody, "description": "No token"},
        502: _html("Stripe did not answer; following the link again may work"),
    },
)
async def pay(
    token: Annotated[str, Query(max_length=2000)],
    request: Request,
    database: Annotated[Database, Depends(get_database)],
) -> Any:
    """The deposit request's link: opens a Stripe Checkout page for what is still due."""
    try:
        url = await public_links.checkout_for(database, token, app_settings(request))
    except ExternalServiceFailed:
        page = PAGE.format(title="Payment", text=UNAVAILABLE)
        return HTMLResponse(page, status_code=502)
    except AppError as exc:
        if exc.status_code >= 500:
            raise
        page = PAGE.format(title="Payment", text=html.escape(exc.message))
        return HTMLResponse(page, status_code=200 if exc.status_code != 404 else 404)
    return RedirectResponse(url, status_code=303)


@public_router.get(
    "/done",
    response_model=None,
    responses={
        200: _html("Thanks, or the payment was not made"),
        422: {"model": ErrorBody, "description": "`paid` is not 0 or 1"},
    },
)
@accepts_any_query
async def done(paid: int = 1) -> HTMLResponse:
    """Where Stripe's page returns when the organization names no page of its own."""
    text = (
        "Thank you: your payment is being processed, and you will get a receipt."
        if paid
        else "The payment was not made; the link in your message still works."
    )
    return HTMLResponse(PAGE.format(title="Payment", text=text))
