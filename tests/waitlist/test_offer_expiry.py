"""An offer nobody takes lapses at its expiry (the organization's `waitlist_offer_hours`) and
passes to the next in line: the worker does it from an outbox event scheduled for the expiry,
once however many workers run. The clock "moves" by moving the expiry and its schedule back."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.outbox import OutboxDelivery, OutboxEvent
from maitred.kit.worker import Worker, WorkerOptions
from maitred.waitlist.models import WaitlistEntry
from tests.factories import Actor, deliver_everything
from tests.waitlist.book import WAITLIST, add_entry, book, customer, days_ahead, given_book


async def statuses(client: httpx.AsyncClient, actor: Actor, *entries: dict[str, Any]) -> list[str]:
    listed = await client.get(WAITLIST, params={"limit": 100}, headers=actor.headers)
    by_id = {item["id"]: item for item in listed.json()["items"]}
    return [by_id[entry["id"]]["status"] for entry in entries]


async def events_named(database: Database, name: str) -> list[str]:
    async with database.transaction(write=False) as session:
        rows = await session.scalars(
            select(OutboxEvent).where(OutboxEvent.name == name).order_by(OutboxEvent.created_at)
        )
        return [str(row.payload["waitlist_id"]) for row in rows]


async def time_passes_beyond_the_offer(database: Database, entry: dict[str, Any]) -> None:
    """As if the offer's expiry were a minute ago: the offer and its scheduled lapse."""
    past = utcnow() - timedelta(minutes=1)
    async with database.transaction() as session:
        await session.execute(
            update(WaitlistEntry)
            .where(WaitlistEntry.id == uuid.UUID(entry["id"]))
            .values(offer_expires_at=past)
        )
        due = select(OutboxEvent.id).where(OutboxEvent.name == "waitlist.offer_due")
        await session.execute(
            update(OutboxEvent).where(OutboxEvent.id.in_(due)).values(available_at=past)
        )
        await session.execute(
            update(OutboxDelivery)
            .where(OutboxDelivery.event_id.in_(due), OutboxDelivery.status == "pending")
            .values(next_attempt_at=past)
        )


async def given_one_team_taken_and_two_waiting(
    client: httpx.AsyncClient, database: Database, **availability: Any
) -> tuple[Actor, str, list[dict[str, Any]]]:
    admin = await given_book(client, database, teams=1, **availability)
    day = days_ahead(30)
    taken = await book(client, admin, day, "18:00")
    assert taken.status_code == 201, taken.text
    waiting = [
        await add_entry(client, admin, customer=customer(n), preferred_date=str(day))
        for n in range(2)
    ]
    return admin, taken.json()["id"], waiting


async def cancel(client: httpx.AsyncClient, actor: Actor, booking_id: str) -> None:
    cancelled = await client.delete(f"/api/v1/bookings/{booking_id}", headers=actor.headers)
    assert cancelled.status_code == 204, cancelled.text


async def test_an_untaken_offer_lapses_after_the_setting_and_passes_to_the_next_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    admin, booking_id, (first, second) = await given_one_team_taken_and_two_waiting(
        client, database, waitlist_offer_hours=2
    )
    await cancel(client, admin, booking_id)
    await deliver_everything(database)
    offer = (await client.get(f"{WAITLIST}/{first['id']}", headers=admin.headers)).json()
    lifetime = datetime.fromisoformat(offer["offer_expires_at"]) - datetime.fromisoformat(
        offer["offered_at"]
    )
    assert lifetime == timedelta(hours=2)
    await deliver_everything(database)  # before the expiry nothing lapses
    assert await statuses(client, admin, first, second) == ["offered", "waiting"]

    await time_passes_beyond_the_offer(database, first)
    workers = [
        Worker(database, WorkerOptions(poll_seconds=0.01, backoff_seconds=0.01)) for n in range(2)
    ]
    await asyncio.gather(*(worker.run_once() for worker in workers))
    await deliver_everything(database)

    assert await statuses(client, admin, first, second) == ["expired", "offered"]
    assert await events_named(database, "waitlist.offer_expired") == [first["id"]]
    assert await events_named(database, "waitlist.offered") == [first["id"], second["id"]]

    # The same lapse delivered again changes nothing.
    async with database.transaction() as session:
        await outbox.emit(
            session,
            "waitlist.offer_due",
            organization_id=admin.organization.id if admin.organization else None,
            waitlist_id=first["id"],
        )
    await deliver_everything(database)
    assert await statuses(client, admin, first, second) == ["expired", "offered"]
    assert await events_named(database, "waitlist.offer_expired") == [first["id"]]
    assert await events_named(database, "waitlist.offered") == [first["id"], second["id"]]


async def test_a_taken_offer_does_not_lapse(client: httpx.AsyncClient, database: Database) -> None:
    admin, booking_id, (first, second) = await given_one_team_taken_and_two_waiting(
        client, database
    )
    await cancel(client, admin, booking_id)
    await deliver_everything(database)
    offer = (await client.get(f"{WAITLIST}/{first['id']}", headers=admin.headers)).json()
    lifetime = datetime.fromisoformat(offer["offer_expires_at"]) - datetime.fromisoformat(
        offer["offered_at"]
    )
    assert lifetime == timedelta(hours=24)  # the default
    converted = await client.post(
        f"{WAITLIST}/{first['id']}/convert", json={"event_time": "18:00"}, headers=admin.headers
    )
    assert converted.status_code == 201, converted.text

    await time_passes_beyond_the_offer(database, first)
    await deliver_everything(database)

    assert await statuses(client, admin, first, second) == ["converted", "waiting"]
    assert await events_named(database, "waitlist.offer_expired") == []
