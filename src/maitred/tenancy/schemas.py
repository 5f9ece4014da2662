import re
import uuid
import zoneinfo
from datetime import datetime
from typing import Annotated, Any

import phonenumbers
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from maitred.kit.schemas import Input
from maitred.tenancy.domains import normalize
from maitred.tenancy.settings import OrganizationSettings

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _timezone(value: str) -> str:
    """An IANA name that zoneinfo knows: local dates and times are read in it."""
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"Unknown time zone {value!r}; use an IANA name such as 'America/Los_Angeles'"
        ) from None
    return value


def _currency(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{3}", value):
        raise ValueError("Use an ISO 4217 code of three letters, such as 'USD'")
    return value.upper()


def _country(value: str) -> str:
    """ISO 3166 alpha-2; it is the default region of phone numbers, so phonenumbers must know it."""
    code = value.upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("Use an ISO 3166 alpha-2 country code, such as 'US'")
    return code


def _slug(value: str) -> str:
    slug = value.strip().lower()
    if not _SLUG.fullmatch(slug):
        raise ValueError("Use lowercase letters, digits and single hyphens, such as 'my-grill'")
    try:
        uuid.UUID(slug)
    except ValueError:
        return slug
    raise ValueError("A slug may not look like an id")


Timezone = Annotated[
    str, Field(max_length=64, examples=["America/Los_Angeles"]), AfterValidator(_timezone)
]
Currency = Annotated[str, Field(examples=["USD"]), AfterValidator(_currency)]
Country = Annotated[str, Field(examples=["US"]), AfterValidator(_country)]
Slug = Annotated[str, Field(max_length=100, examples=["hibachi-at-home"]), AfterValidator(_slug)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Locale = Annotated[str, Field(min_length=2, max_length=35, examples=["en-US"])]


class OrganizationPublicRead(BaseModel):
    """What a public booking form needs to know about the business."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str = Field(examples=["Hibachi at Home"])
    slug: str = Field(examples=["hibachi-at-home"])
    timezone: str = Field(examples=["America/Los_Angeles"])
    currency: str = Field(examples=["USD"])
    locale: str = Field(examples=["en-US"])
    country: str = Field(examples=["US"])


class OrganizationCreate(Input):
    """Seed 003's project fields (name, description, timezone, settings) and the business's
    locale. Without `slug`, one is made from the name."""

    name: Name = Field(examples=["Hibachi at Home"])
    slug: Slug | None = None
    description: str = Field(default="", max_length=5000)
    timezone: Timezone = "UTC"
    currency: Currency = "USD"
    locale: Locale = "en-US"
    country: Country = "US"
    settings: OrganizationSettings | None = None


class OrganizationUpdate(Input):
    """Only the fields sent change; `settings` is merged section by section."""

    name: Name | None = None
    slug: Slug | None = None
    description: str | None = Field(default=None, max_length=5000)
    timezone: Timezone | None = None
    currency: Currency | None = None
    locale: Locale | None = None
    country: Country | None = None
    settings: OrganizationSettings | None = None
    is_active: bool | None = None


class OrganizationRead(OrganizationPublicRead):
    """An organization as its members see it (a superset of seed 003's project)."""

    description: str
    settings: dict[str, Any] = Field(description="Effective settings, defaults included")
    is_active: bool
    created_at: datetime
    updated_at: datetime


def _domain(value: str) -> str:
    domain = normalize(value)
    if domain is None or "." not in domain:
        raise ValueError("Use a host name such as 'book.myhibachi.example', without scheme or path")
    return domain


Domain = Annotated[
    str, Field(max_length=260, examples=["book.hibachi-at-home.example"]), AfterValidator(_domain)
]


class OrganizationDomains(Input):
    """The host names whose signed-out requests are for this organization (the whole list)."""

    domains: list[Domain] = Field(max_length=20, examples=[["book.hibachi-at-home.example"]])
