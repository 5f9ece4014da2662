"""Request and response shapes of /webhooks (seed 004's outgoing webhooks)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.schemas import Input
from maitred.webhooks.catalog import ALL_EVENTS, KNOWN_EVENTS

EVENTS_HELP = "Event names, or `*` for every one of: " + ", ".join(KNOWN_EVENTS)


class DeliveryStatus(CaseInsensitiveEnum):
    pending = "pending"
    delivering = "delivering"
    succeeded = "succeeded"
    failed = "failed"


def _star_as_list(value: object) -> object:
    if isinstance(value, str):
        if value != ALL_EVENTS:
            raise ValueError("Give a list of event names, or '*'")
        return [ALL_EVENTS]
    return value


def _known_events(value: list[str]) -> list[str]:
    names = list(dict.fromkeys(value))
    if not names:
        raise ValueError("Name at least one event, or '*'")
    unknown = [name for name in names if name != ALL_EVENTS and name not in KNOWN_EVENTS]
    if unknown:
        raise ValueError(f"Unknown event {unknown[0]!r}; known: {', '.join(KNOWN_EVENTS)}")
    return [ALL_EVENTS] if ALL_EVENTS in names else names


EventNames = Annotated[
    list[str],
    BeforeValidator(_star_as_list),
    AfterValidator(_known_events),
    Field(description=EVENTS_HELP, examples=[["booking.created", "payment.completed"]]),
]
Url = Annotated[str, Field(max_length=2000, examples=["https://example.com/hooks/maitred"])]
Description = Annotated[str, Field(max_length=1000, examples=["Kitchen display"])]


class SubscriptionCreate(Input):
    url: Url
    events: EventNames
    description: Description = ""
    active: bool = True


class SubscriptionUpdate(Input):
    """Only the fields sent change; `active: true` also clears a flag."""

    url: Url | None = None
    events: EventNames | None = None
    description: Description | None = None
    active: bool | None = None


class SubscriptionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    description: str
    active: bool
    flagged_at: datetime | None = Field(
        description="Set when a delivery failed for good; no new deliveries until re-activated"
    )
    flag_reason: str | None
    created_by: uuid.UUID | None
    created_at: datetime
    updated_at: datetime


class SubscriptionCreated(SubscriptionRead):
    secret: str = Field(
        description="The signing secret, shown only in this response; keep it safe",
        examples=["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
    )


class DeliveryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: uuid.UUID = Field(description="The `webhook-id` header; the same on every retry")
    event_name: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    response_status: int | None
    response_body: str | None = Field(description="The first 2 KB of the receiver's answer")
    error: str | None
    duration_ms: int | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime
