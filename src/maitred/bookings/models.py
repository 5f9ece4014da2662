"""Bookings (seeds 000, 001): the book itself, with priced lines and the history of its status.

Money is stored as priced when the booking was made or last changed (the policy may change
later; the customer was told these figures). `amount_paid` and `amount_refunded` are derived
from payments by payments/totals.py.
"""

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedJSON, EncryptedText
from maitred.kit.money import MoneyColumn


class Booking(TenantOwned, Base):
    __tablename__ = "bookings"
    __table_args__ = (
        UniqueConstraint("organization_id", "reference_number"),
        Index("ix_bookings_org_status_date", "organization_id", "status", "event_date"),
        Index("ix_bookings_org_date", "organization_id", "event_date"),
        Index("ix_bookings_org_created", "organization_id", "created_at"),
        Index("ix_bookings_org_customer_date", "organization_id", "customer_id", "event_date"),
        # One active seat per customer and event; a cancelled one does not count (seed 002's
        # plain unique constraint kept people who cancelled from booking again).
        Index(
            "uq_bookings_active_seat",
            "organization_id",
            "event_id",
            "customer_id",
            unique=True,
            sqlite_where=text("event_id IS NOT NULL AND status IN ('pending', 'confirmed')"),
            postgresql_where=text("event_id IS NOT NULL AND status IN ('pending', 'confirmed')"),
        ),
    )

    reference_number: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16), default="catering")  # catering, seat
    # A seat booking's event (its date, times and price are copied from it).
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="RESTRICT"), index=True
    )
    customer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("customers.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    event_date: Mapped[date]
    event_time: Mapped[time]
    timezone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]  # UTC
    ends_at: Mapped[datetime]  # UTC
    guest_count: Mapped[int]
    child_count: Mapped[int] = mapped_column(default=0)
    event_type: Mapped[str] = mapped_column(String(32), default="other")
    # The street address is personal data: encrypted, like a customer's. The city and zip code
    # stay readable: pricing (travel zones), the service area and chef teams' areas use them.
    location: Mapped[str] = mapped_column(EncryptedText("bookings.location"), default="")
    # {"address", "city", "state", "zip_code"} when given structured (seed 000).
    location_details: Mapped[dict[str, Any]] = mapped_column(
        EncryptedJSON("bookings.location_details"), default=dict
    )
    zip_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    special_requests: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(32), default="admin")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    subtotal: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    service_fee: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    travel_fee: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    tax: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    total_amount: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    deposit_amount: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    amount_paid: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    amount_refunded: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    # The whole priced breakdown (pricing.Quote as JSON), and what it was priced from.
    pricing: Mapped[dict[str, Any]] = mapped_column(default=dict)
    chef_team_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("chef_teams.id", ondelete="SET NULL"), index=True
    )
    hold_expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    lead_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class BookingLine(TenantOwned, Base):
    """A menu line of a booking as priced: name and price are copied, the menu may change."""

    __tablename__ = "booking_lines"

    booking_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    menu_item_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("menu_items.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(MoneyColumn())
    pricing_unit: Mapped[str] = mapped_column(String(16), default="per_item")
    amount: Mapped[Decimal] = mapped_column(MoneyColumn())
    position: Mapped[int] = mapped_column(default=0)


class BookingStatusChange(TenantOwned, Base):
    __tablename__ = "booking_status_changes"

    booking_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
