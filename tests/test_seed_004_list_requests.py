"""Seed 004's list request, as the seed prints it, on the lists people read most: the right
rows in the right order. `?sort_by=created_at&sort_order=desc&created_from=...&search=...
&status=...`; dates are the organization's local days (the factories' organizations are in
Los Angeles), datetimes are instants.

Rows are made through the API, then dated back (the database is the only clock a row's
`created_at` has).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from maitred.bookings.models import Booking
from maitred.customers.models import Customer
from maitred.events.models import Event
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.leads.models import Lead
from maitred.messaging.models import Message
from tests.bookings.given import (
    book_one,
    given_book,
    given_customer,
    saturday,
    seed_001_form,
    staff_of,
)
from tests.events.given import EVENTS, event_form
from tests.factories import Actor, signed_in_as
from tests.messaging.inbox.given import ALICE_PHONE, given_business, inbox, post_twilio, twilio_sms

# 07:30 UTC on March 1st is still February 28th in Los Angeles; 08:30 is March 1st.
LATE_ON_FEB_28 = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)
EARLY_ON_MARCH_1 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
MARCH_3 = datetime(2026, 3, 3, 18, 0, tzinfo=UTC)
MARCH_5 = datetime(2026, 3, 5, 18, 0, tzinfo=UTC)
APRIL_2 = datetime(2026, 4, 2, 18, 0, tzinfo=UTC)


async def dated(database: Database, model: Any, row_id: str, moment: datetime) -> None:
    async with database.transaction() as session:
        await session.execute(
            update(model).where(model.id == uuid.UUID(row_id)).values(created_at=moment)
        )


async def names(client: httpx.AsyncClient, actor: Actor, path: str, **params: str) -> list[str]:
    response = await client.get(path, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return [item.get("name") or item.get("title") for item in response.json()["items"]]


async def test_customers_by_seed_004s_request(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    made = {}
    for name, email, moment in (
        ("Alice Old", "old@example.com", LATE_ON_FEB_28),
        ("Alice Johnson", "alice@example.com", EARLY_ON_MARCH_1),
        ("Bob Stone", "bob@example.com", MARCH_3),
        ("Malia Alison", "malia@example.com", MARCH_5),
        ("Alina April", "alina@example.com", APRIL_2),
    ):
        response = await client.post(
            "/api/v1/customers", json={"name": name, "email": email}, headers=staff.headers
        )
        assert response.status_code == 201, response.text
        made[name] = response.json()["id"]
        await dated(database, Customer, made[name], moment)
    march = {"created_from": "2026-03-01", "created_to": "2026-03-31"}

    newest = await names(
        client,
        staff,
        "/api/v1/customers",
        sort_by="created_at",
        sort_order="desc",
        search="ali",
        **march,
    )
    oldest = await names(
        client,
        staff,
        "/api/v1/customers",
        sort_by="created_at",
        sort_order="asc",
        search="ali",
        **march,
    )
    by_email = await names(client, staff, "/api/v1/customers", search="MALIA@example.com", **march)
    to_the_instant = await names(
        client,
        staff,
        "/api/v1/customers",
        sort_by="name",
        sort_order="asc",
        created_from="2026-03-01T07:30:00Z",
        created_to="2026-03-01T08:30:00Z",
    )

    assert newest == ["Malia Alison", "Alice Johnson"]
    assert oldest == ["Alice Johnson", "Malia Alison"]
    assert by_email == ["Malia Alison"]
    assert to_the_instant == ["Alice Johnson", "Alice Old"]


async def test_leads_by_seed_004s_request_with_several_statuses(
    client: httpx.AsyncClient, database: Database
) -> None:
    staff = await signed_in_as(client, database, Role.staff)
    organization = staff.organization
    assert organization is not None
    made = {}
    for name, phone, status, moment in (
        ("John Doe", "916-555-0123", "new", MARCH_3),
        ("Johnny Bravo", "916-555-0199", "contacted", MARCH_5),
        ("Johanna Qualified", "916-555-0144", "qualified", MARCH_5 + timedelta(hours=1)),
        ("Jane Smith", "916-555-0177", "new", MARCH_5 + timedelta(hours=2)),
        ("John Early", "916-555-0155", "new", LATE_ON_FEB_28),
    ):
        response = await client.post(
            "/api/v1/public/leads",
            json={"name": name, "phone": phone},
            headers={"X-Tenant-ID": str(organization.id)},
        )
        assert response.status_code == 201, response.text
        made[name] = response.json()["lead_id"]
        if status != "new":
            changed = await client.patch(
                f"/api/v1/leads/{made[name]}", json={"status": status}, headers=staff.headers
            )
            assert changed.status_code == 200, changed.text
        await dated(database, Lead, made[name], moment)

    listed = await names(
        client,
        staff,
        "/api/v1/leads",
        sort_by="created_at",
        sort_order="desc",
        created_from="2026-03-01",
        search="joh",
        status="new,CONTACTED",
    )
    unknown_status = await client.get(
        "/api/v1/leads", params={"status": "new,maybe"}, headers=staff.headers
    )

    assert listed == ["Johnny Bravo", "John Doe"]
    assert unknown_status.status_code == 422
    assert unknown_status.json()["details"] == {
        "status": "Unknown status 'maybe'; use one of new, contacted, qualified, quoted, won, lost"
    }


async def test_events_by_seed_004s_request(client: httpx.AsyncClient, database: Database) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    made = {}
    for title, moment in (
        ("Morning Yoga", MARCH_3),
        ("Evening Yoga", MARCH_5),
        ("Pottery", MARCH_5 + timedelta(hours=1)),
        ("Yoga Retreat", APRIL_2),
    ):
        response = await client.post(
            EVENTS, json=event_form(title=title, status="active"), headers=admin.headers
        )
        assert response.status_code == 201, response.text
        made[title] = response.json()["id"]
        await dated(database, Event, made[title], moment)

    by_title = await names(
        client,
        admin,
        EVENTS,
        sort_by="title",
        sort_order="asc",
        created_from="2026-03-01",
        created_to="2026-03-31",
        search="yoga",
    )
    newest = await names(client, admin, EVENTS, sort_by="created_at", sort_order="desc")

    assert by_title == ["Evening Yoga", "Morning Yoga"]
    assert newest == ["Yoga Retreat", "Pottery", "Evening Yoga", "Morning Yoga"]


async def test_bookings_by_seed_004s_request(client: httpx.AsyncClient, database: Database) -> None:
    book = await given_book(database)
    staff = await staff_of(client, database, book)
    jane = await given_customer(database, book)
    references = []
    for weeks, moment, status in (
        (3, MARCH_3, "confirmed"),
        (4, MARCH_5, "pending"),
        (5, APRIL_2, "pending"),
    ):
        form = seed_001_form(jane, book, status=status, event_date=saturday(weeks).isoformat())
        booking = await book_one(client, staff, form)
        references.append(booking["reference_number"])
        await dated(database, Booking, booking["id"], moment)

    response = await client.get(
        "/api/v1/bookings",
        params={
            "sort_by": "created_at",
            "sort_order": "asc",
            "created_from": "2026-03-01",
            "created_to": "2026-04-30",
            "status": "pending",
        },
        headers=staff.headers,
    )

    assert response.status_code == 200, response.text
    assert [b["reference_number"] for b in response.json()["items"]] == references[1:]


async def test_users_sort_by_name_reads_a_to_z_unless_told_otherwise(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await signed_in_as(client, database, Role.admin)
    for email, name in (("zoe@example.com", "Zoe Adams"), ("bea@example.com", "Bea Zhang")):
        invited = await client.post(
            "/api/v1/users",
            json={"email": email, "full_name": name, "role": "staff"},
            headers=admin.headers,
        )
        assert invited.status_code == 201, invited.text

    a_to_z = await client.get(
        "/api/v1/users", params={"sort_by": "full_name", "search": "e"}, headers=admin.headers
    )
    z_to_a = await client.get(
        "/api/v1/users",
        params={"sort_by": "full_name", "sort_order": "desc", "search": "e"},
        headers=admin.headers,
    )

    shown = [u["full_name"] for u in a_to_z.json()["items"]]
    assert shown == sorted(shown)
    assert [u["full_name"] for u in z_to_a.json()["items"]] == shown[::-1]
    assert {"Bea Zhang", "Zoe Adams"} <= set(shown)


async def test_a_cursor_feed_pages_oldest_first_within_the_created_range(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The inbox, paged by cursor: `sort_order=asc` reads from the oldest, without overlap."""
    admin = await given_business(client, database)
    for body, moment in (
        ("before", LATE_ON_FEB_28),
        ("one", EARLY_ON_MARCH_1),
        ("two", MARCH_3),
        ("three", MARCH_5),
        ("after", APRIL_2),
    ):
        response = await post_twilio(client, admin, twilio_sms(body, sender=ALICE_PHONE))
        assert response.status_code == 200, response.text
        newest = (await inbox(client, admin, limit=1))["items"][0]
        assert newest["content"] == body
        await dated(database, Message, newest["id"], moment)

    pages, cursor = [], None
    while True:
        page = await inbox(
            client,
            admin,
            limit=2,
            sort_by="created_at",
            sort_order="asc",
            created_from="2026-03-01",
            created_to="2026-03-31",
            **({"cursor": cursor} if cursor else {}),
        )
        pages.append([m["content"] for m in page["items"]])
        if (cursor := page["next_cursor"]) is None:
            break

    assert pages == [["one", "two"], ["three"]]
