"""Which customer a form, staff or an inbound message names, found by email or phone (the rules
are in service.py's opening). One subject, the same-person rules and the race with a concurrent
insert, that was half the service; other domains still call it through `customers.service`."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.briefs import CustomerBrief, brief_of
from maitred.customers.contact_queries import ContactMatch
from maitred.customers.models import Customer
from maitred.customers.records import (
    announce_created,
    email_index,
    flatten,
    normalized_contact,
    organization_of,
    phone_index,
)
from maitred.customers.repository import CustomerRepository
from maitred.kit.errors import AlreadyExists


async def find_or_create(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    name: str,
    email: str | None,
    phone: str | None,
    address: dict[str, Any] | None = None,
    source: str = "admin",
    trusted: bool = False,
    preferred_language: str | None = None,
    normalized: bool = False,
) -> CustomerBrief:
    """Who a form (or staff) names: the customer with this email; else the one with this phone
    when the name is the same and no other email was given; else a new customer, marked as a
    possible duplicate of the one whose phone it shares, for staff to merge. What a visitor
    typed never changes a stored record; only `trusted` input (staff's) fills in an email or
    phone the customer lacked. A language is only ever filled in where none was known.
    `normalized`: the email and phone are `normalized_contact`'s already (the public form's)."""
    organization = await organization_of(session, organization_id)
    if normalized:
        email_n, phone_n = email or None, phone or None
    else:
        email_n, phone_n = normalized_contact(email, phone, region=organization.country)
    email_key = email_index(email_n) if email_n else None
    phone_key = phone_index(phone_n) if phone_n else None
    name = name.strip() or "Guest"
    repository = CustomerRepository(session, organization_id)
    new: dict[str, Any] = {
        "name": name,
        "email": email_n,
        "email_index": email_key,
        "phone": phone_n,
        "phone_index": phone_key,
        "address": flatten({"address": address})["address"] if address else None,
        "dietary_restrictions": [],
        "source": source,
        "preferred_language": preferred_language,
    }
    customer_id = uuid.uuid4()
    if await repository.insert_if_new({"id": customer_id, **new}):
        await announce_created(
            session, organization_id=organization_id, customer_id=customer_id, source=source
        )
        return CustomerBrief(customer_id, name, email_n, phone_n)
    for _ in range(2):
        sharing = await repository.sharing_contact(email_key, phone_key)
        found, shared = _matching(
            sharing, name=name, email=email_n, email_key=email_key, phone_key=phone_key
        )
        if found is not None:
            if preferred_language and found.preferred_language is None:
                await repository.fill_language(found.id, preferred_language)
            if not trusted:
                return CustomerBrief(found.id, found.name, found.email, found.phone)
            customer = await repository.get_or_404(found.id)
            await _complete(repository, customer, email=email_n, phone=phone_n)
            return brief_of(customer)
        customer_id = uuid.uuid4()
        if await repository.insert_unless_taken(
            {"id": customer_id, "possible_duplicate_of": shared, **new}
        ):
            await announce_created(
                session, organization_id=organization_id, customer_id=customer_id, source=source
            )
            return CustomerBrief(customer_id, name, email_n, phone_n)
    raise AlreadyExists("A customer with this email or phone was being created; try again")


def _matching(
    sharing: list[ContactMatch],
    *,
    name: str,
    email: str | None,
    email_key: str | None,
    phone_key: str | None,
) -> tuple[ContactMatch | None, uuid.UUID | None]:
    """The customer these details name, else the id of the one whose phone they share."""
    if email_key and (by_email := [c for c in sharing if c.email_index == email_key]):
        return by_email[0], None
    if not phone_key:
        return None, None
    by_phone = [c for c in sharing if c.phone_index == phone_key]
    for candidate in by_phone:
        if _same_person(candidate, name=name, email=email):
            return candidate, None
    primary = next((c for c in by_phone if c.possible_duplicate_of is None), None)
    return None, primary.id if primary else None


def _same_person(customer: ContactMatch, *, name: str, email: str | None) -> bool:
    """A phone alone names the customer only with their name and without another email: a
    phone is easy to mistype or to know of someone, and a different person's request must not
    be filed (and answered) under them."""
    return _folded(customer.name) == _folded(name) and (email is None or email == customer.email)


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())


async def find_by_contact(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    email: str | None = None,
    phone: str | None = None,
) -> CustomerBrief | None:
    """The customer with this (normalized) email or phone: who an inbound message is from."""
    found = await _find(CustomerRepository(session, organization_id), email=email, phone=phone)
    return None if found is None else brief_of(found)


async def _find(
    repository: CustomerRepository, *, email: str | None, phone: str | None
) -> Customer | None:
    found = await repository.by_email_index(email_index(email)) if email else None
    if found is None and phone:
        found = await repository.by_phone_index(phone_index(phone))
    return found


async def _complete(
    repository: CustomerRepository,
    customer: Customer,
    *,
    email: str | None,
    phone: str | None,
) -> None:
    """Fills in an email or phone the customer lacked, when nobody else has it."""
    if (
        email
        and customer.email is None
        and await repository.by_email_index(email_index(email)) is None
    ):
        customer.email, customer.email_index = email, email_index(email)
    if (
        phone
        and customer.phone is None
        and await repository.by_phone_index(phone_index(phone)) is None
    ):
        customer.phone, customer.phone_index = phone, phone_index(phone)
    await repository.session.flush()
