"""The menu: the items of one organization (categories: menu/categories.py), and the items a
booking or quote names.

Pricing depends on the menu, never the other way round, so the menu choice a quote carries
(`MenuChoice`) is defined here and re-exported by `pricing.service`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.config import Settings
from maitred.files import service as files_service
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.menu.models import MenuItem
from maitred.menu.repository import ITEM_SORTS, CategoryRepository, ItemRepository
from maitred.tenancy import service as tenancy_service

UNCATEGORIZED = "Uncategorized"
PHOTO_OWNER = "menu_item"
_NULLABLE_ITEM_FIELDS = frozenset({"category_id"})


@dataclass(frozen=True)
class MenuChoice:
    """A menu item a quote or booking asks for, by id or by name; `quantity` None: one per
    guest."""

    menu_item_id: uuid.UUID | None = None
    name: str | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class MenuItemInfo:
    id: uuid.UUID
    name: str
    price: Decimal
    pricing_unit: str  # "per_guest" | "per_item"


async def _currency(session: AsyncSession, organization_id: uuid.UUID) -> str:
    """The menu is priced in the pricing policy's currency, else the organization's."""
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return tenancy_service.settings_of(organization).pricing.currency or organization.currency


def check_not_null(changes: dict[str, Any], nullable: frozenset[str] = frozenset()) -> None:
    if nulls := [f for f, v in changes.items() if v is None and f not in nullable]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))


ITEM_SORT_FIELDS = tuple(ITEM_SORTS)
MENU_ORDER = ListQuery(sort_by="sort_order", descending=False)


# --- Items -------------------------------------------------------------------------------------


def photo_url(item: MenuItem) -> str | None:
    """Where anyone can load the item's photo (the URL changes when the photo does)."""
    if item.photo_file_id is None:
        return None
    return f"/api/v1/menu/photos/{item.organization_id}/{item.photo_file_id}"


