"""Organizations (the tenants) and their locations. Everything tenant-owned hangs here."""

from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, Entity, TenantOwned


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


class Location(TenantOwned, Base):
    """A place the business works from (seed 004): a restaurant, a kitchen, a studio."""

    __tablename__ = "locations"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
