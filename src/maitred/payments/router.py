"""/payments (seeds 000, 001): take money for a booking (recorded by staff, a card charged now,
an intent for a checkout page, a hosted Checkout link), list it, refund it, and sum it up."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from maitred.identity.deps import AuthContext, requires
from maitred.kit.clock import CalendarDate
from maitred.kit.db import Database
from maitred.kit.deps import AppSettings, DbSession, get_database
from maitred.kit.errors import ErrorBody, ValidationFailed
from maitred.kit.idempotency_scope import idempotency_key
from maitred.kit.list_params import ListQuery, list_query
from maitred.kit.pagination import Page, Pagination
from maitred.payments import accounts, charges, pages, refunds
from maitred.payments import service as payments_service
from maitred.payments.caller import Caller
from maitred.payments.dues import Due
from maitred.payments.schemas import (
    BookingRefundCreate,
    BookingRefundResult,
    CheckoutLinkCreate,
    CheckoutLinkRead,
    IntentCreate,
    IntentRead,
    Method,
    PaymentProcess,
    PaymentRead,
    PaymentStatus,
    PaymentSummary,
    ProcessedPayment,
    ProviderRead,
    ProviderUpdate,
    RefundCreate,
    RefundProposal,
    RefundResult,
)
from maitred.tenancy.payment_settings import PaymentSettings

router = APIRouter(prefix="/payments", tags=["payments"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in"},
    403: {"model": ErrorBody, "description": "The role lacks the permission"},
}
MONEY_ERRORS = ERRORS | {
    404: {"model": ErrorBody, "description": "No such booking or payment"},
    409: {"model": ErrorBody, "description": "The booking is cancelled, or the payment is not"},
    422: {
        "model": ErrorBody,
        "description": (
            "More than is due or refundable, another currency, a declined card, or card "
            "payments not set up"
        ),
    },
    502: {"model": ErrorBody, "description": "Stripe did not answer: retry with the same key"},
}
Reader = Annotated[AuthContext, requires("payments:read")]
Writer = Annotated[AuthContext, requires("payments:write")]
Listing = Annotated[
    ListQuery,
    list_query(
        sorts=payments_service.SORT_FIELDS,
        search="A provider's exact payment reference (`pi_…`)",
        statuses=[status.value for status in PaymentStatus],
    ),
]
Refunder = Annotated[AuthContext, requires("payments:refund")]
Admin = Annotated[AuthContext, requires("settings:write")]
Db = Annotated[Database, Depends(get_database)]


def _caller(request: Request, auth: AuthContext) -> Caller:
    key = idempotency_key(request.scope)
    return Caller(
        organization_id=auth.org_id,
        user_id=auth.user_id,
        idempotency_key=key,
        api_key_id=auth.api_key_id,
    )


@router.post("/process", status_code=201, response_model=ProcessedPayment, responses=MONEY_ERRORS)
async def process_payment(
    body: PaymentProcess, request: Request, auth: Writer, database: Db, settings: AppSettings
) -> dict[str, Any]:
    """A card (`payment_method` `card` or `stripe`, with `stripe_token` or `payment_method_id`)
    is charged now through Stripe; `cash`, `check`, `bank_transfer` and `other` are recorded as
    received. The amount defaults to the deposit still due, else the balance."""
    caller = _caller(request, auth)
    due = Due(
        booking_id=body.booking_id,
        amount=body.amount,
        purpose=body.purpose.value if body.purpose else None,
        currency=body.currency,
    )
    method = body.payment_method.value
    token = body.stripe_token or body.payment_method_id
    if method in charges.STAFF_METHODS:
        if token:
            raise ValidationFailed(details={"stripe_token": "Only card payments take a token"})
        async with database.transaction() as session:
            payment = await charges.record_received(
                session, caller, due, method=method, reference=body.reference, notes=body.notes
            )
            return await payments_service.get_payment(session, auth.org_id, payment.id)
    if not token:
        raise ValidationFailed(
            details={
                "stripe_token": "A card payment needs stripe_token or payment_method_id; for a "
                "checkout page use POST /payments/intents or /payments/checkout-links"
            }
        )
    return await charges.charge_card(
        database, caller, due, token=token, settings=settings, notes=body.notes
    )


@router.post("/intents", status_code=201, response_model=IntentRead, responses=MONEY_ERRORS)
async def create_intent(
    body: IntentCreate, request: Request, auth: Writer, database: Db, settings: AppSettings
) -> dict[str, Any]:
    """A Stripe PaymentIntent for the booking's deposit or balance; its `client_secret` lets a
    checkout page (Stripe Elements) collect the card. The webhook records the money."""
    due = Due(body.booking_id, body.amount, body.purpose.value, body.currency)
    return await pages.create_intent(database, _caller(request, auth), due, settings=settings)


@router.post(
    "/checkout-links", status_code=201, response_model=CheckoutLinkRead, responses=MONEY_ERRORS
)
async def create_checkout_link(
    body: CheckoutLinkCreate, request: Request, auth: Writer, database: Db, settings: AppSettings
) -> dict[str, Any]:
    """A hosted Stripe Checkout page for the deposit (or balance), to send by SMS or email; an
    open link for the same amount is handed out again."""
    due = Due(body.booking_id, body.amount, body.purpose.value, body.currency)
    return await pages.create_checkout_link(
        database,
        _caller(request, auth),
        due,
        settings=settings,
        success_url=str(body.success_url) if body.success_url else None,
        cancel_url=str(body.cancel_url) if body.cancel_url else None,
    )


@router.get("", response_model=Page[PaymentRead], responses=ERRORS)
async def list_payments(
    auth: Reader,
    db: DbSession,
    pagination: Pagination,
    listing: Listing,
    booking_id: uuid.UUID | None = None,
    payment_method: Annotated[Method | None, Query(alias="method")] = None,
    date_from: Annotated[CalendarDate | None, Query(description="Made on or after (local)")] = None,
    date_to: Annotated[CalendarDate | None, Query(description="Made on or before (local)")] = None,
) -> dict[str, Any]:
    items, info = await payments_service.list_payments(
        db,
        auth.org_id,
        booking_id=booking_id,
        method=payment_method.value if payment_method else None,
        date_from=date_from,
        date_to=date_to,
        params=pagination,
        listing=listing,
    )
    return {"items": items, "pagination": info}


@router.get("/summary", response_model=PaymentSummary, responses=ERRORS)
async def payment_summary(
    auth: Reader,
    db: DbSession,
    date_from: Annotated[CalendarDate | None, Query(description="First local day")] = None,
    date_to: Annotated[CalendarDate | None, Query(description="Last local day")] = None,
) -> dict[str, Any]:
    """Collected and refunded in the period, by method; balances and deposits still owed by
    bookings whose events fall in it."""
    return await payments_service.summary(db, auth.org_id, date_from=date_from, date_to=date_to)


@router.get("/settings", response_model=PaymentSettings, responses=ERRORS)
async def payment_settings(auth: Reader, db: DbSession) -> PaymentSettings:
    return await payments_service.get_settings(db, auth.org_id)


@router.patch("/settings", response_model=PaymentSettings, responses=ERRORS)
async def update_payment_settings(
    body: dict[str, Any], auth: Admin, db: DbSession
) -> PaymentSettings:
    """Fields sent are changed, the rest kept; lists are replaced whole."""
    return await payments_service.update_settings(db, auth.org_id, body)


@router.get("/provider", response_model=ProviderRead, responses=ERRORS)
async def payment_provider(auth: Reader, db: DbSession, settings: AppSettings) -> dict[str, Any]:
    """Whose Stripe account takes card payments; secrets are never shown."""
    return await accounts.describe(db, auth.org_id, settings)


@router.put("/provider", response_model=ProviderRead, responses=ERRORS)
async def configure_provider(
    body: ProviderUpdate, auth: Admin, db: DbSession, settings: AppSettings
) -> dict[str, Any]:
    """The organization's own Stripe keys (platforms hosting several businesses); its webhook
    endpoint is then `/api/v1/webhooks/stripe/{organization id}`."""
    return await accounts.configure(
        db,
        auth.org_id,
        settings,
        api_key=body.api_key,
        webhook_secret=body.webhook_secret,
        publishable_key=body.publishable_key,
        actor_user_id=auth.user_id,
    )


@router.delete("/provider", status_code=204, responses=ERRORS)
async def remove_provider(auth: Admin, db: DbSession) -> None:
    """Back to the instance's Stripe account (or none)."""
    await accounts.remove(db, auth.org_id, actor_user_id=auth.user_id)


