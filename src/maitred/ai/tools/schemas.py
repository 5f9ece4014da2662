"""Arguments of the tools that have no API body of their own; the others take the API's own
schemas (PublicBookingRequest, QuoteRequest, BookingUpdate's fields, PublicLeadCreate)."""

from __future__ import annotations

from datetime import date, time

from pydantic import Field

from maitred.kit.clock import CalendarDate
from maitred.kit.schemas import Input

BookingRef = Field(
    min_length=1,
    max_length=64,
    description="The booking's reference number (BK-2025-000123) or id",
    examples=["BK-2026-000123"],
)


class AvailabilityArgs(Input):
    """The query of GET /public/availability, with the same bounds."""

    date: CalendarDate | None = None
    guest_count: int | None = Field(default=None, ge=1, le=500)
    location: str | None = Field(default=None, max_length=300)


class FindBookingArgs(Input):
    reference_number: str | None = Field(default=None, min_length=1, max_length=64)


class RescheduleArgs(Input):
    booking: str = BookingRef
    event_date: date
    event_time: time | None = None


class CancelArgs(Input):
    booking: str = BookingRef
    reason: str = Field(default="", max_length=1000)


class AddGuestsArgs(Input):
    booking: str = BookingRef
    guest_count: int = Field(ge=1, le=500, description="The new total number of guests")


class DepositLinkArgs(Input):
    booking: str = BookingRef


class ContactArgs(Input):
    """The caller's own contact details (never another customer's)."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40)


class HandOffArgs(Input):
    reason: str = Field(default="asked for a person", max_length=200)


class VerifyArgs(Input):
    """Ask for a one-time code to the contact on file of this booking."""

    reference_number: str = BookingRef


class CodeArgs(Input):
    code: str = Field(min_length=4, max_length=12)
