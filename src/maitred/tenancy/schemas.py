import uuid

from pydantic import BaseModel, ConfigDict, Field


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
