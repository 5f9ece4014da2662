"""List responses: page/limit pagination, cursor pagination, and allow-listed sorting.

Offset lists answer `{"items", "pagination": {page, limit, total_items, total_pages, has_next,
has_prev}}`; append-mostly lists also take `cursor` and answer `next_cursor`.
"""

from __future__ import annotations

import base64
import binascii
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Depends, Query
from pydantic import BaseModel
from sqlalchemy import Select, SQLColumnExpression, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.kit.errors import ValidationFailed

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
# Far past any real list, and small enough that (page - 1) * limit stays a 64-bit offset on
# every database: a larger page is a 422, never an overflow in the query.
MAX_PAGE = 1_000_000


class PaginationInfo(BaseModel):
    page: int
    limit: int
    total_items: int
    total_pages: int
    has_next: bool
    has_prev: bool


class Page(BaseModel, Generic[T]):
    items: list[T]
    pagination: PaginationInfo


class CursorPage(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class PageParams:
    page: int
    limit: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


async def page_params(
    page: Annotated[int, Query(ge=1, le=MAX_PAGE, description="1-based page number")] = 1,
    limit: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = None,
    per_page: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, include_in_schema=False)] = None,
    page_size: Annotated[int | None, Query(ge=1, le=MAX_LIMIT, include_in_schema=False)] = None,
) -> PageParams:
    """`per_page` and `page_size` are accepted as aliases of `limit` (seeds 002, 004)."""
    return PageParams(page=page, limit=limit or per_page or page_size or DEFAULT_LIMIT)


Pagination = Annotated[PageParams, Depends(page_params)]


async def paginate(
    session: AsyncSession, statement: Select[Any], params: PageParams
) -> tuple[Sequence[Any], PaginationInfo]:
    """Runs one page of `statement` (an ORM select) and counts the whole result."""
    total = (
        await session.execute(select(func.count()).select_from(statement.order_by(None).subquery()))
    ).scalar_one()
    rows = (await session.scalars(statement.limit(params.limit).offset(params.offset))).all()
    return rows, page_info(params, total)


def page_info(params: PageParams, total: int) -> PaginationInfo:
    """Where page `params.page` stands among `total` items."""
    pages = math.ceil(total / params.limit) if total else 0
    return PaginationInfo(
        page=params.page,
        limit=params.limit,
        total_items=total,
        total_pages=pages,
        has_next=params.page < pages,
        has_prev=params.page > 1,
    )


@dataclass(frozen=True)
class Sort:
    column: SQLColumnExpression[Any]
    descending: bool


def parse_sort(
    sort: str | None,
    order: str | None,
    allowed: Mapping[str, SQLColumnExpression[Any]],
    *,
    default: str,
    default_order: str = "desc",
) -> Sort:
    """Turns `?sort=created_at&order=asc` into a column, refusing fields not in `allowed`."""
    field = sort or default
    if field not in allowed:
        choices = ", ".join(sorted(allowed))
        raise ValidationFailed(details={"sort": f"Cannot sort by {field!r}; use one of {choices}"})
    direction = (order or default_order).lower()
    if direction not in ("asc", "desc"):
        raise ValidationFailed(details={"order": "Use 'asc' or 'desc'"})
    return Sort(column=allowed[field], descending=direction == "desc")


def encode_cursor(moment: datetime, row_id: uuid.UUID) -> str:
    raw = orjson.dumps([moment.isoformat(), str(row_id)])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, row_id = orjson.loads(raw)
        decoded = datetime.fromisoformat(moment), uuid.UUID(row_id)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        decoded = None
    if decoded is None or decoded[0].tzinfo is None:  # a time without offset would fail the query
        raise ValidationFailed(details={"cursor": "Invalid cursor"})
    return decoded


async def paginate_by_cursor(
    session: AsyncSession,
    statement: Select[Any],
    *,
    created_at: Any,
    row_id: Any,
    cursor: str | None,
    limit: int,
    descending: bool = True,
    since: datetime | None = None,
    before: datetime | None = None,
) -> tuple[Sequence[Any], str | None]:
    """Newest first (or oldest first), keyed on (created_at, id) so inserts never shift what a
    reader sees; `since` / `before` bound the creation time (`created_from` / `created_to`)."""
    if since is not None:
        statement = statement.where(created_at >= since)
    if before is not None:
        statement = statement.where(created_at < before)
    if cursor:
        moment, last_id = decode_cursor(cursor)
        statement = statement.where(
            or_(created_at < moment, (created_at == moment) & (row_id < last_id))
            if descending
            else or_(created_at > moment, (created_at == moment) & (row_id > last_id))
        )
    order = (created_at.desc(), row_id.desc()) if descending else (created_at.asc(), row_id.asc())
    statement = statement.order_by(*order).limit(limit + 1)
    rows = list((await session.scalars(statement)).all())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor(last.created_at, last.id)
