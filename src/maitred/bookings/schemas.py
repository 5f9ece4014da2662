"""Bodies and answers of /bookings and /public/bookings (seeds 000, 001)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, Field, model_validator

from maitred.kit.clock import example_saturday
from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.i18n import Language
from maitred.kit.money import Money
from maitred.kit.schemas import Input


class BookingStatus(CaseInsensitiveEnum):
    pending = "pending"
    confirmed = "confirmed"
    completed = "completed"
    cancelled = "cancelled"
    no_show = "no_show"


class NewBookingStatus(CaseInsensitiveEnum):
    """A booking starts pending (holding its team) or confirmed (keeping it)."""

    pending = "pending"
    confirmed = "confirmed"


LocationText = Annotated[str, Field(max_length=500)]


class LocationIn(Input):
    """Seed 000's structured location."""

    address: str = Field(default="", max_length=300, examples=["456 Oak Ave"])
    city: str = Field(default="", max_length=100, examples=["Sacramento"])
    state: str = Field(default="", max_length=50, examples=["CA"])
    zip_code: str = Field(default="", max_length=10, examples=["95825"])


class CustomerIn(Input):
    """Seed 000's embedded customer: found by email or phone, created when new."""

    name: str = Field(min_length=1, max_length=200, examples=["Jane Doe"])
    email: str | None = Field(default=None, max_length=320, examples=["jane@example.com"])
    phone: str | None = Field(default=None, max_length=32, examples=["+19165550123"])


class MenuItemIn(Input):
    """A menu item by id (seed 001) or name; no quantity means one per guest."""

    menu_item_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    quantity: int | None = Field(default=None, ge=1, le=10_000)

    @model_validator(mode="after")
    def _named(self) -> MenuItemIn:
        if self.menu_item_id is None and self.name is None:
            raise ValueError("Give menu_item_id or name")
        return self


class UpgradeIn(Input):
    name: str = Field(min_length=1, max_length=100, examples=["Lobster"])
    quantity: int = Field(ge=1, le=500)


class BookingCreate(Input):
    """Seed 001's admin form (`customer_id`, location as text, menu items by id) or seed 000's
    (embedded `customer`, structured `location`, menu items by name)."""

    customer_id: uuid.UUID | None = None
    customer: CustomerIn | None = None
    event_id: uuid.UUID | None = Field(
        default=None, description="A seat on this event (seed 002) instead of a catering date"
    )
    event_date: date | None = Field(default=None, examples=[example_saturday()])
    event_time: time | None = Field(default=None, examples=["18:00"])
    guest_count: int | None = Field(default=None, ge=1, le=500, examples=[25])
    child_count: int = Field(default=0, ge=0, le=500)
    event_type: str = Field(default="other", max_length=32, examples=["birthday"])
    location: LocationText | LocationIn = Field(
        default="", examples=["123 Main St, Los Angeles, CA 90001"]
    )
    menu_items: list[MenuItemIn | str] = Field(default_factory=list, max_length=100)
    upgrades: list[UpgradeIn] = Field(default_factory=list, max_length=20)
    notes: str = Field(default="", max_length=5000)
    special_requests: str = Field(default="", max_length=5000)
    status: NewBookingStatus = NewBookingStatus.pending
    chef_team_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _one_customer(self) -> BookingCreate:
        if self.customer_id is not None and self.customer is not None:
            raise ValueError("Give customer_id or customer, not both")
        if self.event_id is None and (self.event_date is None or self.guest_count is None):
            raise ValueError("Give event_date and guest_count, or event_id for a seat")
        if self.event_id is not None and self.event_date is not None:
            raise ValueError("A seat takes its date from the event: give event_id alone")
        return self


