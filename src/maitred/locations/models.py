"""Locations: the places an organization works from."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned


class Location(TenantOwned, Base):
    """A place the business works from (seed 004): a restaurant, a kitchen, a studio."""

    __tablename__ = "locations"

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    is_active: Mapped[bool] = mapped_column(default=True)
