"""Queries of the menu, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any, ClassVar

from sqlalchemy import Select, String, cast, func, update

from maitred.kit.list_params import ANY_TIME, CreatedWindow, created_within
from maitred.kit.pagination import PageParams, PaginationInfo, Sort, paginate
from maitred.kit.repository import Repository
from maitred.menu.models import MenuCategory, MenuItem

CATEGORY_SORTS = {
    "name": func.lower(MenuCategory.name),
    "sort_order": MenuCategory.sort_order,
    "created_at": MenuCategory.created_at,
}
ITEM_SORTS = {
    "name": func.lower(MenuItem.name),
    "price": MenuItem.price,
    "sort_order": MenuItem.sort_order,
    "created_at": MenuItem.created_at,
}


async def _page_by_name(
    repository: CategoryRepository | ItemRepository,
    statement: Select[Any],
    params: PageParams,
    sort: Sort,
) -> tuple[Sequence[Any], PaginationInfo]:
    """Sorted by `sort`, then by name, then by id: equal sort orders read alphabetically, and
    pages never overlap."""
    model = repository.model
    chosen = sort.column.desc() if sort.descending else sort.column.asc()
    ordered = statement.order_by(chosen, func.lower(model.name), model.id)
    return await paginate(repository.session, ordered, params)


def _like_pattern(text: str) -> str:
    """`text` taken literally inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CategoryRepository(Repository[MenuCategory]):
    model: ClassVar[type[Any]] = MenuCategory
    not_found_message: ClassVar[str] = "No such menu category"

    def matching(
        self, *, search: str | None, is_active: bool | None, window: CreatedWindow = ANY_TIME
    ) -> Select[tuple[MenuCategory]]:
        statement = created_within(self.scoped(), MenuCategory.created_at, window)
        if search and search.strip():
            pattern = f"%{_like_pattern(search.strip())}%"
            statement = statement.where(MenuCategory.name.ilike(pattern, escape="\\"))
        if is_active is not None:
            statement = statement.where(MenuCategory.is_active.is_(is_active))
        return statement

    async def page_by_name(
        self, params: PageParams, *, sort: Sort, statement: Select[tuple[MenuCategory]]
    ) -> tuple[Sequence[MenuCategory], PaginationInfo]:
        return await _page_by_name(self, statement, params, sort)

    async def exists(self, category_id: uuid.UUID) -> bool:
        return await self.get(category_id) is not None

    async def active(self) -> Sequence[MenuCategory]:
        return await self.all(self.scoped().where(MenuCategory.is_active.is_(True)))

    async def delete(self, category: MenuCategory) -> None:
        """Its items stay on the menu, uncategorized (said explicitly: the foreign key's
        ON DELETE SET NULL would not reach items already loaded in the session)."""
        await self.session.execute(
            update(MenuItem)
            .where(
                MenuItem.organization_id == self.organization_id,
                MenuItem.category_id == category.id,
            )
            .values(category_id=None)
            .execution_options(synchronize_session="fetch")
        )
        await self.session.delete(category)


class ItemRepository(Repository[MenuItem]):
    model: ClassVar[type[Any]] = MenuItem
    not_found_message: ClassVar[str] = "No such menu item"

    def matching(
        self,
        *,
        category_id: uuid.UUID | None,
        is_active: bool | None,
        search: str | None,
        dietary_tag: str | None,
        window: CreatedWindow = ANY_TIME,
    ) -> Select[tuple[MenuItem]]:
        statement = created_within(self.scoped(), MenuItem.created_at, window)
        if category_id is not None:
            statement = statement.where(MenuItem.category_id == category_id)
        if is_active is not None:
            statement = statement.where(MenuItem.is_active.is_(is_active))
        if search and search.strip():
            pattern = f"%{_like_pattern(search.strip())}%"
            statement = statement.where(MenuItem.name.ilike(pattern, escape="\\"))
        if dietary_tag:
            # Tags are validated to plain words, so the JSON text holds each one as "tag" on
            # both databases; this avoids JSON functions that differ between them.
            pattern = f'%"{_like_pattern(dietary_tag)}"%'
            statement = statement.where(
                cast(MenuItem.dietary_tags, String).like(pattern, escape="\\")
            )
        return statement

    async def page_by_name(
        self, params: PageParams, *, sort: Sort, statement: Select[tuple[MenuItem]]
    ) -> tuple[Sequence[MenuItem], PaginationInfo]:
        return await _page_by_name(self, statement, params, sort)

    async def active(self) -> Sequence[MenuItem]:
        ordered = self.scoped().where(MenuItem.is_active.is_(True))
        return await self.all(
            ordered.order_by(MenuItem.sort_order, func.lower(MenuItem.name), MenuItem.id)
        )

    async def active_by_ids(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, MenuItem]:
        if not ids:
            return {}
        statement = self.scoped().where(MenuItem.is_active.is_(True), MenuItem.id.in_(ids))
        return {item.id: item for item in await self.all(statement)}
