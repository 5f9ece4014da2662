"""Request and response shapes of /events and /facilitators (seed 002, under API.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from annotated_types import Ge
from pydantic import AfterValidator, BaseModel, Field, StringConstraints, field_validator

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.money import Money
from maitred.kit.schemas import Input
from maitred.tenancy.event_settings import EventType

MAX_OCCURRENCES = 200


class EventStatus(CaseInsensitiveEnum):
    """`draft` is seen by staff only; `cancelled` is reached through POST /events/{id}/cancel."""

    draft = "draft"
    active = "active"
    cancelled = "cancelled"
    completed = "completed"


def _lower_key(value: str) -> str:
    return value.strip().lower()


def _web_link(value: str | None) -> str | None:
    if value is None:
        return None
    link = value.strip()
    if not link:
        return None
    if not link.lower().startswith(("https://", "http://")):
        raise ValueError("Must be an http(s) URL")
    return link


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    Field(examples=["Morning Yoga"]),
]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=5000)]
Place = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Link = Annotated[str | None, Field(max_length=500), AfterValidator(_web_link)]
TypeKey = Annotated[str, AfterValidator(_lower_key), Field(max_length=32, examples=["session"])]
Seats = Annotated[int, Field(ge=1, le=100_000, examples=[20])]
Price = Annotated[Money, Ge(0), Field(decimal_places=2, examples=[25.0])]
Zone = Annotated[
    str | None,
    Field(
        max_length=64,
        description="IANA zone of naive times (default: the organization's)",
        examples=["America/Los_Angeles"],
    ),
]
When = Annotated[
    datetime,
    Field(
        description="With an offset, or a naive local time in the event's timezone",
        examples=["2030-01-15T07:00:00"],
    ),
]


# --- Facilitators ------------------------------------------------------------------------------


class FacilitatorCreate(Input):
    name: Name
    bio: LongText = ""
    photo_url: Link = None
    is_active: bool = True
    user_id: uuid.UUID | None = Field(
        default=None, description="A member of this organization with the facilitator role"
    )


class FacilitatorUpdate(Input):
    """Only the fields sent change; `user_id` and `photo_url` may be null."""

    name: Name | None = None
    bio: LongText | None = None
    photo_url: Link = None
    is_active: bool | None = None
    user_id: uuid.UUID | None = None


class FacilitatorRead(BaseModel):
    id: uuid.UUID
    name: str
    bio: str
    photo_url: str | None
    is_active: bool
    user_id: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class FacilitatorBrief(BaseModel):
    id: uuid.UUID
    name: str
    bio: str


# --- Events ------------------------------------------------------------------------------------


class EventFields(Input):
    title: Title
    description: LongText = ""
    event_type: TypeKey = Field(description="A key of GET /events/types")
    facilitator_id: uuid.UUID | None = None
    start_datetime: When
    end_datetime: When
    timezone: Zone = None
    location: Place = ""
    location_id: uuid.UUID | None = Field(
        default=None, description="One of the organization's locations (GET /locations)"
    )
    virtual_link: Link = None
    max_participants: Seats
    price: Price = Field(default=Decimal(0))
    status: EventStatus = Field(default=EventStatus.active, description="`draft` or `active`")
    requirements: LongText = ""

    @field_validator("status")
    @classmethod
    def _new_status(cls, value: EventStatus) -> EventStatus:
        if value not in (EventStatus.draft, EventStatus.active):
            raise ValueError("A new event is 'draft' or 'active'")
        return value


class EventCreate(EventFields):
    pass


class EventUpdate(Input):
    """Only the fields sent change. Times may move even when seats are taken."""

    title: Title | None = None
    description: LongText | None = None
    event_type: TypeKey | None = None
    facilitator_id: uuid.UUID | None = None
    start_datetime: When | None = None
    end_datetime: When | None = None
    timezone: Zone = None
    location: Place | None = None
    location_id: uuid.UUID | None = Field(default=None, description="null: no location")
    virtual_link: Link = None
    max_participants: Seats | None = None
    price: Price | None = None
    status: EventStatus | None = Field(
        default=None, description="`draft`, `active` or `completed`; cancel through /cancel"
    )
    requirements: LongText | None = None


class EventRead(BaseModel):
    id: uuid.UUID
    title: str
    description: str
    event_type: str
    facilitator: FacilitatorBrief | None
    start_datetime: datetime = Field(description="In the event's timezone, with its offset")
    end_datetime: datetime
    timezone: str
    location: str
    location_id: uuid.UUID | None = None
    virtual_link: str | None
    max_participants: int
    current_participants: int
    available_spots: int
    price: Money
    currency: str = Field(examples=["USD"])
    status: EventStatus
    requirements: str
    is_full: bool
    series_id: uuid.UUID | None
    cancelled_at: datetime | None
    cancellation_reason: str | None
    created_at: datetime
    updated_at: datetime


class EventCancel(Input):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class EventTypeRead(BaseModel):
    key: str = Field(examples=["session"])
    value: int = Field(description="1-based position", examples=[1])
    label: str = Field(examples=["Session"])


class EventTypes(BaseModel):
    event_types: list[EventTypeRead]


class EventTypesUpdate(Input):
    event_types: list[EventType] = Field(min_length=1, max_length=50)


# --- Series ------------------------------------------------------------------------------------


class SeriesCreate(EventFields):
    """One event's fields; `start_datetime`/`end_datetime` give the local times of every
    occurrence and the first date one may fall on. Repeat by
    `rrule` (RFC 5545: an RRULE, daily to yearly, with COUNT or UNTIL, and RDATE, EXDATE or
    EXRULE lines; times are local unless they end in Z or carry a TZID) or by `weekdays` with
    `until` and/or `count`."""

    rrule: str | None = Field(
        default=None,
        max_length=500,
        examples=[
            "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10",
            "RRULE:FREQ=MONTHLY;BYDAY=1SA;COUNT=6\nEXDATE;VALUE=DATE:20310705",
        ],
    )
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] | None = Field(
        default=None, min_length=1, max_length=7, description="ISO weekdays, Monday = 1"
    )
    until: date | None = Field(default=None, description="Last local date (inclusive)")
    count: int | None = Field(default=None, ge=1, le=MAX_OCCURRENCES)


class SeriesRead(BaseModel):
    series_id: uuid.UUID
    count: int
    events: list[EventRead]
