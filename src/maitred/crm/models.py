"""The CRM's view of every booking (seed 002's CRM service, built in): one record per booking of
maitred, or per booking an outside system pushed in, with its follow-up status and history."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedText


class CrmRecord(TenantOwned, Base):
    """Written in the booking's own transaction (`crm_notified`), or by `POST /crm/notify`.

    Who and what are kept as they were when the booking came in (an outside system's booking
    has nothing else to point at); `booking_status` follows the booking's status."""

    __tablename__ = "crm_records"
    __table_args__ = (
        UniqueConstraint("organization_id", "booking_id"),
        UniqueConstraint("organization_id", "external_id"),
        Index("ix_crm_records_org_received", "organization_id", "received_at"),
        Index("ix_crm_records_org_facilitator", "organization_id", "facilitator_id"),
    )

    # Exactly one of the two: a booking of maitred, or an outside system's booking id.
    booking_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="CASCADE")
    )
    external_id: Mapped[str | None] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # catering, seat, external
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The person as the booking named them; encrypted like every contact detail.
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str | None] = mapped_column(EncryptedText("crm_records.contact_email"))
    contact_phone: Mapped[str | None] = mapped_column(EncryptedText("crm_records.contact_phone"))
    # An outside system's contact field that is malformed (a phone of the wrong length, an
    # email without a domain) is kept as sent, never the reason to drop its notification:
    # field ("user.phone") -> why it could not be normalized.
    contact_flags: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    external_user_id: Mapped[str | None] = mapped_column(String(100))
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("events.id", ondelete="SET NULL"), index=True
    )
    external_event_id: Mapped[str | None] = mapped_column(String(100))
    event_title: Mapped[str] = mapped_column(String(200), default="")
    event_type: Mapped[str] = mapped_column(String(32), default="")
    event_starts_at: Mapped[datetime | None]
    # A booking's street address (encrypted like the booking's), or an event's venue.
    event_location: Mapped[str] = mapped_column(
        EncryptedText("crm_records.event_location"), default=""
    )
    facilitator_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("facilitators.id", ondelete="SET NULL")
    )
    external_facilitator_id: Mapped[str | None] = mapped_column(String(100))
    booking_status: Mapped[str] = mapped_column(String(16), default="received")
    booking_date: Mapped[datetime]
    notes: Mapped[str] = mapped_column(Text, default="")
    # new → reviewed → contacted → confirmed → completed
    crm_status: Mapped[str] = mapped_column(String(16), default="new")
    received_at: Mapped[datetime]


class CrmStatusChange(TenantOwned, Base):
    """Who moved a record's CRM status, when, and what they noted."""

    __tablename__ = "crm_status_changes"

    record_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("crm_records.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    changed_by_api_key: Mapped[uuid.UUID | None]
