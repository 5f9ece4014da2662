"""The public booking form (seed 001): every rule checked at once, so the visitor sees all
their mistakes in one answer; spam caught by the honeypot is answered alike and only counted."""

from __future__ import annotations

import re
import secrets
import uuid
from datetime import time
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.schemas import PublicBookingRequest
from maitred.bookings.service.create_plan import plan_booking
from maitred.bookings.service.create_writes import write_booking
from maitred.bookings.service.location import place_of
from maitred.bookings.service.quoting import menu_choices
from maitred.bookings.service.read import local_now
from maitred.bookings.service.status import PENDING
from maitred.customers import service as customers_service
from maitred.identity import service as identity_service
from maitred.kit import i18n, phones
from maitred.kit.errors import ValidationFailed
from maitred.kit.reads import ReadPool
from maitred.pricing import service as pricing_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization

REQUIRED = "Field is required and cannot be empty"
# For staff, on the booking (not translated: the team's working language).
TRAVEL_TO_CONFIRM = "Outside the service area: confirm travel (and its fee) before confirming."
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£"}


def _amount(amount: Decimal, currency: str) -> str:
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def received() -> str:
    """What the visitor reads, in the request's language."""
    return i18n.gettext("Booking request received. We'll confirm within 48 hours.")


def outside_area() -> str:
    """The answer to a request taken for review from outside the service area."""
    return i18n.gettext(
        "Booking request received. You are outside our usual service area: we'll confirm "
        "within 48 hours whether we can travel to you, and at what cost."
    )


def next_steps(deposit: Decimal, currency: str) -> list[str]:
    return [
        i18n.gettext("We'll review your request"),
        i18n.gettext("You'll receive a quote via email"),
        i18n.gettext(
            "Confirm your booking with a {amount} deposit", amount=_amount(deposit, currency)
        ),
    ]


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


async def _problems(
    session: AsyncSession, organization: Organization, form: PublicBookingRequest
) -> tuple[dict[str, str], dict[str, Any]]:
    """Field -> message for every broken rule, and the cleaned values."""
    settings = tenancy_service.settings_of(organization)
    problems: dict[str, str] = {}
    clean: dict[str, Any] = {}
    name = (form.name or "").strip()
    if not name:
        problems["name"] = REQUIRED
    elif not 2 <= len(name) <= 100:
        problems["name"] = "Name must be 2-100 characters"
    clean["name"] = name
    if _blank(form.phone):
        problems["phone"] = REQUIRED
    elif (e164 := phones.to_e164(form.phone or "", region=organization.country)) is None:
        problems["phone"] = phones.form_message(form.phone or "", region=organization.country)
    else:
        clean["phone"] = e164
    clean["email"] = None
    if not _blank(form.email):
        try:
            clean["email"] = identity_service.normalize_email(form.email or "")
        except ValidationFailed:
            problems["email"] = "Invalid email format"
    today = (await local_now(session, organization.id)).date()
    if form.event_date is None:
        problems["event_date"] = REQUIRED
    elif form.event_date <= today:
        problems["event_date"] = "Event date must be in the future"
    clean["event_time"] = None
    if not _blank(form.event_time):
        if _TIME.match((form.event_time or "").strip()):
            clean["event_time"] = (form.event_time or "").strip()
        else:
            problems["event_time"] = "Use the format HH:MM"
    if form.guest_count is None:
        problems["guest_count"] = REQUIRED
    elif not 1 <= form.guest_count <= 500:
        problems["guest_count"] = "Guest count must be between 1 and 500"
    elif form.child_count > form.guest_count:
        problems["child_count"] = "Children are counted in guest_count"
    event_type = (form.event_type or "other").strip().lower()
    if event_type not in settings.bookings.event_types:
        problems["event_type"] = f"Must be one of: {', '.join(settings.bookings.event_types)}"
    clean["event_type"] = event_type
    if _blank(form.location):
        problems["location"] = REQUIRED
    elif len((form.location or "").strip()) > 500:
        problems["location"] = "Location must be at most 500 characters"
    if form.message is not None and len(form.message) > 1000:
        problems["message"] = "Message must be at most 1000 characters"
    if form.source is not None and len(form.source) > 50:
        problems["source"] = "Source must be at most 50 characters"
    return problems, clean


