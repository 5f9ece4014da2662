"""A lead staff write down themselves (leads_service.record_lead): new in the pipeline, dated when
the person asked, and without a marketing consent nobody gave."""

from __future__ import annotations

from datetime import UTC, date, datetime

import httpx
import pytest
from sqlalchemy import func, select

from maitred.customers.models import ContactConsent
from maitred.kit.db import Database
from maitred.kit.errors import ValidationFailed
from maitred.kit.roles import Role
from maitred.leads import service as leads_service
from maitred.leads.models import Lead
from tests.factories import signed_in_as

ASKED = datetime(2026, 9, 30, 16, 45, tzinfo=UTC)


async def count(database: Database, model: type[Lead] | type[ContactConsent]) -> int:
    async with database.transaction(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_phoned_in_lead_is_new_dated_when_asked_and_gives_no_consent(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None
    async with database.transaction() as session:
        lead = await leads_service.record_lead(
            session,
            organization_id=staff.organization.id,
            name="Maria Lopez",
            phone="(916) 555-0142",
            email="Maria.Lopez@example.com",
            message="Birthday for 14 in Folsom",
            source="Phone",
            received_at=ASKED,
            event_date=date(2027, 1, 16),
            guest_count=14,
            event_type="birthday",
        )

    shown = (await client.get(f"/api/v1/leads/{lead['id']}", headers=staff.headers)).json()
    assert {k: shown[k] for k in ("status", "source", "phone", "email", "created_at")} == {
        "status": "new",
        "source": "phone",
        "phone": "+19165550142",
        "email": "maria.lopez@example.com",
        "created_at": "2026-09-30T16:45:00Z",
    }
    assert (shown["event_date"], shown["guest_count"], shown["event_type"]) == (
        "2027-01-16",
        14,
        "birthday",
    )
    assert await count(database, ContactConsent) == 0


async def test_a_lead_without_a_valid_phone_is_refused_and_not_stored(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    assert staff.organization is not None

    with pytest.raises(ValidationFailed) as refused:
        async with database.transaction() as session:
            await leads_service.record_lead(
                session,
                organization_id=staff.organization.id,
                name="Maria Lopez",
                phone="123",
                email=None,
                message="",
                source="phone",
            )

    assert refused.value.details == {
        "phone": "Invalid phone number format (too short: 3 digits after +1, where numbers have 10)"
    }
    assert await count(database, Lead) == 0
