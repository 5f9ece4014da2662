"""What automatic messages say, gathered through the other domains' services: a booking's,
a lead's or a waitlist offer's facts as the template data of defaults/samples.py (formatted for
reading in the recipient's language: "Saturday, March 14, 2026", "6:00 PM", "$618.75", or
"sábado, 14 de marzo de 2026", "18:00"), and who receives them in which language (theirs if
maitred speaks it, else the organization's, else English)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.kit import i18n, outbox
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.leads import service as leads_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.notification_settings import NotificationSettings
from maitred.waitlist import service as waitlist_service

SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None
    phone: str | None
    customer_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None
    language: str = i18n.DEFAULT


@dataclass(frozen=True)
class Facts:
    """The template data of one message, its recipient, and the booking it is about."""

    data: dict[str, Any]
    recipient: Recipient
    booking: dict[str, Any] = field(default_factory=dict)
    offer_expires_at: datetime | None = None

    @property
    def booking_id(self) -> uuid.UUID | None:
        found = self.booking.get("id")
        return found if isinstance(found, uuid.UUID) else None


@dataclass(frozen=True)
class Business:
    name: str
    timezone: str
    settings: NotificationSettings
    language: str = i18n.DEFAULT  # the organization's locale, when maitred speaks it


async def business(session: AsyncSession, organization_id: uuid.UUID) -> Business | None:
    """Read once for the handlers of a worker's batch (kit/outbox.py `shared_by_batch`): only
    requests change an organization's name and settings."""
    shared = outbox.shared_by_batch()
    key = ("notifications.business", organization_id)
    if key not in shared:
        shared[key] = await _business(session, organization_id)
    found: Business | None = shared[key]
    return found


async def _business(session: AsyncSession, organization_id: uuid.UUID) -> Business | None:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None or not organization.is_active:
        return None
    notices = tenancy_service.settings_of(organization).notifications
    language = i18n.preferred(organization.locale)
    return Business(organization.name, organization.timezone, notices, language)


def long_date(day: date, language: str = i18n.DEFAULT) -> str:
    if language != i18n.DEFAULT:
        return format_date(day, format="full", locale=language)
    return f"{day:%A, %B} {day.day}, {day.year}"


def clock_time(moment: time, language: str = i18n.DEFAULT) -> str:
    if language != i18n.DEFAULT:
        return format_time(moment, format="short", locale=language)
    return f"{moment.hour % 12 or 12}:{moment:%M %p}"


def local_moment(moment: datetime, zone: str, language: str = i18n.DEFAULT) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return i18n.gettext(
        "{date} at {time}",
        language,
        date=long_date(local.date(), language),
        time=clock_time(local.time(), language),
    )


async def customer_language(
    session: AsyncSession,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID | None,
    owner: Business,
) -> str:
    """The language a customer reads: theirs, else the organization's, else English."""
    own = (
        await customers_service.preferred_language(
            session, organization_id=organization_id, customer_id=customer_id
        )
        if customer_id is not None
        else None
    )
    return i18n.preferred(own, owner.language)


def money(amount: Decimal | None, currency: str) -> str:
    """Empty when zero, so templates can `{% if %}` an amount away."""
    if not amount:
        return ""
    symbol = SYMBOLS.get(currency)
    figure = f"{amount:,.2f}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


def _facts_key(booking_id: uuid.UUID, owner: Business) -> tuple[Any, ...]:
    return ("notifications.booking_facts", booking_id, owner.name, owner.language)


async def booking_facts(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, owner: Business
) -> Facts | None:
    """None when the booking is gone. Read once for the handlers of one event (a new booking's
    confirmation, deposit request and reminders: none of them changes what they read), or for
    a batch's events at once (`read_booking_facts`)."""
    shared = outbox.shared_by_handlers()
    key = _facts_key(booking_id, owner)
    if key not in shared:
        shared[key] = await _booking_facts(session, organization_id, booking_id, owner)
    found: Facts | None = shared[key]
    return found


async def read_booking_facts(
    session: AsyncSession, events: list[outbox.Event], key: str = "booking_id"
) -> None:
    """A set-based handler's batch of bookings' events: the facts of those not read yet, one
    statement per shape per organization (instead of four a booking), each left in its
    event's memo (`outbox.handling`), where `booking_facts` then finds it. One event (a retry,
    or outside a worker's batch) is left to `booking_facts`."""
    if len(events) < 2:
        return
    wanted: dict[uuid.UUID, list[tuple[outbox.Event, uuid.UUID]]] = {}
    for event in events:
        if event.organization_id is not None:
            booking_id = uuid.UUID(str(event.payload[key]))
            wanted.setdefault(event.organization_id, []).append((event, booking_id))
    for organization_id, items in wanted.items():
        owner = await business(session, organization_id)
        if owner is None:
            continue
        missing = []
        for event, booking_id in items:
            with outbox.handling(event):
                if _facts_key(booking_id, owner) not in outbox.shared_by_handlers():
                    missing.append((event, booking_id))
        if not missing:
            continue
        found = await bookings_service.bookings_in_session(
            session, organization_id, {booking_id for _, booking_id in missing}
        )
        for event, booking_id in missing:
            read = found.get(booking_id)
            with outbox.handling(event):
                outbox.shared_by_handlers()[_facts_key(booking_id, owner)] = (
                    None
                    if read is None
                    else _facts(read[0], i18n.preferred(read[1], owner.language), owner)
                )


