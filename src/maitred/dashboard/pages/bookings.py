"""Bookings: the list with the API's filters and search, and a booking's page where staff change
its status (with a reason), edit or reschedule it with a live re-quote, record a payment, or
cancel it (the deposit link and refunds are in booking_money.py)."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingUpdate
from maitred.bookings.service import browse as bookings_browse
from maitred.dashboard import csrf
from maitred.dashboard.access import page_user
from maitred.dashboard.forms import Problems, problems_of
from maitred.dashboard.templating import dashboard_pages, hm
from maitred.identity.deps import AuthContext
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, ValidationFailed
from maitred.kit.pagination import PageParams
from maitred.payments import charges, public_links, refunds
from maitred.payments import service as payments_service
from maitred.payments.caller import Caller
from maitred.payments.dues import Due

router = APIRouter(prefix="/app/bookings", include_in_schema=False)
Readers = Annotated[AuthContext, page_user("bookings:read")]
Writers = Annotated[AuthContext, page_user("bookings:write")]
Takers = Annotated[AuthContext, page_user("payments:write")]
Form = Annotated[FormData, Depends(csrf.checked_form)]
PAGE_SIZE = 25
STATUSES = ("pending", "confirmed", "completed", "cancelled", "no_show")
STAFF_METHODS = ("cash", "check", "bank_transfer", "other")
DONE = {
    "status": "Status changed.",
    "payment": "Payment recorded.",
    "cancelled": "Booking cancelled.",
    "created": "Booking created.",
    "edited": "Booking saved.",
    "sent": "Deposit link sent to the customer.",
    "refunded": "Refund made.",
}
EDITABLE = (
    "event_date",
    "event_time",
    "guest_count",
    "child_count",
    "location",
    "special_requests",
)


def _date(text: str | None, field: str, problems: dict[str, str]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems[field] = "Use a date like 2026-05-30"
        return None


@router.get("")
async def bookings_list(
    request: Request,
    auth: Readers,
    status: str = "",
    date_from: str = "",
    date_to: str = "",
    search: str = "",
    page: int = 1,
) -> Response:
    problems: dict[str, str] = {}
    chosen = {
        "status": status if status in STATUSES else "",
        "date_from": date_from,
        "date_to": date_to,
        "search": search.strip()[:200],
    }
    first = _date(date_from, "date_from", problems)
    last = _date(date_to, "date_to", problems)
    items: list[dict[str, Any]] = []
    info = None
    if not problems:
        try:
            items, info = await bookings_browse.browse_bookings(
                database_of(request).reads,
                bookings_service.viewer_of(auth),
                PageParams(page=max(page, 1), limit=PAGE_SIZE),
                status=chosen["status"] or None,
                date_from=first,
                date_to=last,
                search=chosen["search"] or None,
            )
        except AppError as exc:
            problems.update(problems_of(exc).fields)
    filters = {k: v for k, v in chosen.items() if v}
    context = {
        "title": "Bookings",
        "items": items,
        "info": info,
        "chosen": chosen,
        "statuses": STATUSES,
        "problems": problems,
        "query": urlencode(filters),
    }
    name = (
        "bookings/_results.html"
        if request.headers.get("hx-target") == "results"
        else ("bookings/list.html")
    )
    return dashboard_pages.render(request, name, context)


async def _detail_context(
    request: Request, auth: AuthContext, booking_id: uuid.UUID
) -> dict[str, Any]:
    async with database_of(request).transaction(write=False) as session:
        viewer = bookings_service.viewer_of(auth)
        booking = await bookings_service.get_booking(session, viewer, booking_id)
        payments: list[dict[str, Any]] = []
        if auth.can("payments:read"):
            payments, _ = await payments_service.list_payments(
                session,
                auth.org_id,
                booking_id=booking_id,
                method=None,
                date_from=None,
                date_to=None,
                params=PageParams(page=1, limit=100),
            )
        cards = await public_links.takes_cards(session, auth.org_id)
        proposal = None
        if auth.can("payments:refund") and booking["amount_paid"]:
            proposal = await refunds.proposal(session, auth.org_id, booking_id)
    link = None
    if cards and booking["status"] == "pending" and not booking["deposit_paid"]:
        link = public_links.deposit_link(auth.org_id, booking_id)
    return {
        "title": f"Booking {booking['reference_number']}",
        "b": booking,
        "payments": payments,
        "deposit_link": link,
        "takes_cards": cards,
        "statuses": STATUSES,
        "methods": STAFF_METHODS,
        "proposal": proposal,
        "done": DONE.get(request.query_params.get("done", "")),
    }


@router.get("/{booking_id:uuid}")
async def booking_page(request: Request, auth: Readers, booking_id: uuid.UUID) -> Response:
    try:
        context = await _detail_context(request, auth, booking_id)
    except AppError as exc:
        return dashboard_pages.render(
            request, "refused.html", {"message": exc.message}, status_code=exc.status_code
        )
    return dashboard_pages.render(request, "bookings/detail.html", context)


async def again(
    request: Request, auth: AuthContext, booking_id: uuid.UUID, form_name: str, problems: Problems
) -> Response:
    context = await _detail_context(request, auth, booking_id)
    context["problems"] = {form_name: problems}
    return dashboard_pages.render(
        request, "bookings/detail.html", context, status_code=problems.status_code
    )


def done(booking_id: uuid.UUID, what: str) -> Response:
    return RedirectResponse(f"/app/bookings/{booking_id}?done={what}", status_code=303)


@router.post("/{booking_id:uuid}/status")
async def change_status(
    request: Request, auth: Writers, booking_id: uuid.UUID, form: Form
) -> Response:
    try:
        body = BookingUpdate.model_validate(
            {"status": form.get("status") or None, "reason": form.get("reason") or ""}
        )
        async with database_of(request).transaction() as session:
            await bookings_service.update_booking(
                session, bookings_service.viewer_of(auth), booking_id, body
            )
    except (AppError, ValidationError) as exc:
        return await again(request, auth, booking_id, "status", problems_of(exc))
    return done(booking_id, "status")


def amount_of(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValidationFailed(details={"amount": "Enter an amount such as 100.00"}) from None


@router.post("/{booking_id:uuid}/payments")
async def record_payment(
    request: Request, auth: Takers, booking_id: uuid.UUID, form: Form
) -> Response:
    method = str(form.get("payment_method") or "")
    try:
        if method not in STAFF_METHODS:
            raise ValidationFailed(
                details={"payment_method": f"Use one of: {', '.join(STAFF_METHODS)}"}
            )
        due = Due(booking_id=booking_id, amount=amount_of(str(form.get("amount") or "")))
        caller = Caller(organization_id=auth.org_id, user_id=auth.user_id)
        async with database_of(request).transaction() as session:
            await charges.record_received(
                session,
                caller,
                due,
                method=method,
                reference=str(form.get("reference") or "")[:255],
                notes=str(form.get("notes") or "")[:2000],
            )
    except AppError as exc:
        return await again(request, auth, booking_id, "payment", problems_of(exc))
    return done(booking_id, "payment")


@router.post("/{booking_id:uuid}/cancel")
async def cancel(request: Request, auth: Writers, booking_id: uuid.UUID, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            await bookings_service.cancel_booking(
                session,
                bookings_service.viewer_of(auth),
                booking_id,
                reason=str(form.get("reason") or "")[:1000],
            )
    except AppError as exc:
        return await again(request, auth, booking_id, "cancel", problems_of(exc))
    return done(booking_id, "cancelled")


def changes_of(form: FormData | Any, booking: dict[str, Any]) -> dict[str, str]:
    """The edit form's fields that differ from the booking: only those are sent, as the API's
    PATCH would get them (an unchanged place keeps its structured details)."""
    current = {
        "event_date": str(booking["event_date"]),
        "event_time": hm(booking["event_time"]),
        "guest_count": str(booking["guest_count"]),
        "child_count": str(booking["child_count"]),
        "location": booking["location"] or "",
        "special_requests": booking["special_requests"] or "",
    }
    found = {}
    for name in EDITABLE:
        value = str(form.get(name) or "").strip()
        if value != current[name] and (value or name == "special_requests"):
            found[name] = value
    return found


@router.get("/{booking_id:uuid}/requote")
async def requote(request: Request, auth: Writers, booking_id: uuid.UUID) -> Response:
    """The price (and whether the slot is free) as the edit form stands, nothing saved."""
    context: dict[str, Any] = {"quote": None, "problem": ""}
    try:
        async with database_of(request).transaction(write=False) as session:
            viewer = bookings_service.viewer_of(auth)
            booking = await bookings_service.get_booking(session, viewer, booking_id)
            body = BookingUpdate.model_validate(changes_of(request.query_params, booking))
            context["quote"] = await bookings_service.requote(session, viewer, booking_id, body)
            context["before"] = booking["total_amount"]
    except (AppError, ValidationError) as exc:
        problems = problems_of(exc)
        context["problem"] = "; ".join([problems.message, *problems.fields.values()])
    return dashboard_pages.render(request, "bookings/_requote.html", context)


@router.post("/{booking_id:uuid}/edit")
async def edit(request: Request, auth: Writers, booking_id: uuid.UUID, form: Form) -> Response:
    try:
        async with database_of(request).transaction() as session:
            viewer = bookings_service.viewer_of(auth)
            booking = await bookings_service.get_booking(session, viewer, booking_id)
            body = BookingUpdate.model_validate(changes_of(form, booking))
            await bookings_service.update_booking(session, viewer, booking_id, body)
    except (AppError, ValidationError) as exc:
        return await again(request, auth, booking_id, "edit", problems_of(exc))
    return done(booking_id, "edited")
