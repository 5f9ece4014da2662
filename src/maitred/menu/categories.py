"""Menu categories: named groups of items in menu order. Deleting one leaves its items on the
menu, uncategorized."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.auditnote import record
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.menu.models import MenuCategory
from maitred.menu.repository import CATEGORY_SORTS, CategoryRepository
from maitred.menu.service import MENU_ORDER, check_not_null
from maitred.tenancy import service as tenancy_service


def category_read(category: MenuCategory) -> dict[str, Any]:
    return {
        "id": category.id,
        "name": category.name,
        "description": category.description,
        "sort_order": category.sort_order,
        "is_active": category.is_active,
        "created_at": category.created_at,
        "updated_at": category.updated_at,
    }


CATEGORY_SORT_FIELDS = tuple(CATEGORY_SORTS)


async def list_categories(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    is_active: bool | None = None,
    listing: ListQuery = MENU_ORDER,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    chosen = listing.sort(CATEGORY_SORTS)
    repository = CategoryRepository(session, organization_id)
    window = await tenancy_service.created_window(session, organization_id, listing)
    statement = repository.matching(search=listing.search, is_active=is_active, window=window)
    rows, info = await repository.page_by_name(params, sort=chosen, statement=statement)
    return [category_read(row) for row in rows], info


async def get_category(
    session: AsyncSession, *, organization_id: uuid.UUID, category_id: uuid.UUID
) -> dict[str, Any]:
    repository = CategoryRepository(session, organization_id)
    return category_read(await repository.get_or_404(category_id))


async def create_category(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    description: str = "",
    sort_order: int = 0,
    is_active: bool = True,
) -> dict[str, Any]:
    category = CategoryRepository(session, organization_id).add(
        MenuCategory(
            name=name.strip(),
            description=description.strip(),
            sort_order=sort_order,
            is_active=is_active,
        )
    )
    await session.flush()
    record(
        "menu.category_created",
        resource_type="menu_category",
        resource_id=category.id,
        organization_id=organization_id,
        changes={"name": category.name},
    )
    return category_read(category)


async def update_category(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    category_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent, none of them null."""
    check_not_null(changes)
    category = await CategoryRepository(session, organization_id).get_or_404(category_id)
    for field in ("name", "description"):
        if field in changes:
            changes[field] = changes[field].strip()
    for field, value in changes.items():
        setattr(category, field, value)
    await session.flush()
    record(
        "menu.category_updated",
        resource_type="menu_category",
        resource_id=category.id,
        organization_id=organization_id,
        changes=changes,
    )
    return category_read(category)


async def delete_category(
    session: AsyncSession, *, organization_id: uuid.UUID, category_id: uuid.UUID
) -> None:
    """Its items stay on the menu, uncategorized."""
    repository = CategoryRepository(session, organization_id)
    category = await repository.get_or_404(category_id)
    await repository.delete(category)
    await session.flush()
    record(
        "menu.category_deleted",
        resource_type="menu_category",
        resource_id=category_id,
        organization_id=organization_id,
        changes={"name": category.name},
    )
