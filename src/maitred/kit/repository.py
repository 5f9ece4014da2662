"""The base of every tenant-scoped repository: the organization filter is added by construction.

A domain's repository subclasses `Repository[Model]` and builds every query from `scoped()`, so a
query cannot forget whose data it reads; another organization's row is simply not found (404,
never 403). New rows get the repository's organization stamped on them.

    class BookingRepository(Repository[Booking]):
        model = Booking

        async def upcoming(self) -> Sequence[Booking]:
            return (await self.session.scalars(self.scoped().where(...))).all()
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.db import TenantOwned
from maitred.kit.errors import NotFound
from maitred.kit.list_params import CreatedWindow, ListQuery, created_within
from maitred.kit.pagination import PageParams, PaginationInfo, Sort, paginate

M = TypeVar("M", bound=TenantOwned)


def escape_like(text: str) -> str:
    """`text` taken literally inside a LIKE pattern with `escape="\\"`."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Repository(Generic[M]):
    model: ClassVar[type[Any]]
    not_found_message: ClassVar[str] = "Resource not found"
    # The fields a list of these rows can be sorted by (`?sort_by=`), each a real column.
    sorts: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, session: AsyncSession, organization_id: uuid.UUID) -> None:
        self.session = session
        self.organization_id = organization_id

    def scoped(self) -> Select[tuple[M]]:
        """Every query of this repository starts here."""
        statement: Select[tuple[M]] = select(self.model).where(
            self.model.organization_id == self.organization_id
        )
        return statement

    async def get(self, entity_id: uuid.UUID) -> M | None:
        found: M | None = await self.session.scalar(self.scoped().where(self.model.id == entity_id))
        return found

    async def get_or_404(self, entity_id: uuid.UUID) -> M:
        found = await self.get(entity_id)
        if found is None:
            raise NotFound(self.not_found_message)
        return found

    async def all(self, statement: Select[tuple[M]] | None = None) -> Sequence[M]:
        """Every row of `statement` (default: everything of this organization)."""
        result = await self.session.scalars(statement if statement is not None else self.scoped())
        rows: Sequence[M] = result.all()  # type: ignore[assignment]
        return rows

    def add(self, entity: M) -> M:
        """Adds a new row to the session, owned by this repository's organization."""
        if entity.organization_id not in (None, self.organization_id):
            raise ValueError("entity belongs to another organization")
        entity.organization_id = self.organization_id
        self.session.add(entity)
        return entity

    async def page(
        self, params: PageParams, *, sort: Sort, statement: Select[tuple[M]] | None = None
    ) -> tuple[Sequence[M], PaginationInfo]:
        """One page of `statement` (default: everything of this organization), sorted with the
        row id as tie-breaker so pages never overlap."""
        base = statement if statement is not None else self.scoped()
        order = sort.column.desc() if sort.descending else sort.column.asc()
        tiebreak = self.model.id.desc() if sort.descending else self.model.id.asc()
        rows, info = await paginate(self.session, base.order_by(order, tiebreak), params)
        return rows, info

    async def listing_page(
        self,
        params: PageParams,
        listing: ListQuery,
        window: CreatedWindow,
        statement: Select[tuple[M]] | None = None,
    ) -> tuple[Sequence[M], PaginationInfo]:
        """One page of `statement` as seed 004's conventions ask: created within `window`,
        sorted by one of `sorts`."""
        base = statement if statement is not None else self.scoped()
        base = created_within(base, self.model.created_at, window)
        return await self.page(params, sort=listing.sort(self.sorts), statement=base)
