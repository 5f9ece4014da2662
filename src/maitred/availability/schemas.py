"""Request and response shapes of availability (seed 000's availability answer)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, model_validator

from maitred.kit.money import Money
from maitred.kit.schemas import Input

Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday, Monday = 1")]
TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class TimeOff(Input):
    """Days off, both ends included."""

    date_from: date
    date_to: date
    reason: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _ordered(self) -> TimeOff:
        if self.date_from > self.date_to:
            raise ValueError("date_from must not be after date_to")
        return self


class TeamCreate(Input):
    name: TeamName = Field(examples=["Team Sacramento"])
    working_weekdays: list[Weekday] = Field(
        default_factory=lambda: [1, 2, 3, 4, 5, 6, 7], max_length=7, examples=[[2, 3, 4, 5, 6, 7]]
    )
    time_off: list[TimeOff] = Field(default_factory=list, max_length=200)
    is_active: bool = True
    location_id: uuid.UUID | None = Field(default=None, description="Where the team works from")


class TeamUpdate(Input):
    """Only the fields sent change."""

    name: TeamName | None = None
    working_weekdays: list[Weekday] | None = Field(default=None, max_length=7)
    time_off: list[TimeOff] | None = Field(default=None, max_length=200)
    is_active: bool | None = None
    location_id: uuid.UUID | None = Field(default=None, description="null: no location")


class TimeOffRead(BaseModel):
    date_from: date
    date_to: date
    reason: str


class TeamRead(BaseModel):
    id: uuid.UUID
    name: str
    working_weekdays: list[int]
    time_off: list[TimeOffRead]
    is_active: bool
    location_id: uuid.UUID | None = None
    created_at: datetime
    updated_at: datetime


class SlotRead(BaseModel):
    time: str = Field(examples=["17:00"])
    capacity: int = Field(description="Chef teams free at that time")
    available: bool


class PriceEstimate(BaseModel):
    base_price: Money = Field(examples=[270.0])
    deposit_required: Money = Field(examples=[67.5])
    total_estimate: Money = Field(examples=[270.0])


class DayAvailability(BaseModel):
    date: date
    available: bool
    reason: str | None = Field(description="Why the date is not available", examples=[None])
    available_slots: list[str] = Field(examples=[["17:00", "18:00", "19:00"]])
    slots: list[SlotRead]
    price_estimate: PriceEstimate | None = Field(description="When guest_count is given")


class AlternativeDate(BaseModel):
    date: date
    available_slots: list[str]


class AvailabilityRead(DayAvailability):
    alternative_dates: list[AlternativeDate] = Field(
        description="When the date is not available: the next dates with free slots (up to 3)"
    )


class AvailabilityDays(BaseModel):
    days: list[DayAvailability]