async def _booking_facts(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, owner: Business
) -> Facts | None:
    booking = await bookings_service.booking_in_session(session, organization_id, booking_id)
    if booking is None:
        return None
    language = await customer_language(session, organization_id, booking["customer"]["id"], owner)
    return _facts(booking, language, owner)


def _facts(booking: dict[str, Any], language: str, owner: Business) -> Facts:
    customer = booking["customer"]
    currency = str(booking["currency"])
    paid = booking.get("amount_paid") or Decimal(0)
    event = booking.get("event") or {}
    data = {
        "business_name": owner.name,
        "customer_name": customer["name"],
        "booking_id": str(booking["id"]),
        "reference_number": booking["reference_number"],
        "booking_kind": booking["kind"],
        "event_title": event.get("title") or "",
        "event_type": booking["event_type"],
        "event_date": long_date(booking["event_date"], language),
        "event_time": clock_time(booking["event_time"], language),
        "guest_count": booking["guest_count"],
        "location": booking["location"],
        "status": booking["status"],
        "currency": currency,
        "total_amount": money(booking["total_amount"], currency),
        "deposit_amount": money(booking["deposit_amount"], currency),
        "amount_paid": money(paid, currency),
        "amount_refunded": money(booking.get("amount_refunded"), currency),
        "balance_due": money(booking["balance_due"], currency),
    }
    recipient = Recipient(
        name=customer["name"],
        email=customer["email"],
        phone=customer["phone"],
        customer_id=customer["id"],
        language=language,
    )
    return Facts(data=data, recipient=recipient, booking=booking)


def deposit_due(booking: dict[str, Any]) -> Decimal:
    """What is still owed of the deposit (nothing when paid or when there is none); money given
    back counts as not paid."""
    kept = (booking.get("amount_paid") or Decimal(0)) - (
        booking.get("amount_refunded") or Decimal(0)
    )
    return max((booking.get("deposit_amount") or Decimal(0)) - kept, Decimal(0))


async def lead_facts(
    session: AsyncSession, organization_id: uuid.UUID, lead_id: uuid.UUID, owner: Business
) -> Facts | None:
    """None when the lead is gone, or was made for a booking request."""
    try:
        lead = await leads_service.get_lead(
            session, organization_id=organization_id, lead_id=lead_id
        )
    except NotFound:
        return None
    if lead["booking_id"] is not None:
        return None  # made for a booking request: the booking's confirmation answers it
    language = i18n.preferred(
        lead["preferred_language"],
        await customer_language(session, organization_id, lead["customer_id"], owner),
    )
    data = {
        "business_name": owner.name,
        "customer_name": lead["name"],
        "lead_id": str(lead["id"]),
        "response_time": i18n.gettext("24 hours", language),
    }
    recipient = Recipient(
        name=lead["name"],
        email=lead["email"],
        phone=lead["phone"],
        customer_id=lead["customer_id"],
        lead_id=lead["id"],
        language=language,
    )
    return Facts(data=data, recipient=recipient)


async def waitlist_facts(
    session: AsyncSession, organization_id: uuid.UUID, waitlist_id: uuid.UUID, owner: Business
) -> Facts | None:
    """None unless the entry is still offered (not taken, cancelled or expired meanwhile)."""
    try:
        entry = await waitlist_service.get(
            session, organization_id=organization_id, entry_id=waitlist_id
        )
    except NotFound:
        return None
    expires: datetime | None = entry["offer_expires_at"]
    customer = entry["customer"]
    if entry["status"] != "offered" or customer is None or (expires and expires <= utcnow()):
        return None
    language = await customer_language(session, organization_id, customer["id"], owner)
    data = {
        "business_name": owner.name,
        "customer_name": customer["name"],
        "waitlist_id": str(entry["id"]),
        "preferred_date": long_date(entry["preferred_date"], language),
        "offer_expires_at": local_moment(expires, owner.timezone, language) if expires else "",
    }
    recipient = Recipient(
        customer["name"],
        customer["email"],
        customer["phone"],
        customer_id=customer["id"],
        language=language,
    )
    return Facts(data=data, recipient=recipient, offer_expires_at=expires)
