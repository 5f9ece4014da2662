"""Customers (seeds 000, 001), the marketing consents people give, and the spam public forms
drop (counted, never stored).

Email and phone are encrypted at rest and found by blind index (exact match only); the name stays
searchable in clear. Erasure blanks the person and keeps the row, so bookings and money stay
in the books.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.encrypted import EncryptedText


class Customer(TenantOwned, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # One customer per email and per phone in an organization: finding the existing one
        # instead of making a duplicate is safe under concurrency. A record kept apart as a
        # possible duplicate (a form that shared only a phone) may share them until merged.
        Index(
            "uq_customers_org_email",
            "organization_id",
            "email_index",
            unique=True,
            sqlite_where=text("possible_duplicate_of IS NULL"),
            postgresql_where=text("possible_duplicate_of IS NULL"),
        ),
        Index(
            "uq_customers_org_phone",
            "organization_id",
            "phone_index",
            unique=True,
            sqlite_where=text("possible_duplicate_of IS NULL"),
            postgresql_where=text("possible_duplicate_of IS NULL"),
        ),
        # Every record with an email or a phone, duplicates kept apart included: "who shares
        # this contact" is one OR of the two, and SQLite reads an OR through indexes only when
        # each side has a full (not partial) one; without them it scanned every customer.
        Index("ix_customers_org_email_index", "organization_id", "email_index"),
        Index("ix_customers_org_phone_index", "organization_id", "phone_index"),
        Index("ix_customers_org_name", "organization_id", "name"),
        Index("ix_customers_org_tier", "organization_id", "loyalty_tier"),
    )

    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(EncryptedText("customers.email"))
    email_index: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(EncryptedText("customers.phone"))
    phone_index: Mapped[str | None] = mapped_column(String(64))
    # {"street", "city", "state", "zip"}; encrypted as one JSON text.
    address: Mapped[str | None] = mapped_column(EncryptedText("customers.address"))
    dietary_restrictions: Mapped[list[Any]] = mapped_column(default=list)
    preferred_contact: Mapped[str | None] = mapped_column(String(16))
    # The language messages to them are written in (kit/i18n.py); none: the organization's.
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(50), default="admin")
    loyalty_tier: Mapped[str] = mapped_column(String(32), default="bronze")
    loyalty_points: Mapped[int] = mapped_column(default=0)
    # The signed-in account of this customer (role customer), when there is one: set only
    # once the account proved it holds this email or phone (customers/verification.py).
    user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The customer a public form probably meant (same phone, another name or email): kept
    # apart until staff merge the two (customers/merge.py) or not.
    possible_duplicate_of: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    erased_at: Mapped[datetime | None]


class ContactVerification(TenantOwned, Base):
    """A signed-in account proving it holds an email (a single-use link) or a phone (a six-digit
    code): only the secret's hash is kept; it expires, and a code allows a few attempts.
    `verified_at` marks the address (its blind index) as the account's own from then on; the
    organization is where it was asked for, whose customer record it links."""

    __tablename__ = "contact_verifications"
    __table_args__ = (Index("ix_contact_verifications_user", "user_id", "channel"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    channel: Mapped[str] = mapped_column(String(8))  # email, phone
    address_index: Mapped[str] = mapped_column(String(64))
    secret_hash: Mapped[str] = mapped_column(String(64), index=True)
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]


class ContactConsent(TenantOwned, Base):
    """Consent to marketing on one channel, as given: who, where from, when, from which IP."""

    __tablename__ = "contact_consents"
    __table_args__ = (Index("ix_contact_consents_org_address", "organization_id", "address_index"),)

    channel: Mapped[str] = mapped_column(String(16))  # sms, email
    address: Mapped[str] = mapped_column(EncryptedText("contact_consents.address"))
    address_index: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("customers.id", ondelete="SET NULL"), index=True
    )
    lead_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    source: Mapped[str] = mapped_column(String(50))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    consented_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]


class DroppedSubmission(TenantOwned, Base):
    """Spam caught by a public form's honeypot: counted per form and day, never stored."""

    __tablename__ = "dropped_submissions"
    __table_args__ = (UniqueConstraint("organization_id", "form", "day"),)

    form: Mapped[str] = mapped_column(String(32))
    day: Mapped[date]
    count: Mapped[int] = mapped_column(default=0)
