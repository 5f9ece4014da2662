"""Seed 001's public lead form: its request, answer and validation, the consent it records, and
the honeypot that stores nothing."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from maitred.kit.roles import Role
from tests.factories import given_organization, signed_in_as
from tests.probe_router import error_of

FORM = "/api/v1/public/leads"
SEED_REQUEST = {
    "name": "John Doe",
    "phone": "916-555-0123",  # seed 001 writes 555-123-4567, which no phone plan has
    "email": "John@Example.com",
    "message": "Interested in catering for 50 guests",
    "source": "website",
    "metadata": {"page": "homepage", "referrer": "google"},
    "honeypot": "",
}
THANKS = {
    "success": True,
    "message": "Thank you! We'll contact you within 24 hours.",
    "newsletter_subscribed": True,
    "estimated_response_time": "24 hours",
}


def without_id(body: dict[str, Any]) -> dict[str, Any]:
    uuid.UUID(body["lead_id"])
    return {k: v for k, v in body.items() if k != "lead_id"}


async def rows(database: Database, sql: str) -> list[tuple[Any, ...]]:
    async with database.transaction() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


async def test_seed_001s_request_makes_a_lead_with_its_consents(
    client: httpx.AsyncClient, database: Database
) -> None:
    org = await given_organization(database)

    response = await client.post(
        FORM, json=SEED_REQUEST, headers={"User-Agent": "Mozilla/5.0 (test)"}
    )

    assert response.status_code == 201, response.text
    assert without_id(response.json()) == THANKS
    staff = await signed_in_as(client, database, Role.staff, org)
    lead = (
        await client.get(f"/api/v1/leads/{response.json()['lead_id']}", headers=staff.headers)
    ).json()
    assert {k: lead[k] for k in ("name", "phone", "email", "source", "status", "message")} == {
        "name": "John Doe",
        "phone": "+19165550123",
        "email": "john@example.com",
        "source": "website",
        "status": "new",
        "message": "Interested in catering for 50 guests",
    }
    assert lead["metadata"] == {"page": "homepage", "referrer": "google"}
    assert (lead["assigned_to"], lead["notes"]) == (None, [])
    consents = await rows(
        database,
        "SELECT channel, source, ip, user_agent, lead_id, consented_at IS NOT NULL, "
        "withdrawn_at FROM contact_consents ORDER BY channel",
    )
    lead_id = uuid.UUID(lead["id"]).hex
    assert [(c[0], c[1], c[2], c[3], uuid.UUID(str(c[4])).hex, c[5], c[6]) for c in consents] == [
        ("email", "website", "127.0.0.1", "Mozilla/5.0 (test)", lead_id, 1, None),
        ("sms", "website", "127.0.0.1", "Mozilla/5.0 (test)", lead_id, 1, None),
    ]
    stored = await rows(database, "SELECT address FROM contact_consents")
    assert all(str(a[0]).startswith("v1.") for a in stored)
    assert await rows(database, "SELECT name FROM outbox_events WHERE name = 'lead.created'") == [
        ("lead.created",)
    ]


async def test_a_phone_alone_subscribes_to_sms_only(
    client: httpx.AsyncClient, database: Database
) -> None:
    await given_organization(database)

    response = await client.post(FORM, json={"name": "Jo", "phone": "+1 (916) 555-0177"})

    assert response.status_code == 201
    assert without_id(response.json()) == THANKS
    assert await rows(database, "SELECT channel FROM contact_consents") == [("sms",)]


async def test_seed_001s_validation_example(client: httpx.AsyncClient, database: Database) -> None:
    await given_organization(database)

    response = await client.post(
        FORM, json={"name": "", "phone": "invalid", "email": "not-an-email"}
    )

    assert response.status_code == 422
    assert error_of(response) == {
        "error": "validation_error",
        "message": "Request validation failed",
        "details": {
            "name": "Field is required and cannot be empty",
            "phone": "Invalid phone number format",
            "email": "Invalid email format",
        },
    }
    assert await rows(database, "SELECT id FROM leads") == []


async def test_length_rules_missing_phone_and_unknown_fields(
    client: httpx.AsyncClient, database: Database
) -> None:
    await given_organization(database)

    short = await client.post(FORM, json={"name": "J", "message": "x" * 1001})
    long_name = await client.post(FORM, json={"name": "J" * 101, "phone": "9165550123"})
    unknown = await client.post(FORM, json={**SEED_REQUEST, "budget": 500})

    assert error_of(short)["details"] == {
        "name": "Must be 2-100 characters",
        "phone": "Field is required and cannot be empty",
        "message": "At most 1000 characters",
    }
    assert error_of(long_name)["details"] == {"name": "Must be 2-100 characters"}
    assert unknown.status_code == 422
    assert error_of(unknown)["details"] == {"budget": "Unknown field"}
    assert await rows(database, "SELECT id FROM leads") == []


async def test_a_filled_honeypot_answers_alike_but_only_counts(
    client: httpx.AsyncClient, database: Database
) -> None:
    await given_organization(database)
    spam = {**SEED_REQUEST, "honeypot": "http://cheap-pills.example"}

    first = await client.post(FORM, json=spam)
    second = await client.post(FORM, json={**spam, "phone": "not even a phone"})

    assert first.status_code == second.status_code == 201
    assert without_id(first.json()) == without_id(second.json()) == THANKS
    assert first.json()["lead_id"] != second.json()["lead_id"]
    assert await rows(database, "SELECT id FROM leads") == []
    assert await rows(database, "SELECT id FROM contact_consents") == []
    assert await rows(database, "SELECT id FROM outbox_events") == []
    assert await rows(database, "SELECT form, count FROM dropped_submissions") == [("lead", 2)]


async def test_the_organization_is_chosen_by_tenant_header(
    client: httpx.AsyncClient, database: Database
) -> None:
    await given_organization(database, "First Grill")
    second = await given_organization(database, "Second Grill")

    unnamed = await client.post(FORM, json=SEED_REQUEST)
    named = await client.post(FORM, json=SEED_REQUEST, headers={"X-Tenant-ID": second.slug})

    assert unnamed.status_code == 422
    assert named.status_code == 201
    owner = await rows(database, "SELECT organization_id FROM leads")
    assert [uuid.UUID(str(o[0])) for o in owner] == [second.id]
