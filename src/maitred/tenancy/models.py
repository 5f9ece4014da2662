from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, Entity


class Organization(Entity, Base):
    """A business (seed 003's project, seed 004's restaurant)."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    locale: Mapped[str] = mapped_column(String(35), default="en-US")
    country: Mapped[str] = mapped_column(String(2), default="US")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    is_active: Mapped[bool] = mapped_column(default=True)
