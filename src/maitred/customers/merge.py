"""Staff merging a possible duplicate into the customer it is: everything that refers to the
duplicate (bookings, payments, leads, messages and conversations, waitlist places, CRM records,
consents) moves to the surviving record, which keeps its own contact details and gains the ones
it lacked, then the duplicate is deleted.

What refers to a customer is read from the schema (every foreign key to customers.id), so a
table added later moves too, without this module knowing the other domains.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Column, Table, delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import stats
from maitred.customers.models import Customer
from maitred.customers.records import read
from maitred.customers.repository import CustomerRepository
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.db import Base
from maitred.kit.errors import Conflict, InvalidState, NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.tenancy import service as tenancy_service


def _references() -> list[tuple[Table, Column[Any]]]:
    """Every column of another table that points at a customer, except tables derived from
    others (`info["derived"]`, analytics' rollups): moving their rows would collide with the
    survivor's own."""
    found = []
    for table in Base.metadata.sorted_tables:
        if table.name == Customer.__tablename__ or table.info.get("derived"):
            continue
        for column in table.columns:
            if any(key.column.table.name == Customer.__tablename__ for key in column.foreign_keys):
                found.append((table, column))
    return found


async def merge(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID, into: uuid.UUID
) -> dict[str, Any]:
    """The surviving customer as read after the merge (404 unless both are this
    organization's; 409 when either was erased, or both hold a seat on the same event)."""
    if customer_id == into:
        raise ValidationFailed(details={"into": "A customer cannot be merged into itself"})
    repository = CustomerRepository(session, organization_id)
    duplicate = await repository.get_for_update(customer_id)
    survivor = await repository.get_for_update(into)
    if duplicate is None or survivor is None:
        raise NotFound(CustomerRepository.not_found_message)
    if duplicate.erased_at is not None or survivor.erased_at is not None:
        raise InvalidState("An erased customer cannot be merged")
    moved: dict[str, int] = {}
    try:
        async with session.begin_nested():
            for table, column in _references():
                statement = update(table).where(column == duplicate.id).values({column.name: into})
                if "organization_id" in table.columns:
                    statement = statement.where(table.c.organization_id == organization_id)
                result = await session.execute(statement)
                count = int(getattr(result, "rowcount", 0) or 0)
                if count:
                    moved[table.name] = moved.get(table.name, 0) + count
            await _absorb(session, repository, survivor, duplicate)
    except IntegrityError:
        raise Conflict(
            "Both customers hold something that can exist once per customer (a seat on the same "
            "event); cancel one first"
        ) from None
    figures = await stats.stats_of(session, organization_id, [survivor.id])
    # Figures derived from the moved rows (analytics' rollups) follow them after commit.
    await outbox.emit(
        session,
        "customer.merged",
        organization_id=organization_id,
        customer_id=survivor.id,
        merged_id=customer_id,
    )
    record(
        "customer.merged",
        resource_type="customer",
        resource_id=survivor.id,
        organization_id=organization_id,
        changes={"merged": str(customer_id), "moved": moved},
    )
    return read(survivor, figures[survivor.id])


async def _absorb(
    session: AsyncSession, repository: CustomerRepository, survivor: Customer, duplicate: Customer
) -> None:
    """The survivor keeps what it has and takes what it lacked; the duplicate goes."""
    others = update(Customer).where(
        Customer.organization_id == repository.organization_id,
        Customer.possible_duplicate_of == duplicate.id,
        Customer.id != survivor.id,
    )
    await session.execute(others.values(possible_duplicate_of=survivor.id))
    taken = {
        "email": duplicate.email,
        "email_index": duplicate.email_index,
        "phone": duplicate.phone,
        "phone_index": duplicate.phone_index,
        "address": duplicate.address,
        "preferred_contact": duplicate.preferred_contact,
        "preferred_language": duplicate.preferred_language,
    }
    user_id, points, notes = duplicate.user_id, duplicate.loyalty_points, duplicate.notes
    dietary = list(duplicate.dietary_restrictions or [])
    await session.execute(delete(Customer).where(Customer.id == duplicate.id))
    if survivor.possible_duplicate_of == duplicate.id:
        survivor.possible_duplicate_of = None
    for field in ("email", "phone"):
        index = taken[f"{field}_index"]
        if getattr(survivor, field) is None and await _free(repository, field, index, survivor.id):
            setattr(survivor, field, taken[field])
            setattr(survivor, f"{field}_index", index)
    for field in ("address", "preferred_contact", "preferred_language"):
        if getattr(survivor, field) is None:
            setattr(survivor, field, taken[field])
    if survivor.user_id is None:
        survivor.user_id = user_id
    survivor.dietary_restrictions = list(dict.fromkeys([*survivor.dietary_restrictions, *dietary]))
    if notes and notes not in survivor.notes:
        survivor.notes = "\n\n".join(n for n in (survivor.notes, notes) if n)
    survivor.loyalty_points += points
    survivor.updated_at = utcnow()
    await session.flush()


async def _free(
    repository: CustomerRepository, field: str, index: str | None, survivor_id: uuid.UUID
) -> bool:
    if index is None:
        return False
    holder = await (
        repository.by_email_index(index) if field == "email" else repository.by_phone_index(index)
    )
    return holder is None or holder.id == survivor_id


async def possible_duplicates(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    listing: ListQuery = NEWEST_FIRST,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    """Records kept apart as possible duplicates (newest first), each with the customer it
    probably is."""
    repository = CustomerRepository(session, organization_id)
    window = await tenancy_service.created_window(session, organization_id, listing)
    rows, info = await repository.listing_page(
        params, listing, window, repository.possible_duplicates()
    )
    wanted = {r.possible_duplicate_of for r in rows if r.possible_duplicate_of is not None}
    meant = {c.id: c for c in await repository.many(wanted)}
    figures = await stats.stats_of(session, organization_id, [*(r.id for r in rows), *meant])
    items = []
    for row in rows:
        other = meant.get(row.possible_duplicate_of) if row.possible_duplicate_of else None
        items.append(
            {
                "customer": read(row, figures[row.id]),
                "possible_duplicate_of": read(other, figures[other.id]) if other else None,
            }
        )
    return items, info
