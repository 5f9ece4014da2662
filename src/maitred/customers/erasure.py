"""A customer's erasure reaches the consents they gave: each is withdrawn and loses the address
and where it came from; its channel, source and dates stay as the record that it was given."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.customers.records import consent_index
from maitred.customers.repository import ConsentRepository
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
