"""How a customer is written and read: the organization whose country reads its phone,
normalized contact details, their blind indexes, the address as one encrypted JSON text, and
seed 001's detail shape."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers import stats
from maitred.customers.models import Customer
from maitred.customers.repository import CustomerRepository
from maitred.identity import service as identity_service
from maitred.kit import crypto, outbox, phones
from maitred.kit.auditnote import record
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.models import Organization


def email_index(email: str) -> str:
    return crypto.blind_index(crypto.normalize_email(email), purpose="customers.email")


def phone_index(e164: str) -> str:
    return crypto.blind_index(e164, purpose="customers.phone")


def consent_index(address: str) -> str:
    """Consents are kept per address (an E.164 phone or a normalized email)."""
    return crypto.blind_index(address, purpose="contact_consents.address")


def _address(stored: str | None) -> dict[str, Any] | None:
    return None if stored is None else dict(json.loads(stored))


def read(customer: Customer, figures: stats.BookingStats) -> dict[str, Any]:
    """Seed 001's customer detail."""
    return {
        "id": customer.id,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "phone_dialable": phones.is_dialable(customer.phone),
        "address": _address(customer.address),
        "dietary_restrictions": list(customer.dietary_restrictions or []),
        "preferences": {
            "dietary_restrictions": list(customer.dietary_restrictions or []),
            "preferred_contact": customer.preferred_contact,
        },
        "preferred_language": customer.preferred_language,
        "notes": customer.notes,
        "source": customer.source,
        "loyalty_tier": customer.loyalty_tier,
        "loyalty_points": customer.loyalty_points,
        "total_bookings": figures.total_bookings,
        "total_spent": figures.total_spent,
        "upcoming_bookings": figures.upcoming_bookings,
        "last_booking_date": figures.last_booking_date,
        "possible_duplicate_of": customer.possible_duplicate_of,
        "erased_at": customer.erased_at,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
    }


async def organization_of(session: AsyncSession, organization_id: uuid.UUID) -> Organization:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        raise NotFound("No such organization")
    return organization


def normalized_contact(
    email: str | None, phone: str | None, *, region: str
) -> tuple[str | None, str | None]:
    """Lowercased email and E.164 phone (blank means none); every bad field is reported."""
    details: dict[str, Any] = {}
    found_email = found_phone = None
    if email is not None and email.strip():
        try:
            found_email = identity_service.normalize_email(email)
        except ValidationFailed as exc:
            details.update(exc.details)
    if phone is not None and phone.strip():
        try:
            found_phone = identity_service.normalize_phone(phone, region=region)
        except ValidationFailed as exc:
            details.update(exc.details)
    if details:
        raise ValidationFailed(details=details)
    return found_email, found_phone


def flatten(fields: dict[str, Any]) -> dict[str, Any]:
    """The body's `preferences` and `address` as the columns hold them; top level wins."""
    flat = dict(fields)
    preferences = flat.pop("preferences", None) or {}
    if "preferred_contact" in preferences:
        flat["preferred_contact"] = preferences["preferred_contact"]
    if preferences.get("dietary_restrictions") is not None:
        flat.setdefault("dietary_restrictions", preferences["dietary_restrictions"])
    if flat.get("address") is not None:
        given = flat["address"]
        address = {
            "street": given.get("street"),
            "city": given.get("city"),
            "state": given.get("state"),
            "zip": given.get("zip") or given.get("zip_code"),
        }
        flat["address"] = json.dumps({k: (v.strip() if v else v) for k, v in address.items()})
    if flat.get("dietary_restrictions") is not None:
        cleaned = (d.strip().lower() for d in flat["dietary_restrictions"])
        flat["dietary_restrictions"] = list(dict.fromkeys(d for d in cleaned if d))
    return flat


def search_terms(search: str | None, *, region: str) -> tuple[str | None, str | None, str | None]:
    """Part of a name, and the email or phone the text would be if it is one (exact match)."""
    text = (search or "").strip()
    if not text:
        return None, None, None
    email = phone = None
    try:
        if "@" in text:
            email, _ = normalized_contact(text, None, region=region)
        elif any(c.isdigit() for c in text):
            _, phone = normalized_contact(None, text, region=region)
    except ValidationFailed:
        pass
    return text, email, phone


async def insert_new(
    session: AsyncSession, repository: CustomerRepository, customer: Customer
) -> bool:
    """False when a concurrent insert took the email or phone first (the unique indexes)."""
    try:
        async with session.begin_nested():
            repository.add(customer)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def announce_created(
    session: AsyncSession, *, organization_id: uuid.UUID, customer_id: uuid.UUID, source: str
) -> None:
    await outbox.emit(
        session,
        "customer.created",
        organization_id=organization_id,
        customer_id=customer_id,
    )
    record(
        "customer.created",
        resource_type="customer",
        resource_id=customer_id,
        organization_id=organization_id,
        changes={"source": source},
    )
