"""An organization's own wording of a notification, per channel and language; without a row the
built-in default of that language is used."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned


class NotificationTemplate(TenantOwned, Base):
    """Jinja2 (sandboxed) source of one template on one channel: email has a subject, a text
    and an HTML part; SMS, WhatsApp and Telegram only the text."""

    __tablename__ = "notification_templates"
    __table_args__ = (UniqueConstraint("organization_id", "name", "channel", "language"),)

    name: Mapped[str] = mapped_column(String(64))  # booking_confirmation, booking_reminder, …
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
