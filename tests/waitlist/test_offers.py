"""When capacity frees up on a date, the waiting entries of that date are offered it, first come
first served, as many as the freed capacity allows; the worker delivers `capacity.released`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select

from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxEvent
from tests.factories import Actor, deliver_everything
from tests.waitlist.book import WAITLIST, add_entry, book, customer, days_ahead, given_book


async def entries(client: httpx.AsyncClient, actor: Actor) -> dict[str, dict[str, Any]]:
    listed = await client.get(WAITLIST, params={"limit": 100}, headers=actor.headers)
    return {item["id"]: item for item in listed.json()["items"]}


async def offered_events(database: Database) -> list[dict[str, Any]]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.name == "waitlist.offered")
            .order_by(OutboxEvent.created_at)
        )
        return [row.payload for row in rows]


async def cancel_booking(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> None:
    cancelled = await client.delete(f"/api/v1/bookings/{booking_id}", headers=actor.headers)
    assert cancelled.status_code == 204, cancelled.text


async def test_a_freed_team_is_offered_to_the_first_entry_whose_party_fits(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database, teams=1, max_guests_per_team=10)
    day = days_ahead(30)
    taken = await book(client, admin, day, "18:00", guest_count=6)
    assert taken.status_code == 201, taken.text
    too_big = await add_entry(
        client, admin, customer=customer(1), preferred_date=str(day), guest_count=25
    )
    fits = await add_entry(
        client, admin, customer=customer(2), preferred_date=str(day), guest_count=8
    )
    later = await add_entry(client, admin, customer=customer(3), preferred_date=str(day))
    elsewhere = await add_entry(
        client, admin, customer=customer(4), preferred_date=str(days_ahead(31))
    )
    await deliver_everything(database)
    assert {e["status"] for e in (await entries(client, admin)).values()} == {"waiting"}

    await cancel_booking(client, admin, taken.json()["id"])
    await deliver_everything(database)

    now = await entries(client, admin)
    assert {
        key: now[e["id"]]["status"]
        for key, e in {
            "too_big": too_big,
            "fits": fits,
            "later": later,
            "elsewhere": elsewhere,
        }.items()
    } == {"too_big": "waiting", "fits": "offered", "later": "waiting", "elsewhere": "waiting"}
    offer = now[fits["id"]]
    offered_at = datetime.fromisoformat(offer["offered_at"])
    expires_at = datetime.fromisoformat(offer["offer_expires_at"])
    assert expires_at - offered_at == timedelta(hours=24)
    assert datetime.now(offered_at.tzinfo) - offered_at < timedelta(minutes=1)
    assert await offered_events(database) == [
        {
            "waitlist_id": fits["id"],
            "customer_id": fits["customer_id"],
            "preferred_date": str(day),
            "offer_expires_at": offer["offer_expires_at"],
        }
    ]


async def test_only_as_many_entries_as_freed_teams_are_offered_and_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database, teams=2)
    day = days_ahead(30)
    taken = [await book(client, admin, day, "18:00", customer=customer(90 + n)) for n in range(2)]
    assert [t.status_code for t in taken] == [201, 201]
    waiting = [
        await add_entry(client, admin, customer=customer(n), preferred_date=str(day))
        for n in range(3)
    ]

    for booking in taken:
        await cancel_booking(client, admin, booking.json()["id"])
    await deliver_everything(database)
    async with database.transaction() as session:  # the same news delivered once more
        await outbox.emit(
            session,
            "capacity.released",
            organization_id=admin.organization.id if admin.organization else None,
            day=str(day),
            booking_id=taken[0].json()["id"],
        )
    await deliver_everything(database)

    now = await entries(client, admin)
    assert [now[e["id"]]["status"] for e in waiting] == ["offered", "offered", "waiting"]
    assert [event["waitlist_id"] for event in await offered_events(database)] == [
        waiting[0]["id"],
        waiting[1]["id"],
    ]


async def test_an_offered_entry_converts_into_the_freed_slot(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin = await given_book(client, database, teams=1)
    day = days_ahead(30)
    taken = await book(client, admin, day, "18:00")
    entry = await add_entry(client, admin, preferred_date=str(day), preferred_time="18:00")
    await cancel_booking(client, admin, taken.json()["id"])
    await deliver_everything(database)
    assert (await entries(client, admin))[entry["id"]]["status"] == "offered"

    converted = await client.post(
        f"{WAITLIST}/{entry['id']}/convert", json={}, headers=admin.headers
    )

    assert converted.status_code == 201, converted.text
    after = (await entries(client, admin))[entry["id"]]
    assert after["status"] == "converted"
    assert after["booking_id"] == converted.json()["booking_id"]