async def _calendar_problems(
    session: AsyncSession,
    organization: Organization,
    form: PublicBookingRequest,
    clean: dict[str, Any],
) -> tuple[dict[str, str], bool]:
    """The calendar's own rules (closed weekdays, blackout dates, notice, slots, area), and
    whether the place is outside the service area (a request taken for review)."""
    assert form.event_date is not None
    place = place_of(form.location or "")
    try:
        outside = await availability_service.check_bookable(
            session,
            organization_id=organization.id,
            event_date=form.event_date,
            event_time=_as_time(clean["event_time"]),
            city=place.city,
            zip_code=place.zip_code,
            public=True,
        )
    except ValidationFailed as failure:
        return {str(k): str(v) for k, v in failure.details.items()}, False
    return {}, outside


def _as_time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def _spam_answer(organization: Organization, year: int) -> dict[str, Any]:
    """Looks like a success to the bot; nothing was stored."""
    return {
        "success": True,
        "booking_id": uuid.uuid4(),
        "reference_number": f"BK-{year}-{secrets.randbelow(900_000) + 100_000:06d}",
        "status": PENDING,
        "estimated_cost": Decimal(0),
        "deposit_amount": Decimal(0),
        "currency": organization.currency,
        "message": received(),
        "next_steps": next_steps(Decimal(0), organization.currency),
        "outside_service_area": False,
    }


async def request_booking(
    session: AsyncSession,
    organization: Organization,
    form: PublicBookingRequest,
    reads: ReadPool | None = None,
) -> dict[str, Any]:
    """A pending booking with an estimated cost; leads turns the event into a follow-up.
    `reads`: the number is taken on it and the team claimed last (`write_booking`)."""
    if not _blank(form.honeypot):
        await customers_service.note_spam(session, organization_id=organization.id, form="booking")
        return _spam_answer(organization, (await local_now(session, organization.id)).year)
    problems, clean = await _problems(session, organization, form)
    outside = False
    if "event_date" not in problems and "event_time" not in problems:
        calendar, outside = await _calendar_problems(session, organization, form, clean)
        problems.update((k, v) for k, v in calendar.items() if k not in problems)
    if problems:
        raise ValidationFailed(details=problems)
    assert form.event_date is not None
    assert form.guest_count is not None
    message = (form.message or "").strip()
    # Every read first (the route defers SQLite's write turn to the first write), then the
    # writes back to back: the customer, the claim, the number, the booking and its event.
    plan = await plan_booking(
        session,
        organization_id=organization.id,
        actor_user_id=None,
        event_date=form.event_date,
        event_time=_as_time(clean["event_time"]),
        guest_count=form.guest_count,
        child_count=form.child_count,
        menu=menu_choices(form.menu_items),
        upgrades=tuple(
            pricing_service.UpgradeChoice(name=u.name, quantity=u.quantity) for u in form.upgrades
        ),
        event_type=clean["event_type"],
        location=(form.location or "").strip(),
        special_requests=message,
        notes=TRAVEL_TO_CONFIRM if outside else "",
        status=PENDING,
        source="public",
        public=True,
        message=message,
        calendar_checked=True,  # _calendar_problems did, for the all-at-once form errors
    )
    customer = await customers_service.find_or_create(
        session,
        organization_id=organization.id,
        name=clean["name"],
        email=clean["email"],
        phone=clean["phone"],
        source="booking_form",
        preferred_language=form.preferred_language or i18n.current_language(),
        normalized=True,  # _problems made them E.164 and normalized (its `clean`)
    )
    booking = await write_booking(session, plan, customer, reads=reads)
    return {
        "success": True,
        "booking_id": booking["id"],
        "reference_number": booking["reference_number"],
        "status": booking["status"],
        "estimated_cost": booking["total_amount"],
        "deposit_amount": booking["deposit_amount"],
        "currency": booking["currency"],
        "message": outside_area() if outside else received(),
        "next_steps": next_steps(booking["deposit_amount"], booking["currency"]),
        "outside_service_area": outside,
    }
