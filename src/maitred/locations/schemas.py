"""Bodies and answers of /locations."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from maitred.kit.schemas import Input
from maitred.tenancy.schemas import Name, Timezone


class LocationCreate(Input):
    name: Name = Field(examples=["Downtown kitchen"])
    address: str = Field(default="", max_length=2000, examples=["1 Main St, Springfield"])
    timezone: Timezone | None = Field(
        default=None, description="Leave empty to use the organization's time zone"
    )
    phone: str | None = Field(
        default=None,
        max_length=40,
        description="Normalized to E.164; national numbers are read in the organization's country",
        examples=["(415) 555-0123"],
    )
    is_active: bool = True


class LocationUpdate(Input):
    """Only the fields sent change; send `null` for `timezone` or `phone` to clear them."""

    name: Name | None = None
    address: str | None = Field(default=None, max_length=2000)
    timezone: Timezone | None = None
    phone: str | None = Field(default=None, max_length=40, examples=["(415) 555-0123"])
    is_active: bool | None = None


class LocationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    address: str
    timezone: str | None = Field(description="As set on the location (null: the organization's)")
    effective_timezone: str = Field(examples=["America/Los_Angeles"])
    phone: str | None = Field(examples=["+14155550123"])
    is_active: bool
    created_at: datetime
    updated_at: datetime
