"""The events pages' forms over HTTP: creating a series, and giving a waitlisted customer a
seat or taking them off the line; each checked in the database, a refusal changing nothing."""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update

from maitred.bookings.models import Booking
from maitred.events.models import Event
from maitred.kit.db import Database
from maitred.waitlist.models import WaitlistEntry
from tests.bookings.seats_given import given_event
from tests.dashboard.given import form_token, signed_in_page
from tests.factories import given_organization, given_user


async def _signed_in(client: httpx.AsyncClient, database: Database, role: str = "admin") -> str:
    studio = await given_organization(database, "Quiet Studio")
    user = await given_user(database, studio, role)
    await signed_in_page(client, user.email)
    return form_token((await client.get("/app/events")).text)


async def test_an_admin_creates_a_weekly_series_from_the_events_page(
    client: httpx.AsyncClient, database: Database
) -> None:
    token = await _signed_in(client, database)
    form = {
        "csrf_token": token,
        "title": "Evening Yoga",
        "event_type": "session",
        "start_datetime": "2031-03-03T18:00",
        "end_datetime": "2031-03-03T19:00",
        "max_participants": "12",
        "price": "20",
        "count": "4",
    }

    refused = await client.post("/app/events/series", data=form)
    made = await client.post(
        "/app/events/series", data=form | {"weekday_1": "on", "weekday_3": "on"}
    )

    assert refused.status_code == 422
    assert "Give either rrule or weekdays" in refused.text
    assert made.status_code == 303, made.text[-2000:]
    listed = await client.get(made.headers["location"])
    assert "Series created." in listed.text
    assert listed.text.count("Evening Yoga</a>") == 4
    async with database.transaction() as session:
        events = (await session.scalars(select(Event).order_by(Event.starts_at))).all()
    assert len(events) == 4
    assert len({e.series_id for e in events}) == 1
    local = [e.starts_at.astimezone(ZoneInfo(e.timezone)) for e in events]
    assert [(t.isoweekday(), t.hour) for t in local] == [(1, 18), (3, 18), (1, 18), (3, 18)]


async def test_staff_cannot_create_a_series(client: httpx.AsyncClient, database: Database) -> None:
    token = await _signed_in(client, database, "staff")

    answer = await client.post(
        "/app/events/series", data={"csrf_token": token, "title": "Yoga", "weekday_1": "on"}
    )

    assert answer.status_code == 403
    async with database.transaction() as session:
        assert (await session.scalars(select(Event))).all() == []


async def _queued(client: httpx.AsyncClient, event_id: uuid.UUID, token: str, name: str) -> None:
    answer = await client.post(
        f"/app/events/{event_id}/waitlist",
        data={"csrf_token": token, "name": name, "phone": "+1916555" + str(len(name)).zfill(4)},
    )
    assert answer.status_code == 303, answer.text[-2000:]


async def test_staff_give_a_freed_seat_to_the_line_or_take_someone_off(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=1)
    admin = await given_user(database, studio, "admin")
    await signed_in_page(client, admin.email)
    path = f"/app/events/{event_id}"
    token = form_token((await client.get(path)).text)
    seat = await client.post(f"{path}/seats", data={"csrf_token": token, "name": "Ada Lovelace"})
    assert seat.status_code == 303, seat.text[-2000:]
    await _queued(client, event_id, token, "Sam Lee")
    await _queued(client, event_id, token, "Grace Hopper")
    async with database.transaction() as session:
        sam, grace = (
            await session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.created_at))
        ).all()

    full = await client.post(f"{path}/waitlist/{sam.id}/give", data={"csrf_token": token})
    assert full.status_code == 409
    async with database.transaction() as session:  # a seat frees up (the room grew)
        await session.execute(update(Event).where(Event.id == event_id).values(max_participants=2))
    given = await client.post(f"{path}/waitlist/{sam.id}/give", data={"csrf_token": token})
    removed = await client.post(f"{path}/waitlist/{grace.id}/remove", data={"csrf_token": token})

    assert given.status_code == 303
    assert "Seat given to the first in line." in (await client.get(given.headers["location"])).text
    assert removed.status_code == 303
    async with database.transaction() as session:
        entries = (
            await session.scalars(select(WaitlistEntry).order_by(WaitlistEntry.created_at))
        ).all()
        seats = (await session.scalars(select(Booking).where(Booking.event_id == event_id))).all()
    assert [e.status for e in entries] == ["converted", "cancelled"]
    assert len(seats) == 2
    assert entries[0].booking_id in {s.id for s in seats}


async def test_an_entry_of_another_event_is_not_found_and_stays(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    full = await given_event(database, studio, seats=1)
    other = await given_event(database, studio, seats=5)
    admin = await given_user(database, studio, "admin")
    await signed_in_page(client, admin.email)
    token = form_token((await client.get(f"/app/events/{full}")).text)
    await client.post(
        f"/app/events/{full}/seats", data={"csrf_token": token, "name": "Ada Lovelace"}
    )
    await _queued(client, full, token, "Sam Lee")
    async with database.transaction() as session:
        [entry] = (await session.scalars(select(WaitlistEntry))).all()

    answer = await client.post(
        f"/app/events/{other}/waitlist/{entry.id}/remove", data={"csrf_token": token}
    )

    assert answer.status_code == 404
    async with database.transaction() as session:
        assert (await session.scalars(select(WaitlistEntry.status))).all() == ["waiting"]
