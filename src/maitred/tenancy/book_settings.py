"""The booking book's sections of the organization settings: pricing, availability, loyalty and
booking policy (seeds 000, 001). Rates are fractions (`0.10` is 10 %); money is two decimals.

Defaults are neutral (nothing is charged until the business says so), except the calendar,
which starts as seed 001's: evening slots, closed on Mondays.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from annotated_types import Ge, Le
from pydantic import Field, PlainSerializer, field_validator, model_validator

from maitred.kit.money import Money
from maitred.tenancy.settings_base import Section

AsNumber = PlainSerializer(float, return_type=float, when_used="json")
Rate = Annotated[Decimal, Ge(0), Le(1), Field(max_digits=7, decimal_places=5), AsNumber]
Amount = Annotated[Money, Ge(0), Field(decimal_places=2)]
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ChildBand(Section):
    """Children aged `min_age`..`max_age` (inclusive) pay `price` each (0: free)."""

    min_age: int = Field(ge=0, le=17)
    max_age: int = Field(ge=0, le=17)
    price: Amount

    @model_validator(mode="after")
    def _ordered(self) -> ChildBand:
        if self.min_age > self.max_age:
            raise ValueError("min_age must not exceed max_age")
        return self


class Upgrade(Section):
    """A per-person upgrade (`+$15 lobster`): charged per guest who takes it."""

    name: str = Field(min_length=1, max_length=100)
    price_per_person: Amount
    description: str = Field(default="", max_length=500)


class TravelZone(Section):
    """A flat travel fee for events in these zip codes or cities (checked before distance)."""

    name: str = Field(min_length=1, max_length=100)
    zip_codes: list[str] = Field(default_factory=list)
    cities: list[str] = Field(default_factory=list)
    fee: Amount


class PricingSettings(Section):
    currency: str | None = Field(
        default=None,
        pattern=r"^[A-Z]{3}$",
        description="ISO 4217; empty means the organization's currency",
    )
    price_per_adult: Amount = Field(default=Decimal(0), examples=[55])
    price_per_child: Amount = Field(
        default=Decimal(0), description="Children whose age is not given, or in no age band"
    )
    child_age_bands: list[ChildBand] = Field(
        default_factory=list,
        examples=[
            [{"min_age": 0, "max_age": 5, "price": 0}, {"min_age": 6, "max_age": 12, "price": 30}]
        ],
    )
    minimum_total: Amount = Field(
        default=Decimal(0), description="The subtotal is raised to this party minimum"
    )
    upgrades: list[Upgrade] = Field(default_factory=list)
    tax_rate: Rate = Field(default=Decimal(0), examples=[0.0825])
    tax_includes_service_fee: bool = False
    tax_includes_travel_fee: bool = False
    service_fee_rate: Rate = Field(default=Decimal(0), description="Of the subtotal")
    travel_base_zip: str | None = Field(
        default=None, pattern=r"^\d{5}$", description="Where distances are measured from"
    )
    travel_free_miles: Annotated[Decimal, AsNumber] = Field(default=Decimal(0), ge=0, le=10000)
    travel_per_mile: Amount = Field(default=Decimal(0))
    travel_fee_zones: list[TravelZone] = Field(default_factory=list)
    deposit_percent: Rate = Field(
        default=Decimal(0), description="A fraction of the total: 0.5 for half"
    )
    deposit_fixed: Amount = Field(default=Decimal(0), examples=[100])
    deposit_minimum: Amount = Field(default=Decimal(0))
    gratuity_suggestion_rates: list[Rate] = Field(
        default_factory=list,
        examples=[[0.20, 0.35]],
        description="Shown as guidance, never charged",
    )

    @field_validator("upgrades")
    @classmethod
    def _unique_upgrades(cls, value: list[Upgrade]) -> list[Upgrade]:
        names = [u.name.strip().lower() for u in value]
        if len(names) != len(set(names)):
            raise ValueError("upgrade names must be unique")
        return value

    @field_validator("child_age_bands")
    @classmethod
    def _disjoint_bands(cls, value: list[ChildBand]) -> list[ChildBand]:
        ordered = sorted(value, key=lambda b: b.min_age)
        for before, after in zip(ordered, ordered[1:], strict=False):
            if after.min_age <= before.max_age:
                raise ValueError("child age bands must not overlap")
        return value


class AvailabilitySettings(Section):
    slot_times: list[str] = Field(
        default_factory=lambda: ["17:00", "18:00", "19:00"], min_length=1, max_length=48
    )
    event_duration_minutes: int = Field(default=120, ge=15, le=1440)
    buffer_minutes: int = Field(
        default=60, ge=0, le=720, description="Kept free before and after every event"
    )
    closed_weekdays: list[int] = Field(
        default_factory=lambda: [1], description="ISO weekday numbers, Monday = 1"
    )
    blackout_dates: list[date] = Field(default_factory=list)
    min_notice_hours: int = Field(default=24, ge=0, le=24 * 365)
    horizon_days: int = Field(default=365, ge=1, le=3 * 365)
    hold_hours: int = Field(
        default=72, ge=1, le=24 * 60, description="How long a pending booking holds its team"
    )
    max_guests_per_team: int | None = Field(
        default=None, ge=1, le=10000, description="Larger parties take several teams"
    )
    waitlist_offer_hours: int = Field(
        default=24,
        ge=1,
        le=24 * 30,
        description="How long a waitlist offer stands before it passes to the next in line",
    )
    service_area: list[str] = Field(
        default_factory=list, description="Cities or zip codes served; empty means anywhere"
    )
    outside_area_requests: Literal["refuse", "review"] = Field(
        default="refuse",
        description="A public booking request from outside the service area: refused (422), or "
        "taken as pending for staff to review (the customer is told travel is to be confirmed)",
    )

    @field_validator("slot_times")
    @classmethod
    def _times(cls, value: list[str]) -> list[str]:
        for slot in value:
            if not _TIME.match(slot):
                raise ValueError(f"{slot!r} is not a time of day as HH:MM")
        return sorted(set(value))

    @field_validator("closed_weekdays")
    @classmethod
    def _weekdays(cls, value: list[int]) -> list[int]:
        if any(day < 1 or day > 7 for day in value):
            raise ValueError("weekdays are 1 (Monday) to 7 (Sunday)")
        return sorted(set(value))


class LoyaltyTier(Section):
    name: str = Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_]+$")
    min_spent: Amount


def _default_tiers() -> list[LoyaltyTier]:
    return [
        LoyaltyTier(name="bronze", min_spent=Decimal(0)),
        LoyaltyTier(name="silver", min_spent=Decimal(2000)),
        LoyaltyTier(name="gold", min_spent=Decimal(5000)),
        LoyaltyTier(name="platinum", min_spent=Decimal(10000)),
    ]


class LoyaltySettings(Section):
    points_per_unit: Annotated[Decimal, AsNumber] = Field(
        default=Decimal(1),
        ge=0,
        le=1000,
        description="Points per currency unit of completed bookings",
    )
    tiers: list[LoyaltyTier] = Field(default_factory=_default_tiers, min_length=1)

    @field_validator("tiers")
    @classmethod
    def _starts_at_zero(cls, value: list[LoyaltyTier]) -> list[LoyaltyTier]:
        ordered = sorted(value, key=lambda t: t.min_spent)
        if ordered[0].min_spent != 0:
            raise ValueError("the lowest tier must start at 0")
        if len({t.name for t in value}) != len(value):
            raise ValueError("tier names must be unique")
        return ordered


class BookingPolicySettings(Section):
    event_types: list[str] = Field(
        default_factory=lambda: ["birthday", "wedding", "corporate", "anniversary", "other"],
        min_length=1,
    )
    customer_cancel_hours: int = Field(
        default=48, ge=0, le=24 * 365, description="Customers may cancel until this long before"
    )
