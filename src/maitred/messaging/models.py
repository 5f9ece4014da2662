"""Messages in and out on every channel (seeds 000, 001, 003), the conversations they form, the
channels an organization has set up, and who asked not to be messaged.

Addresses are personal data: stored encrypted (kit/encrypted.py), found by blind index.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedText


class ChannelConfig(TenantOwned, Base):
    """How one organization sends on one channel: the provider and its credentials (encrypted
    JSON); without a row the instance-wide defaults from the environment apply."""

    __tablename__ = "channel_configs"
    __table_args__ = (UniqueConstraint("organization_id", "channel"),)

    channel: Mapped[str] = mapped_column(String(16))  # email, sms, whatsapp, telegram
    provider: Mapped[str] = mapped_column(String(32))  # console, smtp, twilio, ringcentral, …
    # JSON text of the provider's secrets (passwords, tokens), sealed with the keyring.
    credentials: Mapped[str | None] = mapped_column(EncryptedText("channel_configs.credentials"))
    # Non-secret settings: sender address or number, host, port, account id.
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Conversation(TenantOwned, Base):
    """One person's thread across channels: a customer's, or an unknown phone/email/chat id's
    (`contact_index`, the blind index of the address) until a customer matches."""

    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("organization_id", "contact_key"),
        Index("ix_conversations_org_last", "organization_id", "last_message_at"),
    )

    # "customer:<id>" or "<channel>:<blind index of the address>": one thread per key.
    contact_key: Mapped[str] = mapped_column(String(100))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(200), default="")
    last_message_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    unread_count: Mapped[int] = mapped_column(default=0)


class Message(TenantOwned, Base):
    """An outbound message (queued → sending → sent → delivered, or failed) or an inbound one
    (received). The worker sends queued messages; `dedupe_key` makes a message that must go out
    once (a reminder) unique per organization."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("organization_id", "dedupe_key"),
        Index("ix_messages_due", "status", "next_attempt_at"),
        Index("ix_messages_org_created", "organization_id", "created_at"),
        Index("ix_messages_conversation_created", "conversation_id", "created_at"),
        Index("ix_messages_provider_id", "provider", "provider_message_id"),
    )

    conversation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL")
    )
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    booking_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("bookings.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # seed 003; orders later
    direction: Mapped[str] = mapped_column(String(8))  # outbound, inbound
    channel: Mapped[str] = mapped_column(String(16))
    provider: Mapped[str] = mapped_column(String(32))
    # The other party's address (phone, email, chat id), and its blind index for lookups.
    contact: Mapped[str] = mapped_column(EncryptedText("messages.contact"))
    contact_index: Mapped[str] = mapped_column(String(64), index=True)
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    # Our side: the sending address or number.
    sender: Mapped[str] = mapped_column(String(320), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    # What was said is personal data: encrypted (nothing searches message text in SQL).
    body_text: Mapped[str] = mapped_column(EncryptedText("messages.body_text"), default="")
    body_html: Mapped[str | None] = mapped_column(EncryptedText("messages.body_html"))
    content_type: Mapped[str] = mapped_column(String(16), default="text")
    template: Mapped[str | None] = mapped_column(String(64))
    # transactional (always sent) or marketing (not to opted-out addresses)
    category: Mapped[str] = mapped_column(String(16), default="transactional")
    # queued, sending, sent, delivered, failed, suppressed (opted out), skipped (a number not
    # known to be dialable: the reason is in `error`), received
    status: Mapped[str] = mapped_column(String(16))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(100))
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
    is_read: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[datetime | None]
    ai_generated: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # Extra facts: template data, provider status payloads, attachments.
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OptOut(TenantOwned, Base):
    """An address that asked for no more marketing on a channel (an SMS STOP, an unsubscribe
    link); transactional messages still go. START or re-subscribing removes the row."""

    __tablename__ = "opt_outs"
    __table_args__ = (UniqueConstraint("organization_id", "channel", "contact_index"),)

    channel: Mapped[str] = mapped_column(String(16))
    contact: Mapped[str] = mapped_column(EncryptedText("opt_outs.contact"))
    contact_index: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))  # sms_stop, unsubscribe_link, staff