class BookingUpdate(Input):
    """Only the fields sent change (PUT and PATCH alike: seeds send partial bodies)."""

    status: BookingStatus | None = None
    reason: str | None = Field(default=None, max_length=1000)
    guest_count: int | None = Field(default=None, ge=1, le=500)
    child_count: int | None = Field(default=None, ge=0, le=500)
    event_date: date | None = None
    event_time: time | None = None
    event_type: str | None = Field(default=None, max_length=32)
    location: LocationText | LocationIn | None = None
    menu_items: list[MenuItemIn | str] | None = Field(default=None, max_length=100)
    notes: str | None = Field(default=None, max_length=5000)
    special_requests: str | None = Field(default=None, max_length=5000)
    chef_team_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _not_null(self) -> BookingUpdate:
        for name in ("status", "guest_count", "event_date", "event_time", "location"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class CancelBody(Input):
    reason: str = Field(default="", max_length=1000, examples=["Customer cancellation"])


class CustomerRef(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None


class UserRef(BaseModel):
    """Seed 002's `user` of a booking: the person booked, read from the customer record."""

    id: uuid.UUID
    email: str | None
    first_name: str
    last_name: str


class MenuLineRead(BaseModel):
    id: uuid.UUID | None = Field(description="The menu item (null when it was deleted since)")
    name: str
    quantity: int
    price: Money = Field(description="Unit price as booked")
    amount: Money
    pricing_unit: str


class StatusChangeRead(BaseModel):
    from_status: str | None
    to_status: str
    reason: str
    changed_by: uuid.UUID | None
    changed_at: datetime


class EventRef(BaseModel):
    """The event a seat booking is for (seed 002's `event`)."""

    id: uuid.UUID
    title: str
    event_type: str
    start_datetime: datetime
    end_datetime: datetime
    facilitator_id: uuid.UUID | None


class BookingSummary(BaseModel):
    """A row of GET /bookings (seed 001's list item); seat bookings (`kind` seat) also carry
    their `event` (seed 002)."""

    id: uuid.UUID
    reference_number: str = Field(examples=["BK-2025-000123"])
    kind: str = Field(examples=["catering", "seat"])
    event: EventRef | None = None
    customer: CustomerRef
    user: UserRef
    event_date: date
    event_time: time
    guest_count: int
    event_type: str
    location: str
    status: str
    currency: str
    total_amount: Money
    deposit_amount: Money
    deposit_paid: bool
    balance_due: Money
    payment_status: str = Field(examples=["unpaid", "partial", "paid", "refunded"])
    booking_date: datetime = Field(description="When the booking was made (seed 002)")
    created_at: datetime
    updated_at: datetime


class BookingRead(BookingSummary):
    """Seed 001's booking detail, with the stored quote and the status history."""

    customer_id: uuid.UUID
    child_count: int
    location_details: dict[str, Any]
    source: str
    menu_items: list[MenuLineRead]
    subtotal: Money
    tax: Money
    service_fee: Money
    travel_fee: Money
    amount_paid: Money
    amount_refunded: Money = Field(description="Given back; `balance_due` counts what is kept")
    notes: str
    special_requests: str
    chef_team_id: uuid.UUID | None
    hold_expires_at: datetime | None
    lead_id: uuid.UUID | None
    status_history: list[StatusChangeRead]
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    completed_at: datetime | None
    cancellation_reason: str | None
    pricing: dict[str, Any] = Field(description="The priced breakdown the customer was given")
    crm_notified: bool = Field(
        default=True,
        description="The booking's CRM record exists (seed 002); written in the same transaction",
    )


class BookingWritten(BookingRead):
    message: str = Field(examples=["Booking created successfully"])


class PublicBookingRequest(Input):
    """Seed 001's public booking form; the rules are checked by the service, all at once."""

    name: str | None = Field(default=None, max_length=1000, examples=["Jane Smith"])
    phone: str | None = Field(default=None, max_length=100, examples=["555-987-6543"])
    email: str | None = Field(default=None, max_length=1000, examples=["jane@example.com"])
    event_date: date | None = Field(default=None, examples=[example_saturday()])
    event_time: str | None = Field(default=None, max_length=100, examples=["18:00"])
    guest_count: int | None = Field(default=None, examples=[25])
    child_count: int = Field(default=0, ge=0, le=500, description="Of the guests, children")
    event_type: str | None = Field(default=None, max_length=100, examples=["birthday"])
    location: str | None = Field(default=None, max_length=1000, examples=["Los Angeles, CA"])
    # The lists' examples are empty: /docs's "Try it out" must send a request that is accepted
    # on any business, and menu ids and upgrade names are each business's own.
    menu_items: list[MenuItemIn] = Field(
        default_factory=list,
        max_length=100,
        description="Menu items by id, as on the menu",
        examples=[[]],
    )
    upgrades: list[UpgradeIn] = Field(default_factory=list, max_length=20, examples=[[]])
    message: str | None = Field(default=None, max_length=5000)
    source: str | None = Field(default=None, max_length=100, examples=["booking_form"])
    honeypot: str | None = Field(default=None, description="Must stay empty")
    preferred_language: Language | None = Field(
        default=None,
        description="en or es: the customer's messages are written in it; without it, the "
        "request's language (Accept-Language)",
    )


class PublicBookingCreated(BaseModel):
    success: bool
    booking_id: uuid.UUID
    reference_number: str
    status: str
    estimated_cost: Money
    deposit_amount: Money
    currency: str
    message: str
    next_steps: list[str]
    outside_service_area: bool = Field(
        default=False,
        description="The place is outside the service area: staff confirm travel before the "
        "booking (only when the organization takes such requests for review)",
    )
