"""Request and response shapes of /waitlist (seed 000)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import BaseModel, EmailStr, Field, model_validator

from maitred.kit.clock import example_saturday
from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.schemas import Input


class WaitlistStatus(CaseInsensitiveEnum):
    waiting = "waiting"
    offered = "offered"
    converted = "converted"
    cancelled = "cancelled"
    expired = "expired"


class SettableStatus(CaseInsensitiveEnum):
    """What staff may set by hand; `converted` only comes from converting."""

    waiting = "waiting"
    cancelled = "cancelled"
    expired = "expired"


class CustomerIn(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Bob Wilson"])
    email: EmailStr | None = Field(default=None, examples=["bob@example.com"])
    phone: str | None = Field(default=None, max_length=40, examples=["+19165550123"])


class LocationIn(Input):
    address: str | None = Field(default=None, max_length=300, examples=["123 Main St"])
    city: str | None = Field(default=None, max_length=100, examples=["Sacramento"])
    state: str | None = Field(default=None, max_length=50, examples=["CA"])
    zip_code: str | None = Field(default=None, max_length=10, examples=["95814"])


Location = LocationIn | Annotated[str, Field(max_length=500)]
GuestCount = Annotated[int, Field(ge=1, le=500, examples=[4])]
Notes = Annotated[str, Field(max_length=2000)]


class WaitlistCreate(Input):
    """Seed 000: an embedded `customer` (found by email or phone, else created) or a
    `customer_id`."""

    customer: CustomerIn | None = None
    customer_id: uuid.UUID | None = None
    preferred_date: date = Field(examples=[example_saturday()])
    preferred_time: time | None = Field(default=None, examples=["18:00"])
    guest_count: GuestCount
    location: Location | None = None
    notes: Notes = ""

    @model_validator(mode="after")
    def _one_customer(self) -> WaitlistCreate:
        if (self.customer is None) == (self.customer_id is None):
            raise ValueError("Give either customer or customer_id")
        return self


class EventWaitlistJoin(Input):
    """A signed-in customer joins for themselves (no body needed); staff name a `customer_id`
    or embed a `customer`."""

    customer: CustomerIn | None = None
    customer_id: uuid.UUID | None = None
    notes: Notes = ""

    @model_validator(mode="after")
    def _at_most_one_customer(self) -> EventWaitlistJoin:
        if self.customer is not None and self.customer_id is not None:
            raise ValueError("Give customer or customer_id, not both")
        return self


class WaitlistUpdate(Input):
    """Only the fields sent change; `preferred_time: null` means any time of the day."""

    preferred_date: date | None = None
    preferred_time: time | None = None
    guest_count: GuestCount | None = None
    location: Location | None = None
    notes: Notes | None = None
    status: SettableStatus | None = None


class WaitlistConvert(Input):
    """Seed 000: the booking's date, time and place; each defaults to the entry's wish."""

    event_date: date | None = Field(default=None, examples=[example_saturday()])
    event_time: time | None = Field(default=None, examples=["18:30"])
    location: Location | None = None
    guest_count: GuestCount | None = None


class CustomerBriefRead(BaseModel):
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None


class WaitlistRead(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    customer: CustomerBriefRead | None
    event_id: uuid.UUID | None = Field(
        description="Waiting for a seat on this event (seed 002) instead of a catering date"
    )
    preferred_date: date
    preferred_time: time | None
    guest_count: int
    location: str
    location_details: dict[str, Any]
    notes: str
    status: WaitlistStatus
    offered_at: datetime | None
    offer_expires_at: datetime | None
    booking_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class EventWaitlistRead(WaitlistRead):
    position: int = Field(description="1 for the next in line to get a seat", examples=[1])


class WaitlistConverted(BaseModel):
    waitlist_id: uuid.UUID
    booking_id: uuid.UUID
    reference_number: str = Field(examples=["BK-2024-000123"])
    status: str = Field(examples=["pending"])
