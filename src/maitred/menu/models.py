"""The menu (seed 004 `/menu`, priced into seed 001 bookings): categories and their items."""

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from maitred.kit.db import Base, TenantOwned
from maitred.kit.money import MoneyColumn


class MenuCategory(TenantOwned, Base):
    __tablename__ = "menu_categories"

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)


class MenuItem(TenantOwned, Base):
    """`per_guest` items cost `price` for every guest; `per_item` ones `price` per unit ordered."""

    __tablename__ = "menu_items"
    __table_args__ = (Index("ix_menu_items_org_name", "organization_id", "name"),)

    category_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("menu_categories.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[Decimal] = mapped_column(MoneyColumn(), default=Decimal(0))
    pricing_unit: Mapped[str] = mapped_column(String(16), default="per_item")
    dietary_tags: Mapped[list[Any]] = mapped_column(default=list)
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The item's photo (files/), served publicly at /menu/photos/{organization}/{file}.
    photo_file_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("stored_files.id", ondelete="SET NULL")
    )
