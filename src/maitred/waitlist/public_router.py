"""`POST /public/events/{event_id}/seats`: a visitor takes a seat on a studio's event, or a
place in its waitlist when it is full (the JSON twin of the public page's seat form)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, EmailStr, Field

from maitred.kit.deps import DbSession
from maitred.kit.errors import ErrorBody
from maitred.kit.schemas import Input
from maitred.tenancy.public import PublicOrganization
from maitred.waitlist import public_seats

public_router = APIRouter(prefix="/public/events", tags=["events"])


class PublicSeatRequest(Input):
    """Name and phone are checked (with the lead form's messages) by the service."""

    name: str | None = Field(default=None, max_length=200, examples=["Bob Wilson"])
    phone: str | None = Field(default=None, max_length=40, examples=["+19165550123"])
    email: EmailStr | None = Field(default=None, examples=["bob@example.com"])
    notes: str = Field(default="", max_length=2000)
    honeypot: str | None = Field(default=None, max_length=2000, description="Must stay empty")


class PublicSeatTaken(BaseModel):
    kind: str = Field(description="`seat` (booked, confirmed) or `waitlist` (the event is full)")
    reference_number: str | None = Field(default=None, description="The seat's booking")
    position: int | None = Field(default=None, description="The place in the waitlist")


@public_router.post(
    "/{event_id}/seats",
    status_code=201,
    response_model=PublicSeatTaken,
    responses={404: {"model": ErrorBody}, 409: {"model": ErrorBody}, 422: {"model": ErrorBody}},
)
async def take_seat(
    event_id: uuid.UUID, body: PublicSeatRequest, organization: PublicOrganization, db: DbSession
) -> Any:
    """A confirmed seat while one is free (never oversold), otherwise the event's waitlist:
    the first in line gets the next seat given back. 409 `already_exists` when the visitor
    already holds a seat or a place."""
    return await public_seats.take_seat_or_queue(
        db,
        organization,
        event_id,
        name=body.name,
        phone=body.phone,
        email=str(body.email) if body.email else None,
        notes=body.notes,
        honeypot=body.honeypot,
    )
