"""Request and response shapes of /quotes (the policy itself is tenancy's `PricingSettings`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, Field, model_validator

from maitred.kit.schemas import Input

ZipCode = Annotated[str, Field(pattern=r"^\d{5}(-\d{4})?$", examples=["95630"])]


class QuoteLocation(Input):
    """Seed 000's structured location."""

    address: str = Field(default="", max_length=500, examples=["123 Main St"])
    city: str | None = Field(default=None, max_length=100, examples=["Sacramento"])
    state: str | None = Field(default=None, max_length=50, examples=["CA"])
    zip_code: ZipCode | None = None


class MenuChoiceIn(Input):
    """A menu item by id or by name (ignoring case); without a quantity, one per guest."""

    menu_item_id: uuid.UUID | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    quantity: int | None = Field(default=None, ge=1, le=10_000)

    @model_validator(mode="after")
    def _named(self) -> MenuChoiceIn:
        if self.menu_item_id is None and self.name is None:
            raise ValueError("Give menu_item_id or name")
        return self


class UpgradeIn(Input):
    name: str = Field(min_length=1, max_length=100, examples=["Lobster"])
    quantity: int = Field(ge=1, le=500, description="How many guests take it")


class QuoteRequest(Input):
    """Children (`child_count` without ages, `child_ages` with) are included in
    `guest_count`."""

    guest_count: int = Field(ge=1, le=500, examples=[10])
    child_count: int = Field(default=0, ge=0, le=500)
    child_ages: list[Annotated[int, Field(ge=0, le=17)]] = Field(
        default_factory=list, max_length=500, examples=[[4, 8]]
    )
    event_date: date | None = Field(
        default=None, validation_alias=AliasChoices("event_date", "date")
    )
    event_type: str | None = Field(default=None, max_length=50, examples=["birthday"])
    location: str | QuoteLocation | None = Field(
        default=None,
        examples=["Folsom, CA 95630"],
        description="Free text (a 5-digit zip code and the city are read out of it) or parts",
    )
    zip_code: ZipCode | None = Field(default=None, description="Wins over the location's")
    menu_items: list[MenuChoiceIn | Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list,
        max_length=100,
        examples=[[{"menu_item_id": "…", "quantity": 15}, "Fried Rice"]],
    )
    upgrades: list[UpgradeIn] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _children_within_guests(self) -> QuoteRequest:
        if self.child_count + len(self.child_ages) > self.guest_count:
            raise ValueError("Children are counted in guest_count: there are more than guests")
        return self


class QuoteLine(BaseModel):
    kind: str = Field(examples=["menu"], description="adults, children, menu or upgrade")
    name: str = Field(examples=["Hibachi Chicken"])
    quantity: int
    unit_price: float
    amount: float
    menu_item_id: uuid.UUID | None
    pricing_unit: str | None


class GratuitySuggestion(BaseModel):
    rate: float = Field(examples=[0.2])
    amount: float


class QuoteRead(BaseModel):
    """A priced breakdown; nothing is booked or stored."""

    currency: str = Field(examples=["USD"])
    lines: list[QuoteLine]
    items_total: float
    minimum_applied: float = Field(description="What the party minimum added")
    subtotal: float = Field(examples=[725.0])
    service_fee: float = Field(examples=[145.0])
    travel_fee: float
    travel_miles: float | None = Field(description="From the business's base zip code")
    tax: float = Field(examples=[72.5])
    total_amount: float = Field(examples=[942.5])
    deposit_amount: float = Field(examples=[471.25])
    gratuity_suggestions: list[GratuitySuggestion] = Field(description="Shown, never charged")
    guest_count: int
    adult_count: int
    child_count: int
    child_ages: list[int]
    event_date: date | None
    event_type: str | None
    location: str | dict[str, Any] | None
    zip_code: str | None
    city: str | None
