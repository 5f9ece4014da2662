"""`/book/{organization}`: the form, its live slots-and-estimate partial, the request and its
confirmation."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.responses import RedirectResponse, Response

from maitred.availability import service as availability_service
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import PublicBookingRequest
from maitred.dashboard import csrf
from maitred.dashboard.forms import problems_of
from maitred.dashboard.templating import Pages
from maitred.kit import crypto
from maitred.kit.deps import database_of
from maitred.kit.errors import AppError, NotFound
from maitred.payments import public_links
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

router = APIRouter(prefix="/book", include_in_schema=False)
pages = Pages(Path(__file__).parent / "templates")
Form = Annotated[FormData, Depends(csrf.checked_form)]
FIELDS = (
    "name",
    "phone",
    "email",
    "event_date",
    "event_time",
    "guest_count",
    "event_type",
    "location",
    "message",
)
CONFIRMATION = "booking_page.confirmation"


async def _organization(session: AsyncSession, slug: str) -> Organization:
    found = await tenancy_service.find(session, slug)
    if found is None or not found.is_active:
        raise NotFound("No such business")
    return found


def _not_found(request: Request) -> Response:
    return pages.render(request, "missing.html", {"title": "Not found"}, status_code=404)


def _form_context(organization: Organization, **more: Any) -> dict[str, Any]:
    settings = tenancy_service.settings_of(organization)
    return {
        "organization": organization,
        "event_types": settings.bookings.event_types,
        "title": f"Book {organization.name}",
        "values": {},
        "problems": {},
        **more,
    }


@router.get("/{slug}")
async def booking_form(request: Request, slug: str) -> Response:
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await _organization(session, slug)
        except NotFound:
            return _not_found(request)
    return pages.render(request, "form.html", _form_context(organization))


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
    """The partial under the date: free times (or the next dates that have some), and the
    estimate for the party as it stands."""
    try:
        day = date.fromisoformat(event_date) if event_date else None
    except ValueError:
        day = None
    answer: dict[str, Any] | None = None
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await _organization(session, slug)
        except NotFound:
            return _not_found(request)
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
                answer = {"available": False, "reason": exc.message, "available_slots": []}
    return pages.render(
        request,
        "_slots.html",
        {"answer": answer, "chosen_time": event_time, "currency": organization.currency},
    )


@router.post("/{slug}")
async def request_booking(request: Request, slug: str, form: Form) -> Response:
    given = {name: str(form.get(name) or "").strip() for name in FIELDS}
    body: dict[str, Any] = {k: v for k, v in given.items() if v}
    body["honeypot"] = str(form.get("website") or "")
    body["source"] = "booking_page"
    try:
        async with database_of(request).transaction() as session:
            organization = await _organization(session, slug)
            answer = await bookings_service.request_booking(
                session, organization, PublicBookingRequest.model_validate(body)
            )
            cards = await public_links.takes_cards(session, organization.id)
    except NotFound:
        return _not_found(request)
    except (AppError, ValidationError) as exc:
        async with database_of(request).transaction(write=False) as session:
            organization = await _organization(session, slug)
        problems = problems_of(exc)
        return pages.render(
            request,
            "form.html",
            _form_context(
                organization, values=given, problems=problems.fields, message=problems.message
            ),
            status_code=problems.status_code,
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
            }
        ).decode(),
        context=CONFIRMATION,
    )
    return RedirectResponse(f"/book/{slug}/requested?c={sealed}", status_code=303)


@router.get("/{slug}/requested")
async def confirmation(request: Request, slug: str, c: str = "") -> Response:
    """What was requested, read from the sealed value the request redirected with (nothing is
    looked up, so a guessed URL shows nothing)."""
    try:
        facts = orjson.loads(crypto.decrypt(c, context=CONFIRMATION))
    except (crypto.DecryptionError, orjson.JSONDecodeError, ValueError):
        return _not_found(request)
    async with database_of(request).transaction(write=False) as session:
        try:
            organization = await _organization(session, slug)
        except NotFound:
            return _not_found(request)
    link = None
    if facts.get("cards") and Decimal(facts["deposit"]) > 0:
        link = public_links.deposit_link(organization.id, uuid.UUID(facts["booking"]))
    return pages.render(
        request,
        "requested.html",
        {
            "title": "Request received",
            "organization": organization,
            "facts": facts,
            "deposit_link": link,
        },
    )