def item_read(item: MenuItem, currency: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "category_id": item.category_id,
        "name": item.name,
        "description": item.description,
        "price": item.price,
        "currency": currency,
        "pricing_unit": item.pricing_unit,
        "dietary_tags": list(item.dietary_tags or []),
        "is_active": item.is_active,
        "sort_order": item.sort_order,
        "photo_url": photo_url(item),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


async def _check_category(
    session: AsyncSession, organization_id: uuid.UUID, category_id: uuid.UUID | None
) -> None:
    """Another organization's category is as unknown as one that never existed."""
    if category_id is not None and not await CategoryRepository(session, organization_id).exists(
        category_id
    ):
        raise ValidationFailed(details={"category_id": "No such menu category"})


async def list_items(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    category_id: uuid.UUID | None = None,
    is_active: bool | None = None,
    dietary_tag: str | None = None,
    listing: ListQuery = MENU_ORDER,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    chosen = listing.sort(ITEM_SORTS)
    repository = ItemRepository(session, organization_id)
    tag = " ".join(dietary_tag.split()).lower() if dietary_tag else None
    window = await tenancy_service.created_window(session, organization_id, listing)
    statement = repository.matching(
        category_id=category_id,
        is_active=is_active,
        search=listing.search,
        dietary_tag=tag,
        window=window,
    )
    rows, info = await repository.page_by_name(params, sort=chosen, statement=statement)
    currency = await _currency(session, organization_id)
    return [item_read(row, currency) for row in rows], info


async def get_item(
    session: AsyncSession, *, organization_id: uuid.UUID, item_id: uuid.UUID
) -> dict[str, Any]:
    item = await ItemRepository(session, organization_id).get_or_404(item_id)
    return item_read(item, await _currency(session, organization_id))


async def create_item(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    price: Decimal,
    description: str = "",
    pricing_unit: str = "per_item",
    dietary_tags: Sequence[str] = (),
    category_id: uuid.UUID | None = None,
    is_active: bool = True,
    sort_order: int = 0,
) -> dict[str, Any]:
    await _check_category(session, organization_id, category_id)
    item = ItemRepository(session, organization_id).add(
        MenuItem(
            name=name.strip(),
            description=description.strip(),
            price=price,
            pricing_unit=str(pricing_unit),
            dietary_tags=list(dietary_tags),
            category_id=category_id,
            is_active=is_active,
            sort_order=sort_order,
        )
    )
    await session.flush()
    record(
        "menu.item_created",
        resource_type="menu_item",
        resource_id=item.id,
        organization_id=organization_id,
        changes={"name": item.name, "price": str(item.price)},
    )
    return item_read(item, await _currency(session, organization_id))


async def update_item(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    item_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent; only `category_id` may be null (uncategorized)."""
    check_not_null(changes, _NULLABLE_ITEM_FIELDS)
    item = await ItemRepository(session, organization_id).get_or_404(item_id)
    if "category_id" in changes:
        await _check_category(session, organization_id, changes["category_id"])
    for field in ("name", "description"):
        if field in changes:
            changes[field] = changes[field].strip()
    if "pricing_unit" in changes:
        changes["pricing_unit"] = str(changes["pricing_unit"])
    for field, value in changes.items():
        setattr(item, field, list(value) if field == "dietary_tags" else value)
    await session.flush()
    record(
        "menu.item_updated",
        resource_type="menu_item",
        resource_id=item.id,
        organization_id=organization_id,
        changes={f: str(v) if f in ("price", "category_id") else v for f, v in changes.items()},
    )
    return item_read(item, await _currency(session, organization_id))


async def delete_item(
    session: AsyncSession, *, organization_id: uuid.UUID, item_id: uuid.UUID
) -> None:
    """Bookings keep their own copy of what was ordered, so deleting an item changes none."""
    repository = ItemRepository(session, organization_id)
    item = await repository.get_or_404(item_id)
    await _let_photo_go(session, item)
    await session.delete(item)
    await session.flush()
    record(
        "menu.item_deleted",
        resource_type="menu_item",
        resource_id=item_id,
        organization_id=organization_id,
        changes={"name": item.name},
    )


# --- Photos ------------------------------------------------------------------------------------


async def _let_photo_go(session: AsyncSession, item: MenuItem) -> bool:
    if item.photo_file_id is None:
        return False
    await files_service.discard_owned(
        session,
        organization_id=item.organization_id,
        owner_kind=PHOTO_OWNER,
        owner_ids=[item.id],
    )
    item.photo_file_id = None
    return True


async def set_photo(
    session: AsyncSession,
    settings: Settings,
    *,
    organization_id: uuid.UUID,
    item_id: uuid.UUID,
    data: bytes,
    name: str | None,
    created_by: uuid.UUID | None,
) -> dict[str, Any]:
    """The item's photo, new or replacing the one it had (whose bytes the worker removes)."""
    item = await ItemRepository(session, organization_id).get_or_404(item_id)
    await _let_photo_go(session, item)  # undone with the rest if the new one is refused
    photo = await files_service.store(
        session,
        settings,
        organization_id=organization_id,
        data=data,
        name=name,
        allowed=files_service.IMAGE_TYPES,
        owner_kind=PHOTO_OWNER,
        owner_id=item.id,
        created_by=created_by,
    )
    item.photo_file_id = photo.id
    item.updated_at = utcnow()
    await session.flush()
    record(
        "menu.item_photo_set",
        resource_type="menu_item",
        resource_id=item.id,
        organization_id=organization_id,
        changes={"photo_file_id": str(photo.id), "content_type": photo.content_type},
    )
    return item_read(item, await _currency(session, organization_id))


async def delete_photo(
    session: AsyncSession, *, organization_id: uuid.UUID, item_id: uuid.UUID
) -> None:
    """Idempotent: an item without a photo stays so."""
    item = await ItemRepository(session, organization_id).get_or_404(item_id)
    if await _let_photo_go(session, item):
        item.updated_at = utcnow()
        await session.flush()
        record(
            "menu.item_photo_deleted",
            resource_type="menu_item",
            resource_id=item.id,
            organization_id=organization_id,
            changes={"photo_file_id": None},
        )


async def public_photo(
    session: AsyncSession, settings: Settings, *, organization_id: uuid.UUID, file_id: uuid.UUID
) -> tuple[files_service.StoredFile, bytes]:
    """A menu photo of this organization (of an active item or not: a page may still show it
    while it loads); anything else is 404."""
    photo = await files_service.get_owned(
        session, organization_id=organization_id, file_id=file_id, owner_kind=PHOTO_OWNER
    )
    return photo, await files_service.content(settings, photo)


# --- The public menu and menu choices ----------------------------------------------------------


def _public_item(item: MenuItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "name": item.name,
        "description": item.description,
        "price": item.price,
        "pricing_unit": item.pricing_unit,
        "dietary_tags": list(item.dietary_tags or []),
        "photo_url": photo_url(item),
    }


async def public_menu(session: AsyncSession, *, organization_id: uuid.UUID) -> dict[str, Any]:
    """Active items under their active categories (by sort order, then name); items of no
    category last, as "Uncategorized"; an inactive category hides its items; empty groups are
    left out."""
    categories = sorted(
        await CategoryRepository(session, organization_id).active(),
        key=lambda c: (c.sort_order, c.name.casefold(), str(c.id)),
    )
    items = await ItemRepository(session, organization_id).active()
    by_category: dict[uuid.UUID | None, list[dict[str, Any]]] = {}
    for item in items:
        by_category.setdefault(item.category_id, []).append(_public_item(item))
    groups = [
        {
            "id": category.id,
            "name": category.name,
            "description": category.description,
            "items": by_category[category.id],
        }
        for category in categories
        if category.id in by_category
    ]
    if None in by_category:
        groups.append(
            {"id": None, "name": UNCATEGORIZED, "description": "", "items": by_category[None]}
        )
    return {"categories": groups, "currency": await _currency(session, organization_id)}


def _info(item: MenuItem) -> MenuItemInfo:
    return MenuItemInfo(
        id=item.id, name=item.name, price=item.price, pricing_unit=item.pricing_unit
    )


async def resolve(
    session: AsyncSession, *, organization_id: uuid.UUID, choices: Sequence[MenuChoice]
) -> list[MenuItemInfo]:
    """The active items `choices` name, in the same order: by id, else by name (ignoring case;
    among equal names the first in menu order). Unknown or inactive ones are one 422 naming
    each (`menu_items[i]`)."""
    repository = ItemRepository(session, organization_id)
    by_id = await repository.active_by_ids(
        {c.menu_item_id for c in choices if c.menu_item_id is not None}
    )
    by_name: dict[str, MenuItem] = {}
    if any(c.menu_item_id is None for c in choices):
        for active in await repository.active():
            by_name.setdefault(active.name.strip().casefold(), active)
    found: list[MenuItemInfo] = []
    problems: dict[str, str] = {}
    for index, choice in enumerate(choices):
        if choice.menu_item_id is not None:
            item = by_id.get(choice.menu_item_id)
            label = str(choice.menu_item_id)
        else:
            label = (choice.name or "").strip()
            item = by_name.get(label.casefold()) if label else None
        if item is None:
            problems[f"menu_items[{index}]"] = f"No such menu item: {label!r}"
        else:
            found.append(_info(item))
    if problems:
        raise ValidationFailed(details=problems)
    return found
