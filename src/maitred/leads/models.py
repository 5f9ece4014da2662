"""Leads (seed 001): people who asked, on their way through the sales pipeline."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedText


class Lead(TenantOwned, Base):
    __tablename__ = "leads"
    __table_args__ = (
        Index("ix_leads_org_status_created", "organization_id", "status", "created_at"),
        # Newest first, and the sales funnel's grouped read of a period's leads from the index
        # alone (an index-only scan on PostgreSQL: ~4x faster than reading a year of leads).
        Index(
            "ix_leads_org_created_funnel",
            "organization_id",
            "created_at",
            "source",
            "assigned_to",
            "status",
            "booking_id",
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(EncryptedText("leads.phone"))
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(EncryptedText("leads.email"))
    email_index: Mapped[str | None] = mapped_column(String(64), index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(50), default="website")
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the form's `metadata`
    status: Mapped[str] = mapped_column(String(16), default="new")
    lost_reason: Mapped[str | None] = mapped_column(Text)
    assigned_to: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # What the person asked for, when the form said (public booking requests, conversions).
    event_date: Mapped[date | None]
    guest_count: Mapped[int | None]
    event_type: Mapped[str | None] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    booking_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    converted_at: Mapped[datetime | None]
    # The language the auto-reply is written in: the form's, else the request's (kit/i18n.py).
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    ip: Mapped[str] = mapped_column(String(64), default="")


class LeadNote(TenantOwned, Base):
    __tablename__ = "lead_notes"

    lead_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
