"""Organizations (the tenants) and their members. Everything tenant-owned hangs here."""

import uuid
from enum import StrEnum
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, Entity


class Organization(Entity, Base):
    """A business (seed 003's project, seed 004's restaurant)."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    locale: Mapped[str] = mapped_column(String(35), default="en-US")
    country: Mapped[str] = mapped_column(String(2), default="US")
    # Validated by tenancy/settings.py (OrganizationSettings); stored as given, defaults omitted.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)


class MembershipStatus(StrEnum):
    invited = "invited"  # waits for the account holder to accept; grants nothing until then
    active = "active"
    deactivated = "deactivated"  # kept (role and history) but grants nothing


class Membership(Entity, Base):
    """A user's one role in one organization. Everything an organization controls about a person
    is here; the account (users) belongs to its holder and is shared by every organization."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organization_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(
        String(20), default=MembershipStatus.active, server_default=MembershipStatus.active.value
    )


class OrganizationDomain(Entity, Base):
    """A host name whose public requests are for this organization (a platform that hosts
    several businesses, each on its own domain). A host belongs to one organization at most."""

    __tablename__ = "organization_domains"

    organization_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    domain: Mapped[str] = mapped_column(String(253), unique=True)
