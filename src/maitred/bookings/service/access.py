"""Who is asking: staff see the organization's book, a customer only their own bookings."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import service as customers_service
from maitred.identity import service as identity_service
from maitred.identity.deps import AuthContext
from maitred.kit.errors import Forbidden, NotFound, ValidationFailed
from maitred.kit.roles import Role


@dataclass(frozen=True)
class Viewer:
    organization_id: uuid.UUID
    user_id: uuid.UUID | None
    is_customer: bool


def viewer_of(auth: AuthContext) -> Viewer:
    return Viewer(
        organization_id=auth.org_id,
        user_id=auth.user_id,
        is_customer=auth.role == Role.customer and auth.user_id is not None,
    )


async def own_customer(
    session: AsyncSession, viewer: Viewer
) -> customers_service.CustomerBrief | None:
    """The signed-in customer's record, if their account is linked to one (read only)."""
    assert viewer.user_id is not None
    return await customers_service.for_user(
        session, organization_id=viewer.organization_id, user_id=viewer.user_id
    )


async def own_customer_or_create(
    session: AsyncSession, viewer: Viewer
) -> customers_service.CustomerBrief:
    """A customer booking for the first time: their record, reached through the email or phone
    their account proved (never one it merely typed), or a new one made from those."""
    assert viewer.user_id is not None
    user = await identity_service.get_user(session, viewer.user_id)
    if user is None:
        raise NotFound("No such user")
    return await customers_service.own_or_create(
        session, organization_id=viewer.organization_id, user=user
    )


class NewCustomer(Protocol):
    """An embedded customer of a request body (seed 000): found by email or phone, or made."""

    @property
    def name(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


async def booking_customer(
    session: AsyncSession,
    viewer: Viewer,
    *,
    customer_id: uuid.UUID | None,
    customer: NewCustomer | None,
) -> tuple[customers_service.CustomerBrief, str]:
    """Who a booking (or a place on a waitlist) is for, and its source: a signed-in customer
    is always themselves; staff name a `customer_id` or embed a `customer`."""
    if viewer.is_customer:
        own = await own_customer_or_create(session, viewer)
        if customer is not None or customer_id not in (None, own.id):
            raise Forbidden("Customers book for themselves")
        return own, "customer"
    if customer_id is not None:
        try:
            found = await customers_service.brief(
                session, organization_id=viewer.organization_id, customer_id=customer_id
            )
        except NotFound:
            raise ValidationFailed(details={"customer_id": "No such customer"}) from None
        return found, "admin"
    if customer is not None:
        made = await customers_service.find_or_create(
            session,
            organization_id=viewer.organization_id,
            name=customer.name,
            email=customer.email,
            phone=customer.phone,
            source="admin",
            trusted=True,
        )
        return made, "admin"
    raise ValidationFailed(details={"customer_id": "Give customer_id or customer"})
