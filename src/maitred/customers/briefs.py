"""A customer in brief (id, name, email, phone): what other domains show next to a booking or a
lead, read one at a time or for a page of a list."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.models import Customer
from maitred.customers.repository import CustomerRepository, briefs_query
from maitred.kit.reads import ReadPool


@dataclass(frozen=True)
class CustomerBrief:
    id: uuid.UUID
    name: str
    email: str | None
    phone: str | None


def joined_brief(customer_id: Any, organization_id: Any) -> tuple[Any, Any, list[Any]]:
    """For another domain's compiled read that shows its row's customer: the customers table,
    the join condition on its `customer_id` and `organization_id` columns, and the brief's
    columns (`customer_name`, `customer_email`, `customer_phone`; decrypted as read)."""
    condition = and_(Customer.id == customer_id, Customer.organization_id == organization_id)
    columns = [
        Customer.name.label("customer_name"),
        Customer.email.label("customer_email"),
        Customer.phone.label("customer_phone"),
    ]
    return Customer.__table__, condition, columns


def brief_of(customer: Customer) -> CustomerBrief:
    return CustomerBrief(customer.id, customer.name, customer.email, customer.phone)


async def brief(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> CustomerBrief:
    return brief_of(await CustomerRepository(session, organization_id).get_or_404(customer_id))


async def briefs(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, CustomerBrief]:
    rows = await CustomerRepository(session, organization_id).many(set(customer_ids))
    return {row.id: brief_of(row) for row in rows}


async def briefs_read(
    reads: ReadPool, *, organization_id: uuid.UUID, customer_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, CustomerBrief]:
    """briefs() outside the request's session (committed data), for fast read-only lists."""
    wanted = list(set(customer_ids))
    if not wanted:
        return {}
    values = {f"id_{i}": customer_id for i, customer_id in enumerate(wanted)}
    rows = await reads.all(briefs_query(len(wanted)), organization_id=organization_id, **values)
    return {r["id"]: CustomerBrief(r["id"], r["name"], r["email"], r["phone"]) for r in rows}
