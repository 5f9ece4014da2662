"""The waitlist (seed 000): people who wanted a date that was full, first come first served."""

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedJSON, EncryptedText


class WaitlistEntry(TenantOwned, Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        Index("ix_waitlist_org_date_status", "organization_id", "preferred_date", "status"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    preferred_date: Mapped[date]
    # Waiting for a seat on this event (seed 002) rather than for a catering date.
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    preferred_time: Mapped[time | None]
    guest_count: Mapped[int]
    # Encrypted like a booking's location: a street address.
    location: Mapped[str] = mapped_column(EncryptedText("waitlist_entries.location"), default="")
    location_details: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("waitlist_entries.location_details"), default=dict
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    # waiting → offered → converted; or cancelled / expired
    status: Mapped[str] = mapped_column(String(16), default="waiting")
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    booking_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL")
    )
