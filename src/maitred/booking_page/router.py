"""`/book/{organization}`: the catering form, its live slots and quote, the request and its
confirmation; the event and lead pages and the embed script are included from their modules."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import orjson
from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.responses import RedirectResponse, Response

from maitred.availability import service as availability_service
from maitred.booking_page import catering, embed, events, leads
from maitred.booking_page.common import not_found, organization_of, posted_form, problems, render
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import PublicBookingRequest
from maitred.kit import crypto, i18n
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, NotFound
from maitred.payments import public_links

router = APIRouter(prefix="/book", include_in_schema=False)
# Before `/{slug}`: `/book/embed.js` is the script, not a business.
router.include_router(embed.router)
router.include_router(events.router)
router.include_router(leads.router)
CONFIRMATION = "booking_page.confirmation"


@router.get("/{slug}")
async def booking_form(request: Request, slug: str) -> Response:
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
        offered = await catering.choices(session, organization)
    return render(
        request,
        "form.html",
        organization,
        {
            "title": i18n.gettext("Book {name}", name=organization.name),
            "values": {},
            "problems": {},
            "SHOWN": catering.TEXT_FIELDS,
            **offered,
        },
    )


def _guests(text: str | None) -> int | None:
    try:
        count = int(text or "")
    except ValueError:
        return None
    return count if 1 <= count <= 500 else None


@router.get("/{slug}/slots")
async def slots(
    request: Request,
    slug: str,
    event_date: str = "",
    guest_count: str = "",
    location: str = "",
    event_time: str = "",
) -> Response:
    """The free times of the date (or the next dates that have some)."""
    try:
        day = date.fromisoformat(event_date) if event_date else None
    except ValueError:
        day = None
    answer: dict[str, Any] | None = None
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
        if day is not None:
            try:
                answer = await availability_service.availability_in(
                    session,
                    organization_id=organization.id,
                    day=day,
                    guest_count=_guests(guest_count),
                    location=location.strip()[:300] or None,
                )
            except AppError as exc:
                answer = {
                    "available": False,
                    "reason": problems(exc).message,
                    "available_slots": [],
                }
    return render(
        request,
        "_slots.html",
        organization,
        {"answer": answer, "chosen_time": event_time, "currency": organization.currency},
    )


@router.get("/{slug}/quote")
async def quote(request: Request, slug: str) -> Response:
    """The live price of the party, menu and upgrades, from the pricing service."""
    found: dict[str, Any] | None = None
    problem = ""
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
        body = catering.body_of(request.query_params)
        try:
            found = await catering.live_quote(
                session, organization, PublicBookingRequest.model_validate(body)
            )
        except (AppError, ValidationError) as exc:
            said = problems(exc)
            problem = "; ".join(filter(None, [said.message, *said.fields.values()]))
    return render(
        request,
        "_quote.html",
        organization,
        {"quote": found, "problem": problem, "currency": organization.currency},
    )


@router.post("/{slug}")
async def request_booking(request: Request, slug: str) -> Response:
    form = await posted_form(request, slug)
    if form is None:
        return render(
            request,
            "refused.html",
            None,
            {"title": i18n.gettext("This form has expired")},
            status_code=403,
        )
    database = database_of(request)
    async with database.transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
        offered = await catering.choices(session, organization)
    body = catering.body_of(form)
    try:
        async with database.transaction() as session:
            answer = await bookings_service.request_booking(
                session, organization, PublicBookingRequest.model_validate(body)
            )
            cards = await public_links.takes_cards(session, organization.id)
    except (AppError, ValidationError) as exc:
        said = problems(exc)
        return render(
            request,
            "form.html",
            organization,
            {
                "title": i18n.gettext("Book {name}", name=organization.name),
                "values": dict(form),
                "problems": said.fields,
                "message": said.message,
                "SHOWN": catering.TEXT_FIELDS,
                **offered,
            },
            status_code=said.status_code,
        )
    sealed = crypto.encrypt(
        orjson.dumps(
            {
                "reference": answer["reference_number"],
                "total": str(answer["estimated_cost"]),
                "deposit": str(answer["deposit_amount"]),
                "currency": answer["currency"],
                "booking": str(answer["booking_id"]),
                "cards": cards,
                "steps": answer["next_steps"],
                "message": answer["message"],
            }
        ).decode(),
        context=CONFIRMATION,
    )
    embedded = "&embed=1" if request.query_params.get("embed") == "1" else ""
    return RedirectResponse(f"/book/{slug}/requested?c={sealed}{embedded}", status_code=303)


@router.get("/{slug}/requested")
async def confirmation(request: Request, slug: str, c: str = "", embed: str = "") -> Response:
    """What was requested, read from the sealed value the request redirected with (nothing is
    looked up, so a guessed URL shows nothing)."""
    try:
        facts = orjson.loads(crypto.decrypt(c, context=CONFIRMATION))
    except (crypto.DecryptionError, orjson.JSONDecodeError, ValueError):
        return not_found(request)
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await organization_of(session, slug)
        except NotFound:
            return not_found(request)
    link = None
    if facts.get("cards") and Decimal(facts["deposit"]) > 0:
        link = public_links.deposit_link(organization.id, uuid.UUID(facts["booking"]))
    return render(
        request,
        "requested.html",
        organization,
        {"title": i18n.gettext("Request received"), "facts": facts, "deposit_link": link},
    )
