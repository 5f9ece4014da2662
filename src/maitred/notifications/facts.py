"""What automatic messages say, gathered through the other domains' services: a booking's,
a lead's or a waitlist offer's facts as the template data of defaults/samples.py (formatted for
reading: "Saturday, March 14, 2026", "6:00 PM", "$618.75"), and who receives them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound
from maitred.leads import service as leads_service
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.notification_settings import NotificationSettings
from maitred.waitlist import service as waitlist_service

SYMBOLS = {"USD": "$", "CAD": "$", "AUD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
RESPONSE_TIME = "24 hours"


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str | None
    phone: str | None
    customer_id: uuid.UUID | None = None
    lead_id: uuid.UUID | None = None


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


async def business(session: AsyncSession, organization_id: uuid.UUID) -> Business | None:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None or not organization.is_active:
        return None
    notices = tenancy_service.settings_of(organization).notifications
    return Business(organization.name, organization.timezone, notices)


def long_date(day: date) -> str:
    return f"{day:%A, %B} {day.day}, {day.year}"


def clock_time(moment: time) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M %p}"


def local_moment(moment: datetime, zone: str) -> str:
    local = moment.astimezone(ZoneInfo(zone))
    return f"{long_date(local.date())} at {clock_time(local.time())}"


def money(amount: Decimal | None, currency: str) -> str:
    """Empty when zero, so templates can `{% if %}` an amount away."""
    if not amount:
        return ""
    symbol = SYMBOLS.get(currency)
    figure = f"{amount:,.2f}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


async def booking_facts(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, owner: Business
) -> Facts | None:
    """None when the booking is gone."""
    viewer = bookings_service.Viewer(
        organization_id=organization_id, user_id=None, is_customer=False
    )
    try:
        booking = await bookings_service.get_booking(session, viewer, booking_id)
    except NotFound:
        return None
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
        "event_date": long_date(booking["event_date"]),
        "event_time": clock_time(booking["event_time"]),
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
    data = {
        "business_name": owner.name,
        "customer_name": lead["name"],
        "lead_id": str(lead["id"]),
        "response_time": RESPONSE_TIME,
    }
    recipient = Recipient(
        name=lead["name"],
        email=lead["email"],
        phone=lead["phone"],
        customer_id=lead["customer_id"],
        lead_id=lead["id"],
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
    data = {
        "business_name": owner.name,
        "customer_name": customer["name"],
        "waitlist_id": str(entry["id"]),
        "preferred_date": long_date(entry["preferred_date"]),
        "offer_expires_at": local_moment(expires, owner.timezone) if expires else "",
    }
    recipient = Recipient(
        customer["name"], customer["email"], customer["phone"], customer_id=customer["id"]
    )
    return Facts(data=data, recipient=recipient, offer_expires_at=expires)
