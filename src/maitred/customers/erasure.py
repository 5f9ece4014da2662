"""A customer's erasure reaches the consents they gave: each is withdrawn and loses the address
and where it came from; its channel, source and dates stay as the record that it was given. The
records kept apart as their possible duplicates stop pointing at the blank record."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.records import consent_index
from maitred.customers.repository import ConsentRepository, CustomerRepository
from maitred.kit.clock import utcnow
from maitred.kit.erasure import Person, eraser

ERASED = "erased"


@eraser("contact_consents", order=30)
async def erase_consents(session: AsyncSession, person: Person) -> int:
    now = utcnow()
    addresses = [consent_index(a) for a in (person.email, person.phone) if a]
    consents = await ConsentRepository(session, person.organization_id).of_person(
        person.customer_id, addresses, person.found.get("leads", set())
    )
    for consent in consents:
        consent.withdrawn_at = consent.withdrawn_at or now
        consent.address, consent.address_index = "", ERASED
        consent.ip = consent.user_agent = ""
    await session.flush()
    return len(consents)


async def release_duplicates(
    session: AsyncSession, organization_id: uuid.UUID, erased_id: uuid.UUID
) -> None:
    """Each record kept apart because it shared an email or phone with the erased customer
    becomes the record of its contacts again, or, where another live customer holds one of
    them, that customer's possible duplicate: staff are never shown a blank record as whom a
    person may be. Runs after the erased row lost its contacts (the unique indexes allow it)."""
    repository = CustomerRepository(session, organization_id)
    for record in await repository.kept_apart_for(erased_id):
        record.possible_duplicate_of = await repository.holder_of(record)
        await session.flush()
