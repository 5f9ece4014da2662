"""Which customer record a signed-in account reaches: only one whose email or phone the account
proved to hold (customers/verification.py). Typing someone's email or phone into a sign-up or a
profile proves nothing, so it links nothing; and reads never link (a GET writes nothing)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.briefs import CustomerBrief, brief_of
from maitred.customers.models import Customer
from maitred.customers.records import announce_created, email_index, insert_new, phone_index
from maitred.customers.repository import CustomerRepository
from maitred.customers.verification_repository import Verifications
from maitred.identity import service as identity_service
from maitred.kit.auditnote import record
from maitred.kit.errors import AlreadyExists, Forbidden

if TYPE_CHECKING:
    from maitred.identity.models import User


class VerificationRequired(Forbidden):
    """A customer account books only once it proved its email or phone."""

    message = (
        "Confirm your email address (POST /auth/verify-email/request) or your phone number "
        "(POST /auth/verify-phone/request) before booking"
    )


async def verified_indexes(session: AsyncSession, user: User) -> tuple[str | None, str | None]:
    """The blind indexes (as customers keep them) of the account's email and phone, each only
    when proven: the email by a link that came back, the phone by a code."""
    by_email = email_index(user.email) if user.email_verified else None
    by_phone = None
    if user.phone and await Verifications(session, user.id).is_verified(
        "phone", phone_index(user.phone)
    ):
        by_phone = phone_index(user.phone)
    return by_email, by_phone


async def for_user(
    session: AsyncSession, *, organization_id: uuid.UUID, user_id: uuid.UUID
) -> CustomerBrief | None:
    """A signed-in customer's record, read only: the one linked to the account, else the
    unlinked customer with the account's verified email (linked at its next write)."""
    repository = CustomerRepository(session, organization_id)
    linked = await repository.by_user(user_id)
    if linked is not None:
        return brief_of(linked)
    user = await identity_service.get_user(session, user_id)
    if user is None or not user.email_verified:
        return None
    found = await repository.by_email_index(email_index(user.email))
    if found is None or found.user_id is not None or found.erased_at is not None:
        return None
    return brief_of(found)


async def link_verified(
    session: AsyncSession, *, organization_id: uuid.UUID, user: User
) -> CustomerBrief | None:
    """The account's record in this organization: the linked one, else the unlinked customer
    with its verified email (then phone), linked from now on. A write: never call it on a GET."""
    repository = CustomerRepository(session, organization_id)
    linked = await repository.by_user(user.id)
    if linked is not None:
        return brief_of(linked)
    by_email, by_phone = await verified_indexes(session, user)
    # Any record of the proven email; by phone only the customer's own record, not one a
    # visitor typed that phone into (a possible duplicate is someone else until merged).
    by_phone_record = await repository.by_phone_index(by_phone) if by_phone else None
    candidates = [
        *(await repository.all_by_email_index(by_email) if by_email else []),
        *([by_phone_record] if by_phone_record is not None else []),
    ]
    found = next((c for c in candidates if c.user_id is None), None)
    if found is None:
        return None
    found.user_id = user.id
    await session.flush()
    record(
        "customer.account_linked",
        resource_type="customer",
        resource_id=found.id,
        organization_id=organization_id,
        actor_user_id=user.id,
        changes={"by": "email" if by_email and found.email_index == by_email else "phone"},
    )
    return brief_of(found)


async def own_or_create(
    session: AsyncSession, *, organization_id: uuid.UUID, user: User
) -> CustomerBrief:
    """The account's record, made from its verified details the first time it books. Another
    account's record with the same address is never taken: the new one is kept apart as its
    possible duplicate."""
    found = await link_verified(session, organization_id=organization_id, user=user)
    if found is not None:
        return found
    by_email, by_phone = await verified_indexes(session, user)
    if by_email is None and by_phone is None:
        raise VerificationRequired()
    repository = CustomerRepository(session, organization_id)
    taken = (await repository.by_email_index(by_email) if by_email else None) or (
        await repository.by_phone_index(by_phone) if by_phone else None
    )
    customer = Customer(
        name=user.full_name or user.email,
        email=user.email if by_email else None,
        email_index=by_email,
        phone=user.phone if by_phone else None,
        phone_index=by_phone,
        dietary_restrictions=[],
        source="customer",
        user_id=user.id,
        possible_duplicate_of=taken.id if taken else None,
    )
    if not await insert_new(session, repository, customer):  # its first booking, twice at once
        raise AlreadyExists("Your customer record was being created; try again")
    await announce_created(
        session,
        organization_id=customer.organization_id,
        customer_id=customer.id,
        source="customer",
    )
    return brief_of(customer)