@router.get("/{payment_id}", response_model=PaymentRead, responses=MONEY_ERRORS)
async def get_payment(payment_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    return await payments_service.get_payment(db, auth.org_id, payment_id)


@router.post(
    "/{payment_id}/refund", status_code=201, response_model=RefundResult, responses=MONEY_ERRORS
)
async def refund_payment(
    payment_id: uuid.UUID,
    body: RefundCreate,
    request: Request,
    auth: Refunder,
    database: Db,
    settings: AppSettings,
) -> dict[str, Any]:
    """Partial or full (the default: all that is left); card payments are refunded through
    Stripe, others are recorded as given back."""
    refund, payment = await refunds.refund_payment(
        database,
        _caller(request, auth),
        payment_id,
        amount=body.amount,
        reason=body.reason,
        settings=settings,
    )
    return {"refund": refund, "payment": payment}


@router.get(
    "/bookings/{booking_id}/refund-proposal", response_model=RefundProposal, responses=MONEY_ERRORS
)
async def refund_proposal(booking_id: uuid.UUID, auth: Reader, db: DbSession) -> dict[str, Any]:
    """What the cancellation policy gives back for this booking: as cancelled, or if it were
    cancelled now."""
    return await refunds.proposal(db, auth.org_id, booking_id)


@router.post(
    "/bookings/{booking_id}/refund",
    status_code=201,
    response_model=BookingRefundResult,
    responses=MONEY_ERRORS,
)
async def refund_booking(
    booking_id: uuid.UUID,
    body: BookingRefundCreate,
    request: Request,
    auth: Refunder,
    database: Db,
    settings: AppSettings,
) -> dict[str, Any]:
    """Staff confirm the proposed refund (or send another amount), spread over the booking's
    payments."""
    return await refunds.refund_booking(
        database,
        _caller(request, auth),
        booking_id,
        amount=body.amount,
        reason=body.reason,
        settings=settings,
    )
