"""Webhooks out (seed 004): subscriptions to domain events and each delivery attempt's outcome;
webhooks in: every verified provider callback, kept once per provider event id."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, Entity, TenantOwned
from maitred.kit.encrypted import EncryptedText


class WebhookSubscription(TenantOwned, Base):
    """Where to POST which events. The signing secret is shown once at creation and kept
    encrypted; a subscription whose deliveries kept failing for about a day is flagged."""

    __tablename__ = "webhook_subscriptions"

    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[list[Any]] = mapped_column(default=list)  # ["booking.created", "*"]
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    secret: Mapped[str] = mapped_column(EncryptedText("webhook_subscriptions.secret"))
    flagged_at: Mapped[datetime | None]
    flag_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )


class WebhookDelivery(TenantOwned, Base):
    """One event for one subscription: pending → delivering → succeeded, or retried with
    backoff until `failed` for good. The payload is fixed when the event happens, so a retry
    sends the same bytes under the same webhook-id."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "event_id"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_sub_created", "subscription_id", "created_at"),
    )

    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("webhook_subscriptions.id", ondelete="CASCADE")
    )
    # The outbox event (or a test ping's own id): the webhook-id receivers deduplicate on.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    event_name: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    response_status: Mapped[int | None]
    response_body: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    duration_ms: Mapped[int | None]
    delivered_at: Mapped[datetime | None]


class InboundWebhook(Entity, Base):
    """A provider's callback whose signature checked out (Twilio, RingCentral, WhatsApp,
    Telegram, Stripe), stored for audit; the unique event id makes a replay a no-op."""

    __tablename__ = "inbound_webhooks"
    __table_args__ = (UniqueConstraint("provider", "event_id"),)

    organization_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    provider: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(100), default="")
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    payload: Mapped[dict[str, Any]]
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
