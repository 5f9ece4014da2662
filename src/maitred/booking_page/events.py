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
from maitred.events import service as events_service
from maitred.kit import crypto, i18n
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, NotFound
from maitred.kit.pagination import PageParams
from maitred.tenancy.models import Organization
from maitred.waitlist import public_seats

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
    try:
        async with database_of(request).transaction() as session:
            outcome = await public_seats.take_seat_or_queue(
                session,
                organization,
                event["id"],
                name=given["name"],
                phone=given["phone"],
                email=given["email"],
                notes=given["notes"],
                honeypot=str(form.get("website") or ""),
            )
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
