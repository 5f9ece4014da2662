"""Request and response bodies of /leads and the public lead form (seed 001)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

import orjson
from pydantic import BaseModel, Field, field_validator, model_validator

from maitred.kit.clock import example_saturday
from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.i18n import Language
from maitred.kit.phones import DIALABLE
from maitred.kit.schemas import Input


class LeadStatus(CaseInsensitiveEnum):
    """The sales pipeline, in order; `won` and `lost` end it."""

    new = "new"
    contacted = "contacted"
    qualified = "qualified"
    quoted = "quoted"
    won = "won"
    lost = "lost"


class PublicLeadCreate(Input):
    """Seed 001's quote request. The service checks name, phone, email and message together,
    so that every bad field is reported at once with seed 001's messages."""

    name: str | None = Field(default=None, max_length=2000, examples=["John Doe"])
    phone: str | None = Field(default=None, max_length=100, examples=["555-123-4567"])
    email: str | None = Field(default=None, max_length=2000, examples=["john@example.com"])
    message: str = Field(
        default="", max_length=20000, examples=["Interested in catering for 50 guests"]
    )
    source: str = Field(default="website", min_length=1, max_length=50)
    metadata: dict[str, Any] = Field(
        default_factory=dict, examples=[{"page": "homepage", "referrer": "google"}]
    )
    honeypot: str | None = Field(default="", max_length=2000, description="Must stay empty")
    preferred_language: Language | None = Field(
        default=None, description="en or es; without it, the request's language (Accept-Language)"
    )

    @field_validator("metadata")
    @classmethod
    def _small(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(orjson.dumps(value)) > 4000:
            raise ValueError("At most 4000 characters of metadata")
        return value


class PublicLeadCreated(BaseModel):
    success: bool = True
    lead_id: uuid.UUID
    message: str = Field(examples=["Thank you! We'll contact you within 24 hours."])
    newsletter_subscribed: bool
    estimated_response_time: str = Field(examples=["24 hours"])


class LeadNoteCreate(Input):
    body: str = Field(min_length=1, max_length=5000, examples=["Called back, wants a quote"])


class LeadNoteRead(BaseModel):
    id: uuid.UUID
    lead_id: uuid.UUID
    author_id: uuid.UUID | None
    body: str
    created_at: datetime


class LeadRead(BaseModel):
    """Seed 001's lead, with what it became once converted."""

    id: uuid.UUID
    name: str = Field(examples=["John Doe"])
    phone: str | None = Field(examples=["+19165550123"])
    phone_dialable: bool | None = Field(description=DIALABLE, examples=[True])
    email: str | None
    source: str = Field(examples=["website"])
    status: LeadStatus
    message: str
    metadata: dict[str, Any]
    assigned_to: uuid.UUID | None
    lost_reason: str | None
    event_date: date | None
    guest_count: int | None
    event_type: str | None
    customer_id: uuid.UUID | None
    booking_id: uuid.UUID | None
    converted_at: datetime | None
    preferred_language: str | None = Field(
        default=None, description="The language of the auto-reply", examples=["es"]
    )
    created_at: datetime
    updated_at: datetime


class LeadDetail(LeadRead):
    notes: list[LeadNoteRead]


class LeadUpdate(Input):
    """Moves the lead through the pipeline (forward; `lost` from anywhere open, with a reason),
    or assigns it to a staff member (`null` unassigns)."""

    status: LeadStatus | None = None
    lost_reason: str | None = Field(default=None, max_length=1000)
    assigned_to: uuid.UUID | None = None


class MenuItemChoice(Input):
    """A menu item by id or by name; without quantity, one per guest."""

    menu_item_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    quantity: int | None = Field(default=None, ge=1, le=10000)

    @model_validator(mode="after")
    def _named(self) -> MenuItemChoice:
        if self.menu_item_id is None and self.name is None:
            raise ValueError("Give menu_item_id or name")
        return self


class ConvertBookingData(Input):
    event_date: date = Field(examples=[example_saturday()])
    event_time: time | None = Field(default=None, examples=["18:00"])
    guest_count: int = Field(ge=1, le=500, examples=[25])
    event_type: str = Field(default="other", max_length=32, examples=["corporate"])
    location: str = Field(default="", max_length=500)
    menu_items: list[MenuItemChoice] = Field(default_factory=list, max_length=100)


class LeadConvert(Input):
    create_booking: bool = False
    booking_data: ConvertBookingData | None = None


class LeadConverted(BaseModel):
    customer_id: uuid.UUID
    booking_id: uuid.UUID | None
    message: str = Field(examples=["Lead converted to customer successfully"])
