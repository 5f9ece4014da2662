"""`/book/{organization}/events`: a studio's upcoming events, a seat on one, and its waitlist
when it is full. The seat is taken by the same guarded statement as the API's (never oversold);
a full event queues the visitor, who gets the next seat given back."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from maitred.booking_page.common import not_found, organization_of, posted_form, problems, render
from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.events import service as events_service
from maitred.kit import crypto, i18n
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, NotFound
from maitred.kit.pagination import PageParams
from maitred.leads import service as leads_service
from maitred.tenancy.models import Organization
from maitred.waitlist import seats as waitlist_seats

router = APIRouter()
DONE = "booking_page.event_done"
CONTACT = ("name", "phone", "email", "notes")


@router.get("/{slug}/events")
async def event_list(request: Request, slug: str) -> Response:
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
        found, _ = await events_service.list_events(
            session,
            organization_id=organization.id,
            params=PageParams(page=1, limit=50),
            staff=False,
            upcoming=True,
        )
    return render(
        request,
        "events.html",
        organization,
        {"title": i18n.gettext("Events at {name}", name=organization.name), "events": found},
    )


async def _event(request: Request, slug: str, event_id: str) -> tuple[Organization, Any] | None:
    try:
        wanted = uuid.UUID(event_id)
    except ValueError:
        return None
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
            event = await events_service.get_event(
                session, organization_id=organization.id, event_id=wanted, staff=False
            )
        except NotFound:
            return None
    return organization, event


def _event_page(
    request: Request,
    organization: Organization,
    event: dict[str, Any],
    *,
    values: dict[str, Any] | None = None,
    fields: dict[str, str] | None = None,
    message: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "event.html",
        organization,
        {
            "title": event["title"],
            "event": event,
            "values": values or {},
            "problems": fields or {},
            "message": message,
        },
        status_code=status_code,
    )


@router.get("/{slug}/events/{event_id}")
async def event_page(request: Request, slug: str, event_id: str) -> Response:
    found = await _event(request, slug, event_id)
    if found is None:
        return not_found(request)
    return _event_page(request, *found)


async def _take_seat_or_queue(
    request: Request, organization: Organization, event_id: uuid.UUID, form: dict[str, str]
) -> dict[str, Any]:
    """A confirmed seat, or (when the event is full) a place on its waitlist."""
    async with database_of(request).transaction() as session:
        name, phone, email = leads_service.checked_form(
            name=form.get("name"),
            phone=form.get("phone"),
            email=form.get("email"),
            message=form.get("notes", ""),
            region=organization.country,
        )
        customer = await customers_service.find_or_create(
            session,
            organization_id=organization.id,
            name=name,
            email=email,
            phone=phone,
            source="booking_form",
            preferred_language=i18n.current_language(),
        )
        event = await events_service.event_brief(session, organization.id, event_id)
        if event is None:
            raise NotFound("No such event")
        if event.seats_free > 0:
            seat = await bookings_service.create_seat_booking(
                session,
                organization_id=organization.id,
                actor_user_id=None,
                customer=customer,
                customer_user_id=None,
                event_id=event_id,
                notes=form.get("notes", ""),
                source="public",
            )
            return {"kind": "seat", "reference": seat["reference_number"]}
        entry = await waitlist_seats.join_event(
            session,
            bookings_service.Viewer(organization.id, None, False),
            event_id=event_id,
            customer_id=customer.id,
            customer=None,
            notes=form.get("notes", ""),
        )
        return {"kind": "waitlist", "position": entry["position"]}


@router.post("/{slug}/events/{event_id}")
async def book_seat(request: Request, slug: str, event_id: str) -> Response:
    form = await posted_form(request, slug)
    if form is None:
        return render(
            request,
            "refused.html",
            None,
            {"title": i18n.gettext("This form has expired")},
            status_code=403,
        )
    found = await _event(request, slug, event_id)
    if found is None:
        return not_found(request)
    organization, event = found
    given = {name: str(form.get(name) or "").strip() for name in CONTACT}
    if str(form.get("website") or "").strip():
        async with database_of(request).transaction() as session:
            await customers_service.note_spam(
                session, organization_id=organization.id, form="event_seat"
            )
        outcome: dict[str, Any] = {"kind": "waitlist" if event["is_full"] else "seat"}
    else:
        try:
            outcome = await _take_seat_or_queue(request, organization, event["id"], given)
        except (AppError, ValidationError) as exc:
            said = problems(exc)
            # A full event (a race for the last seat) reads the event again: it offers the queue.
            again = await _event(request, slug, event_id)
            return _event_page(
                request,
                organization,
                again[1] if again else event,
                values=given,
                fields=said.fields,
                message=said.message,
                status_code=said.status_code,
            )
    sealed = crypto.encrypt(orjson.dumps(outcome).decode(), context=DONE)
    embedded = "&embed=1" if request.query_params.get("embed") == "1" else ""
    return RedirectResponse(
        f"/book/{slug}/events/{event_id}/done?c={sealed}{embedded}", status_code=303
    )


@router.get("/{slug}/events/{event_id}/done")
async def seat_done(request: Request, slug: str, event_id: str, c: str = "") -> Response:
    try:
        outcome = orjson.loads(crypto.decrypt(c, context=DONE))
    except (crypto.DecryptionError, orjson.JSONDecodeError, ValueError):
        return not_found(request)
    found = await _event(request, slug, event_id)
    if found is None:
        return not_found(request)
    organization, event = found
    return render(
        request,
        "event_done.html",
        organization,
        {
            "title": i18n.gettext("Your seat is booked")
            if outcome["kind"] == "seat"
            else i18n.gettext("You are on the waitlist"),
            "event": event,
            "outcome": outcome,
        },
    )
