"""Converting leads (seed 001) into customers and bookings, and the follow-up lead a public
booking request leaves for staff."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import text

from maitred.kit.db import Database
from maitred.kit.outbox import Event
from maitred.kit.roles import Role
from maitred.kit.worker import Worker
from maitred.leads.events import follow_up_public_booking
from maitred.tenancy.models import Organization
from tests.factories import Actor, given_organization, signed_in_as
from tests.probe_router import error_of

LEADS = "/api/v1/leads"
CONVERTED = "Lead converted to customer successfully"
SEED_000_PRICING = {"pricing": {"price_per_adult": 45, "deposit_percent": 0.25}}


def event_day(days_ahead: int = 14) -> date:
    """A future day the default calendar is open on (closed on Mondays)."""
    day = datetime.now(ZoneInfo("America/Los_Angeles")).date() + timedelta(days=days_ahead)
    return day + timedelta(days=1) if day.isoweekday() == 1 else day


async def given_staff_with_a_team(client: httpx.AsyncClient, database: Database) -> Actor:
    org = await given_organization(database, settings=SEED_000_PRICING)
    staff = await signed_in_as(client, database, Role.staff, org)
    team = await client.post(
        "/api/v1/availability/teams", json={"name": "Team Sacramento"}, headers=staff.headers
    )
    assert team.status_code == 201, team.text
    return staff


async def submit(client: httpx.AsyncClient, org: Organization | None, **form: Any) -> str:
    assert org is not None
    body = {"name": "John Doe", "phone": "916-555-0123", "email": "john@example.com"} | form
    response = await client.post(
        "/api/v1/public/leads", json=body, headers={"X-Tenant-ID": str(org.id)}
    )
    assert response.status_code == 201, response.text
    lead_id: str = response.json()["lead_id"]
    return lead_id


async def convert(
    client: httpx.AsyncClient, actor: Actor, lead_id: str, body: dict[str, Any]
) -> httpx.Response:
    return await client.post(f"{LEADS}/{lead_id}/convert", json=body, headers=actor.headers)


async def customers_of(client: httpx.AsyncClient, actor: Actor) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (
        await client.get("/api/v1/customers", headers=actor.headers)
    ).json()["items"]
    return items


async def test_seed_001s_conversion_with_a_booking(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await given_staff_with_a_team(client, database)
    lead_id = await submit(client, staff.organization)
    day = event_day()

    response = await convert(
        client,
        staff,
        lead_id,
        {
            "create_booking": True,
            "booking_data": {
                "event_date": day.isoformat(),
                "guest_count": 25,
                "event_type": "corporate",
            },
        },
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert set(body) == {"customer_id", "booking_id", "message"}
    assert body["message"] == CONVERTED
    customer = (
        await client.get(f"/api/v1/customers/{body['customer_id']}", headers=staff.headers)
    ).json()
    assert (customer["name"], customer["email"], customer["phone"], customer["source"]) == (
        "John Doe",
        "john@example.com",
        "+19165550123",
        "lead",
    )
    assert (customer["total_bookings"], customer["upcoming_bookings"]) == (1, 1)
    booking = (
        await client.get(f"/api/v1/bookings/{body['booking_id']}", headers=staff.headers)
    ).json()
    assert booking["event_date"] == day.isoformat()
    assert (booking["guest_count"], booking["event_type"]) == (25, "corporate")
    lead = (await client.get(f"{LEADS}/{lead_id}", headers=staff.headers)).json()
    assert (lead["status"], lead["customer_id"], lead["booking_id"]) == (
        "won",
        body["customer_id"],
        body["booking_id"],
    )
    assert lead["converted_at"] is not None
    assert (lead["event_date"], lead["guest_count"]) == (day.isoformat(), 25)

    again = await convert(client, staff, lead_id, {"create_booking": False})

    assert again.status_code == 409
    assert error_of(again) == {
        "error": "invalid_state",
        "message": "This lead was already converted",
        "details": {"status": "won"},
    }
    assert len(await customers_of(client, staff)) == 1


async def test_conversion_without_a_booking(client: httpx.AsyncClient, database: Database) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    lead_id = await submit(client, staff.organization, email=None)

    response = await convert(client, staff, lead_id, {"create_booking": False})
    empty_body = await convert(
        client, staff, await submit(client, staff.organization, phone="916-555-0177"), {}
    )

    assert response.status_code == empty_body.status_code == 201
    assert response.json()["booking_id"] is None
    assert response.json()["message"] == CONVERTED
    customers = await customers_of(client, staff)
    assert sorted((c["phone"], c["email"]) for c in customers) == [
        ("+19165550123", None),
        ("+19165550177", "john@example.com"),
    ]


async def test_an_existing_customer_is_reused_by_email_or_by_phone_and_name(
    client: httpx.AsyncClient, database: Database
) -> None:
    """A lead is what a visitor typed: it is filed under the customer with its email, or with
    its phone and name, and changes nothing stored; a phone under another name is someone else,
    a new customer marked as a possible duplicate for staff to merge."""
    staff = await signed_in_as(client, database, Role.staff)
    by_email = await client.post(
        "/api/v1/customers",
        json={"name": "Johnny D", "email": "JOHN@example.com"},
        headers=staff.headers,
    )
    by_phone = await client.post(
        "/api/v1/customers",
        json={"name": "Jane", "phone": "+19165550177"},
        headers=staff.headers,
    )
    first = await submit(client, staff.organization, phone="916-555-0123")
    second = await submit(
        client, staff.organization, name="Jane", phone="(916) 555-0177", email=None
    )
    third = await submit(client, staff.organization, phone="(916) 555-0177", email=None)

    one = await convert(client, staff, first, {"create_booking": False})
    two = await convert(client, staff, second, {"create_booking": False})
    three = await convert(client, staff, third, {"create_booking": False})

    assert one.json()["customer_id"] == by_email.json()["id"]
    assert two.json()["customer_id"] == by_phone.json()["id"]
    customers = {c["id"]: c for c in await customers_of(client, staff)}
    assert len(customers) == 3
    johnny = customers[by_email.json()["id"]]
    assert (johnny["name"], johnny["phone"]) == ("Johnny D", None)
    john = customers[three.json()["customer_id"]]
    assert (john["name"], john["phone"]) == ("John Doe", "+19165550177")
    assert john["possible_duplicate_of"] == by_phone.json()["id"]


async def test_bad_conversion_requests_change_nothing(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)  # no chef team: nothing is free
    lead_id = await submit(client, staff.organization)
    booking_data = {"event_date": event_day().isoformat(), "guest_count": 25}

    missing = await convert(client, staff, lead_id, {"create_booking": True})
    stray = await convert(client, staff, lead_id, {"booking_data": booking_data})
    too_many = await convert(
        client,
        staff,
        lead_id,
        {"create_booking": True, "booking_data": {**booking_data, "guest_count": 501}},
    )
    no_capacity = await convert(
        client, staff, lead_id, {"create_booking": True, "booking_data": booking_data}
    )

    assert error_of(missing)["details"] == {
        "booking_data": "Field is required when create_booking is true"
    }
    assert error_of(stray)["details"] == {"create_booking": "Send true to book from booking_data"}
    assert too_many.status_code == 422
    assert no_capacity.status_code == 409
    assert error_of(no_capacity)["error"] == "capacity_exceeded"
    lead = (await client.get(f"{LEADS}/{lead_id}", headers=staff.headers)).json()
    assert (lead["status"], lead["customer_id"], lead["converted_at"]) == ("new", None, None)
    assert await customers_of(client, staff) == []


async def test_erasing_the_converted_customer_withdraws_the_leads_consents(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    lead_id = await submit(client, staff.organization)
    customer_id = (await convert(client, staff, lead_id, {})).json()["customer_id"]

    erased = await client.delete(f"/api/v1/customers/{customer_id}", headers=staff.headers)

    assert erased.status_code == 204
    async with database.transaction() as session:
        consents = (
            await session.execute(
                text(
                    "SELECT channel, withdrawn_at IS NOT NULL FROM contact_consents "
                    "ORDER BY channel"
                )
            )
        ).all()
    assert [tuple(c) for c in consents] == [("email", 1), ("sms", 1)]


async def test_a_public_booking_request_leaves_a_follow_up_lead_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await given_staff_with_a_team(client, database)
    assert staff.organization is not None
    requested = await client.post(
        "/api/v1/public/bookings",
        headers={"X-Tenant-ID": str(staff.organization.id)},
        json={
            "name": "Jane Smith",
            "phone": "916-555-0177",
            "email": "jane@example.com",
            "event_date": event_day().isoformat(),
            "event_time": "18:00",
            "guest_count": 25,
            "event_type": "birthday",
            "location": "Sacramento, CA",
            "message": "Outdoor birthday party",
            "source": "booking_form",
            "honeypot": "",
        },
    )
    assert requested.status_code == 201, requested.text
    customer = (await customers_of(client, staff))[0]
    admin_booking = await client.post(
        "/api/v1/bookings",
        json={
            "customer_id": customer["id"],
            "event_date": event_day(21).isoformat(),
            "event_time": "18:00",
            "guest_count": 6,
            "location": "Folsom, CA",
        },
        headers=staff.headers,
    )
    assert admin_booking.status_code == 201, admin_booking.text

    await Worker(database).run_once()

    leads = (await client.get(LEADS, headers=staff.headers)).json()["items"]
    assert len(leads) == 1
    lead = leads[0]
    assert {
        k: lead[k]
        for k in (
            "name",
            "phone",
            "email",
            "source",
            "status",
            "message",
            "event_date",
            "guest_count",
            "event_type",
            "customer_id",
            "booking_id",
        )
    } == {
        "name": "Jane Smith",
        "phone": "+19165550177",
        "email": "jane@example.com",
        "source": "booking_form",
        "status": "new",
        "message": "Outdoor birthday party",
        "event_date": event_day().isoformat(),
        "guest_count": 25,
        "event_type": "birthday",
        "customer_id": customer["id"],
        "booking_id": requested.json()["booking_id"],
    }

    # A repeated delivery of the same event makes no second lead.
    async with database.transaction() as session:
        payload = (
            await session.execute(
                text("SELECT payload, created_at FROM outbox_events WHERE name = 'booking.created'")
            )
        ).all()
        for raw, created_at in payload:
            body = raw if isinstance(raw, dict) else json.loads(raw)
            await follow_up_public_booking(
                session,
                Event(
                    id=uuid.uuid4(),
                    name="booking.created",
                    organization_id=staff.organization.id,
                    payload=body,
                    created_at=created_at,
                    attempt=2,
                ),
            )
    assert len((await client.get(LEADS, headers=staff.headers)).json()["items"]) == 1
