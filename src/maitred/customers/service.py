"""Customers: the people the business cooks for, found again by email or phone.

Email and phone are encrypted at rest and matched through blind indexes, so "the same person"
is decided by exact normalized address: an email names its customer, a phone only with the same
name (another name or email under a known phone is a new customer kept apart as a possible
duplicate, customers/merge.py). The unique indexes make that hold under concurrency. Erasure
blanks the person but keeps the row, so bookings and money stay in the books.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import erasure as customer_erasure
from maitred.customers import stats
from maitred.customers.accounts import VerificationRequired as VerificationRequired
from maitred.customers.accounts import for_user as for_user
from maitred.customers.accounts import link_verified as link_verified
from maitred.customers.accounts import own_or_create as own_or_create
from maitred.customers.briefs import CustomerBrief as CustomerBrief
from maitred.customers.briefs import brief as brief
from maitred.customers.briefs import briefs as briefs
from maitred.customers.briefs import briefs_read as briefs_read
from maitred.customers.briefs import joined_brief as joined_brief
from maitred.customers.contact_matching import find_by_contact as find_by_contact
from maitred.customers.contact_matching import find_or_create as find_or_create
from maitred.customers.models import ContactConsent, Customer
from maitred.customers.records import (
    announce_created,
    consent_index,
    email_index,
    flatten,
    insert_new,
    normalized_contact,
    organization_of,
    phone_index,
    read,
)
from maitred.customers.records import search_terms as search_terms
from maitred.customers.repository import (
    ConsentRepository,
    CustomerRepository,
    DroppedSubmissions,
)
from maitred.kit import erasure
from maitred.kit.auditnote import record
from maitred.kit.clock import utcnow
from maitred.kit.errors import AlreadyExists, InvalidState, NotFound, ValidationFailed
from maitred.kit.list_params import NEWEST_FIRST, ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.tenancy import service as tenancy_service

SORT_FIELDS = tuple(CustomerRepository.sorts)
ERASED_NAME = "Erased customer"
_NULLABLE = frozenset({"email", "phone", "address", "preferred_contact", "preferred_language"})


def _check_name(fields: dict[str, Any]) -> None:
    if isinstance(fields.get("name"), str) and not fields["name"].strip():
        raise ValidationFailed(details={"name": "Field is required and cannot be empty"})


async def _refuse_duplicates(
    repository: CustomerRepository,
    *,
    email: str | None,
    phone: str | None,
    except_id: uuid.UUID | None = None,
) -> None:
    taken = []
    if email and (other := await repository.by_email_index(email_index(email))):
        taken += ["email"] if other.id != except_id else []
    if phone and (other := await repository.by_phone_index(phone_index(phone))):
        taken += ["phone"] if other.id != except_id else []
    if taken:
        raise AlreadyExists(
            f"A customer with this {' and '.join(taken)} already exists",
            details={field: f"Another customer has this {field}" for field in taken},
        )


async def create_customer(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    fields: dict[str, Any],
    source: str = "admin",
) -> dict[str, Any]:
    """Staff adding someone by hand: an email or phone already on file is a 409 naming it."""
    organization = await organization_of(session, organization_id)
    flat = flatten(fields)
    _check_name(flat)
    email, phone = normalized_contact(
        flat.get("email"), flat.get("phone"), region=organization.country
    )
    repository = CustomerRepository(session, organization_id)
    await _refuse_duplicates(repository, email=email, phone=phone)
    customer = Customer(
        name=flat["name"].strip(),
        email=email,
        email_index=email_index(email) if email else None,
        phone=phone,
        phone_index=phone_index(phone) if phone else None,
        address=flat.get("address"),
        dietary_restrictions=flat.get("dietary_restrictions") or [],
        preferred_contact=flat.get("preferred_contact"),
        preferred_language=flat.get("preferred_language"),
        notes=(flat.get("notes") or "").strip(),
        source=source,
    )
    if not await insert_new(session, repository, customer):
        await _refuse_duplicates(repository, email=email, phone=phone)
        raise AlreadyExists("A customer with this email or phone already exists")
    await announce_created(
        session, organization_id=customer.organization_id, customer_id=customer.id, source=source
    )
    return read(customer, stats.NO_BOOKINGS)


async def get_customer(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> dict[str, Any]:
    customer = await CustomerRepository(session, organization_id).get_or_404(customer_id)
    figures = await stats.stats_of(session, organization_id, [customer.id])
    return read(customer, figures[customer.id])


async def list_customers(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    listing: ListQuery = NEWEST_FIRST,
    loyalty_tier: str | None = None,
) -> tuple[list[dict[str, Any]], PaginationInfo]:
    organization = await organization_of(session, organization_id)
    name_part, email, phone = search_terms(listing.search, region=organization.country)
    repository = CustomerRepository(session, organization_id)
    statement = repository.matching(
        name_part=name_part,
        email_index=email_index(email) if email else None,
        phone_index=phone_index(phone) if phone else None,
        loyalty_tier=loyalty_tier.strip().lower() if loyalty_tier else None,
    )
    window = listing.created_window(ZoneInfo(organization.timezone))
    rows, info = await repository.listing_page(params, listing, window, statement)
    figures = await stats.stats_of(session, organization_id, [row.id for row in rows])
    return [read(row, figures[row.id]) for row in rows], info


async def update_customer(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    customer_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """Only the fields sent change; a new email or phone is re-indexed and must be free."""
    flat = flatten(changes)
    _check_name(flat)
    if nulls := sorted(f for f, v in flat.items() if v is None and f not in _NULLABLE):
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    repository = CustomerRepository(session, organization_id)
    customer = await repository.get_for_update(customer_id)
    if customer is None:
        raise NotFound(CustomerRepository.not_found_message)
    if customer.erased_at is not None:
        raise InvalidState("This customer was erased and cannot be changed")
    organization = await organization_of(session, organization_id)
    email, phone = normalized_contact(
        flat.get("email"), flat.get("phone"), region=organization.country
    )
    await _refuse_duplicates(repository, email=email, phone=phone, except_id=customer.id)
    if "email" in flat:
        customer.email, customer.email_index = email, email_index(email) if email else None
    if "phone" in flat:
        customer.phone, customer.phone_index = phone, phone_index(phone) if phone else None
    for field in ("address", "dietary_restrictions", "preferred_contact", "preferred_language"):
        if field in flat:
            setattr(customer, field, flat[field])
    for field in ("name", "notes"):
        if field in flat:
            setattr(customer, field, flat[field].strip())
    customer.updated_at = utcnow()
    await session.flush()
    record(
        "customer.updated",
        resource_type="customer",
        resource_id=customer.id,
        organization_id=organization_id,
        changes={"fields": sorted(flat)},
    )
    figures = await stats.stats_of(session, organization_id, [customer.id])
    return read(customer, figures[customer.id])


async def erase_customer(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> None:
    """Right to erasure: the person goes, the row stays for the bookings and the books.
    Everywhere else the person's data lives (leads, messages, consents, the waitlist, the CRM,
    booking addresses) is blanked in the same transaction by the erasers the domains register
    (kit/erasure.py). Erasing twice changes nothing."""
    repository = CustomerRepository(session, organization_id)
    customer = await repository.get_for_update(customer_id)
    if customer is None:
        raise NotFound(CustomerRepository.not_found_message)
    if customer.erased_at is not None:
        return
    now = utcnow()
    person = erasure.Person(
        organization_id=organization_id,
        customer_id=customer.id,
        email=customer.email,
        phone=customer.phone,
    )
    blanked = await erasure.erase_everywhere(session, person)
    customer.name = ERASED_NAME
    customer.email = customer.email_index = customer.phone = customer.phone_index = None
    customer.address = customer.preferred_contact = customer.user_id = None
    customer.preferred_language = None
    customer.notes, customer.dietary_restrictions = "", []
    customer.erased_at = customer.updated_at = now
    customer.possible_duplicate_of = None
    await session.flush()
    await customer_erasure.release_duplicates(session, organization_id, customer.id)
    record(
        "customer.erased",
        resource_type="customer",
        resource_id=customer.id,
        organization_id=organization_id,
        changes={"consents_withdrawn": blanked.get("contact_consents", 0), "blanked": blanked},
    )


# --- For other domains (the contract of the booking book) ------------------------------------


async def preferred_language(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID
) -> str | None:
    """The language the customer reads messages in, when they said (or their form did)."""
    return await CustomerRepository(session, organization_id).language_of(customer_id)


async def credit_completed_booking(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID, amount: Decimal
) -> None:
    """Points for the money of a completed booking; the tier follows the total spent."""
    customer = await CustomerRepository(session, organization_id).get_for_update(customer_id)
    if customer is None or customer.erased_at is not None:
        return
    loyalty = tenancy_service.settings_of(await organization_of(session, organization_id)).loyalty
    earned = (max(amount, Decimal(0)) * loyalty.points_per_unit).to_integral_value(ROUND_DOWN)
    customer.loyalty_points += int(earned)
    spent = (await stats.stats_of(session, organization_id, [customer.id]))[customer.id].total_spent
    reached = [tier for tier in loyalty.tiers if tier.min_spent <= spent]
    customer.loyalty_tier = max(reached, key=lambda t: t.min_spent).name
    await session.flush()


async def note_spam(session: AsyncSession, *, organization_id: uuid.UUID, form: str) -> None:
    """Counts a honeypot catch for the dashboard, per form and local day; stores nothing else."""
    organization = await organization_of(session, organization_id)
    today = utcnow().astimezone(ZoneInfo(organization.timezone)).date()
    await DroppedSubmissions(session, organization_id).count_one(form=form, day=today)


async def record_consent(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    channel: str,
    address: str,
    source: str,
    ip: str,
    user_agent: str,
    consented_at: datetime | None = None,
    lead_id: uuid.UUID | None = None,
    customer_id: uuid.UUID | None = None,
) -> None:
    """Marketing consent as given (`address` already normalized: E.164 or lowercased email)."""
    ConsentRepository(session, organization_id).add(
        ContactConsent(
            channel=channel,
            address=address,
            address_index=consent_index(address),
            customer_id=customer_id,
            lead_id=lead_id,
            source=source[:50],
            ip=ip[:64],
            user_agent=user_agent[:300],
            consented_at=consented_at or utcnow(),
        )
    )
    await session.flush()
