"""Events with limited seats and the facilitators who lead them (seed 002)."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.money import MoneyColumn


class Facilitator(TenantOwned, Base):
    """Who leads events: a profile, linked to a user with the facilitator role when they sign in."""

    __tablename__ = "facilitators"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    name: Mapped[str] = mapped_column(String(200))
    bio: Mapped[str] = mapped_column(Text, default="")
    photo_url: Mapped[str | None] = mapped_column(String(500))
    is_active: Mapped[bool] = mapped_column(default=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Event(TenantOwned, Base):
    """A scheduled session or retreat. `seats_taken` is the guarded counter seat bookings move
    (`UPDATE … SET seats_taken = seats_taken + 1 WHERE seats_taken < max_participants`)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_org_status_starts", "organization_id", "status", "starts_at"),
        Index("ix_events_org_facilitator_starts", "organization_id", "facilitator_id", "starts_at"),
    )

    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    event_type: Mapped[str] = mapped_column(String(32))
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("facilitators.id", ondelete="SET NULL")
    )
    starts_at: Mapped[datetime]  # UTC
    ends_at: Mapped[datetime]  # UTC
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(300), default="")
    # The place it is held at, when it is one of the organization's locations (analytics).
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )
    virtual_link: Mapped[str | None] = mapped_column(String(500))
    max_participants: Mapped[int]
    seats_taken: Mapped[int] = mapped_column(default=0)
    price: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # draft → active → completed; or cancelled
    status: Mapped[str] = mapped_column(String(16), default="active")
    requirements: Mapped[str] = mapped_column(Text, default="")
    # The occurrences of one weekly series share it; each is its own event.
    series_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
