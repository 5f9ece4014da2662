"""Request and response bodies of /customers (seeds 000, 001)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from maitred.kit.i18n import Language
from maitred.kit.money import Money
from maitred.kit.phones import DIALABLE
from maitred.kit.schemas import Input

PreferredContact = Literal["email", "phone", "sms"]
Dietary = list[str]


class AddressIn(Input):
    """Seed 000 writes `zip_code`, seed 001 `zip`: both are accepted."""

    street: str | None = Field(default=None, max_length=200)
    city: str | None = Field(default=None, max_length=100)
    state: str | None = Field(default=None, max_length=100)
    zip: str | None = Field(default=None, max_length=20)
    zip_code: str | None = Field(default=None, max_length=20)

    @model_validator(mode="after")
    def _one_zip(self) -> AddressIn:
        if self.zip and self.zip_code and self.zip.strip() != self.zip_code.strip():
            raise ValueError("zip and zip_code disagree; send one of them")
        return self


class PreferencesIn(Input):
    preferred_contact: PreferredContact | None = None
    dietary_restrictions: Dietary | None = Field(default=None, max_length=50)


class CustomerCreate(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Alice Johnson"])
    email: str | None = Field(default=None, max_length=320, examples=["alice@example.com"])
    phone: str | None = Field(
        default=None,
        max_length=40,
        examples=["(916) 555-0123"],
        description="Normalized to E.164, national numbers read in the organization's country",
    )
    address: AddressIn | None = None
    dietary_restrictions: Dietary | None = Field(default=None, max_length=50)
    notes: str = Field(default="", max_length=5000)
    preferences: PreferencesIn | None = None
    preferred_language: Language | None = None


class CustomerUpdate(Input):
    """Only the fields sent change; `null` clears email, phone or address."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=320)
    phone: str | None = Field(default=None, max_length=40, examples=["(916) 555-0123"])
    address: AddressIn | None = None
    dietary_restrictions: Dietary | None = Field(default=None, max_length=50)
    notes: str | None = Field(default=None, max_length=5000)
    preferences: PreferencesIn | None = None
    preferred_language: Language | None = None


class AddressRead(BaseModel):
    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None


class PreferencesRead(BaseModel):
    dietary_restrictions: Dietary
    preferred_contact: PreferredContact | None


class CustomerRead(BaseModel):
    """Seed 001's customer detail; the booking figures are computed from the bookings."""

    id: uuid.UUID
    name: str = Field(examples=["Jane Smith"])
    email: str | None = Field(examples=["jane@example.com"])
    phone: str | None = Field(examples=["+19165550123"])
    phone_dialable: bool | None = Field(description=DIALABLE, examples=[True])
    address: AddressRead | None
    dietary_restrictions: Dietary
    preferences: PreferencesRead
    preferred_language: str | None = Field(
        description="The language of messages to them; null: the organization's",
        examples=["es"],
    )
    notes: str
    source: str = Field(examples=["admin", "lead", "public"])
    loyalty_tier: str = Field(examples=["silver"])
    loyalty_points: int
    total_bookings: int
    total_spent: Money
    upcoming_bookings: int
    last_booking_date: date | None
    # The customer this record probably is (a form that shared only their phone), until merged.
    possible_duplicate_of: uuid.UUID | None = None
    erased_at: datetime | None
    created_at: datetime
    updated_at: datetime


class EmailVerificationConfirm(Input):
    token: str = Field(min_length=1, max_length=200)


class PhoneVerificationConfirm(Input):
    code: str = Field(min_length=4, max_length=12, examples=["123456"])


class VerificationAsked(BaseModel):
    message: str


class VerificationDone(BaseModel):
    message: str
    verified: Literal["email", "phone"]
    # The customer record the account reaches now in the organization asked from, if any.
    customer_id: uuid.UUID | None


class CustomerMerge(Input):
    into: uuid.UUID = Field(description="The customer that stays; this one is merged into it")


class PossibleDuplicate(BaseModel):
    customer: CustomerRead
    possible_duplicate_of: CustomerRead | None
