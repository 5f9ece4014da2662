"""A booking's money beyond taking it: sending the customer the deposit link again, and the
refund the cancellation policy proposes, which staff make as proposed or for another amount."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData
from starlette.responses import Response

from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.pages.bookings import again, amount_of, done
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError
from maitred.notifications import notices
from maitred.payments import refunds
from maitred.payments.caller import Caller

router = APIRouter(prefix="/app/bookings", include_in_schema=False)
Senders = Annotated[AuthContext, page_user("bookings:write", "messages:write")]
Refunders = Annotated[AuthContext, page_user("payments:refund")]
Form = Annotated[FormData, Depends(csrf.checked_form)]


@router.post("/{booking_id:uuid}/deposit-link")
async def send_deposit_link(
    request: Request, auth: Senders, booking_id: uuid.UUID, form: Form
) -> Response:
    """The deposit request again, by the customer's channels; each press sends one more."""
    async with database_of(request).transaction() as session:
        sent = await notices.request_deposit(
            session, auth.org_id, booking_id, asked=uuid.uuid4().hex
        )
    if not sent:
        problems = Problems(
            "Nothing was sent: the deposit is paid, the booking is no longer open, or the "
            "customer has no email or phone for the business's channels.",
            status_code=409,
        )
        return await again(request, auth, booking_id, "deposit", problems)
    return done(booking_id, "sent")


@router.post("/{booking_id:uuid}/refund")
async def refund(request: Request, auth: Refunders, booking_id: uuid.UUID, form: Form) -> Response:
    try:
        await refunds.refund_booking(
            database_of(request),
            Caller(organization_id=auth.org_id, user_id=auth.user_id),
            booking_id,
            amount=amount_of(str(form.get("amount") or "")),
            reason=str(form.get("reason") or "").strip()[:500],
            settings=request.app.state.settings,
        )
    except AppError as exc:
        return await again(request, auth, booking_id, "refund", problems_of(exc))
    return done(booking_id, "refunded")
