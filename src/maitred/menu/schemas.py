"""Request and response shapes of /menu: categories, items and the public menu."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from annotated_types import Ge
from pydantic import AfterValidator, BaseModel, Field

from maitred.kit.enums import CaseInsensitiveEnum
from maitred.kit.money import Money
from maitred.kit.schemas import Input

_TAG = re.compile(r"[a-z0-9][a-z0-9 _-]{0,39}")


class PricingUnit(CaseInsensitiveEnum):
    """`per_guest`: the price is charged for every guest; `per_item`: per unit ordered."""

    per_guest = "per_guest"
    per_item = "per_item"


def _tag(value: str) -> str:
    tag = " ".join(value.split()).lower()
    if not _TAG.fullmatch(tag):
        raise ValueError(
            "A dietary tag is up to 40 letters, digits, spaces, '-' or '_', such as 'vegetarian'"
        )
    return tag


def _unique(tags: list[str]) -> list[str]:
    return list(dict.fromkeys(tags))


DietaryTag = Annotated[str, AfterValidator(_tag)]
DietaryTags = Annotated[
    list[DietaryTag],
    Field(max_length=20, examples=[["gluten_free", "vegetarian"]]),
    AfterValidator(_unique),
]
Price = Annotated[Money, Ge(0), Field(decimal_places=2, examples=[25.0])]
CategoryName = Annotated[str, Field(min_length=1, max_length=100, examples=["Entrées"])]
ItemName = Annotated[str, Field(min_length=1, max_length=200, examples=["Hibachi Chicken"])]
Description = Annotated[str, Field(max_length=2000)]
SortOrder = Annotated[int, Field(ge=-1_000_000, le=1_000_000)]


class CategoryCreate(Input):
    name: CategoryName
    description: Description = ""
    sort_order: SortOrder = 0
    is_active: bool = True


class CategoryUpdate(Input):
    """Only the fields sent change."""

    name: CategoryName | None = None
    description: Description | None = None
    sort_order: SortOrder | None = None
    is_active: bool | None = None


class CategoryRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    sort_order: int
    is_active: bool
    created_at: datetime
    updated_at: datetime


class ItemCreate(Input):
    name: ItemName
    description: Description = ""
    price: Price
    pricing_unit: PricingUnit = PricingUnit.per_item
    dietary_tags: DietaryTags = Field(default_factory=list)
    category_id: uuid.UUID | None = Field(default=None, description="A category of this menu")
    is_active: bool = True
    sort_order: SortOrder = 0


class ItemUpdate(Input):
    """Only the fields sent change; `category_id: null` makes the item uncategorized."""

    name: ItemName | None = None
    description: Description | None = None
    price: Price | None = None
    pricing_unit: PricingUnit | None = None
    dietary_tags: DietaryTags | None = None
    category_id: uuid.UUID | None = None
    is_active: bool | None = None
    sort_order: SortOrder | None = None


class ItemRead(BaseModel):
    id: uuid.UUID
    category_id: uuid.UUID | None
    name: str
    description: str
    price: Money
    currency: str = Field(examples=["USD"])
    pricing_unit: PricingUnit
    dietary_tags: list[str]
    is_active: bool
    sort_order: int
    photo_url: str | None = Field(
        description="The photo's public address (PUT /menu/items/{id}/photo sets it)",
        examples=["/api/v1/menu/photos/6f1c…/9b2e…"],
    )
    created_at: datetime
    updated_at: datetime


class PublicMenuItem(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    price: Money = Field(examples=[Decimal("25.00")])
    pricing_unit: PricingUnit
    dietary_tags: list[str]
    photo_url: str | None = Field(default=None, description="The item's photo, if it has one")


class PublicMenuGroup(BaseModel):
    id: uuid.UUID | None = Field(description="null for the items of no category")
    name: str
    description: str
    items: list[PublicMenuItem]


class PublicMenu(BaseModel):
    categories: list[PublicMenuGroup]
    currency: str = Field(examples=["USD"])
