"""The waitlist of a full event: customers queue for a seat, a cancelled seat is booked for the
first in line through the outbox, never beyond the event's seats, and a cancelled event closes
its queue."""

from __future__ import annotations

import uuid

import httpx

from maitred.kit import outbox
from maitred.kit.db import Database
from maitred.kit.roles import Role
from maitred.tenancy.models import Organization
from tests.bookings.seats_given import active_seats, given_event, seats_taken
from tests.factories import Actor, deliver_everything, given_organization, signed_in_as
from tests.probe_router import error_of

BOOKINGS = "/api/v1/bookings"


def queue_of(event_id: uuid.UUID) -> str:
    return f"/api/v1/events/{event_id}/waitlist"


async def full_event(
    client: httpx.AsyncClient, database: Database, organization: Organization, seats: int = 1
) -> tuple[uuid.UUID, list[tuple[Actor, str]]]:
    """An event whose seats are all booked; its holders and their booking ids."""
    event_id = await given_event(database, organization, seats=seats)
    holders = []
    for _ in range(seats):
        holder = await signed_in_as(client, database, Role.customer, organization)
        made = await client.post(BOOKINGS, json={"event_id": str(event_id)}, headers=holder.headers)
        assert made.status_code == 201, made.text
        holders.append((holder, made.json()["id"]))
    return event_id, holders


async def test_a_full_event_points_to_its_waitlist_and_customers_queue_in_order(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id, [(holder, _)] = await full_event(client, database, organization)
    first = await signed_in_as(client, database, Role.customer, organization)
    second = await signed_in_as(client, database, Role.customer, organization)

    refused = await client.post(BOOKINGS, json={"event_id": str(event_id)}, headers=first.headers)
    joined = await client.post(
        queue_of(event_id), json={"notes": "Any seat"}, headers=first.headers
    )
    behind = await client.post(queue_of(event_id), headers=second.headers)
    again = await client.post(queue_of(event_id), headers=first.headers)
    booked_already = await client.post(queue_of(event_id), headers=holder.headers)

    assert error_of(refused)["details"]["waitlist"] == queue_of(event_id)
    assert joined.status_code == 201, joined.text
    entry = joined.json()
    assert (entry["event_id"], entry["status"], entry["position"]) == (str(event_id), "waiting", 1)
    assert (entry["guest_count"], entry["notes"]) == (1, "Any seat")
    assert entry["customer"]["email"] == first.user.email
    assert (behind.status_code, behind.json()["position"]) == (201, 2)
    assert (again.status_code, error_of(again)["error"]) == (409, "already_exists")
    assert (booked_already.status_code, error_of(booked_already)["error"]) == (
        409,
        "already_exists",
    )
    staff = await signed_in_as(client, database, Role.staff, organization)
    listed = await client.get(queue_of(event_id), headers=staff.headers)
    assert [item["customer"]["email"] for item in listed.json()["items"]] == [
        first.user.email,
        second.user.email,
    ]


async def test_an_event_with_free_seats_or_not_bookable_has_no_queue(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    open_event = await given_event(database, organization, seats=5)
    cancelled = await given_event(database, organization, status="cancelled")
    customer = await signed_in_as(client, database, Role.customer, organization)

    free = await client.post(queue_of(open_event), headers=customer.headers)
    gone = await client.post(queue_of(cancelled), headers=customer.headers)
    unknown = await client.post(queue_of(uuid.uuid4()), headers=customer.headers)

    assert (free.status_code, error_of(free)["details"]) == (409, {"seats_free": 5})
    assert (gone.status_code, error_of(gone)["error"]) == (409, "invalid_state")
    assert unknown.status_code == 404
    staff = await signed_in_as(client, database, Role.staff, organization)
    listed = await client.get("/api/v1/waitlist", headers=staff.headers)
    assert listed.json()["items"] == []


async def test_a_cancelled_seat_goes_to_the_first_in_line_once(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id, [(holder, booking_id)] = await full_event(client, database, organization)
    first = await signed_in_as(client, database, Role.customer, organization)
    second = await signed_in_as(client, database, Role.customer, organization)
    first_entry = (await client.post(queue_of(event_id), headers=first.headers)).json()
    await client.post(queue_of(event_id), headers=second.headers)

    cancelled = await client.put(f"{BOOKINGS}/{booking_id}/cancel", json={}, headers=holder.headers)
    await deliver_everything(database)
    async with database.transaction() as session:  # the same news again changes nothing
        await outbox.emit(
            session, "seat.released", organization_id=organization.id, event_id=str(event_id)
        )
    await deliver_everything(database)

    assert cancelled.status_code == 200
    theirs = (await client.get(f"{BOOKINGS}?event_id={event_id}", headers=first.headers)).json()
    [seat] = theirs["items"]
    assert seat["status"] == "confirmed"
    detail = (await client.get(f"{BOOKINGS}/{seat['id']}", headers=first.headers)).json()
    assert detail["source"] == "waitlist"
    assert (await seats_taken(database, event_id), await active_seats(database, event_id)) == (1, 1)
    staff = await signed_in_as(client, database, Role.staff, organization)
    entries = (await client.get(queue_of(event_id), headers=staff.headers)).json()["items"]
    assert [(e["id"], e["status"], e["booking_id"]) for e in entries] == [
        (first_entry["id"], "converted", seat["id"]),
        (entries[1]["id"], "waiting", None),
    ]
    nothing = await client.get(f"{BOOKINGS}?event_id={event_id}", headers=second.headers)
    assert nothing.json()["items"] == []


async def test_cancelling_the_event_closes_its_queue(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id, _ = await full_event(client, database, organization, seats=2)
    waiting = await signed_in_as(client, database, Role.customer, organization)
    await client.post(queue_of(event_id), headers=waiting.headers)
    admin = await signed_in_as(client, database, Role.admin, organization)

    cancelled = await client.post(
        f"/api/v1/events/{event_id}/cancel", json={"reason": "Teacher ill"}, headers=admin.headers
    )
    await deliver_everything(database)

    assert cancelled.status_code == 200, cancelled.text
    entries = (await client.get(queue_of(event_id), headers=admin.headers)).json()["items"]
    assert [e["status"] for e in entries] == ["cancelled"]
    assert (await seats_taken(database, event_id), await active_seats(database, event_id)) == (0, 0)
    mine = await client.get(f"{BOOKINGS}?event_id={event_id}", headers=waiting.headers)
    assert mine.json()["items"] == []


async def test_a_customer_leaves_the_queue_and_staff_give_a_seat_by_hand(
    client: httpx.AsyncClient, database: Database
) -> None:
    organization = await given_organization(database)
    event_id, _ = await full_event(client, database, organization)
    leaving = await signed_in_as(client, database, Role.customer, organization)
    await client.post(queue_of(event_id), headers=leaving.headers)
    admin = await signed_in_as(client, database, Role.admin, organization)
    added = await client.post(
        queue_of(event_id),
        json={"customer": {"name": "Walk In", "email": "walk.in@example.com"}},
        headers=admin.headers,
    )

    by_staff = await client.delete(queue_of(event_id), headers=admin.headers)
    left = await client.delete(queue_of(event_id), headers=leaving.headers)
    left_again = await client.delete(queue_of(event_id), headers=leaving.headers)
    full = await client.post(
        f"/api/v1/waitlist/{added.json()['id']}/convert", json={}, headers=admin.headers
    )
    await client.patch(
        f"/api/v1/events/{event_id}", json={"max_participants": 2}, headers=admin.headers
    )
    moved = await client.post(
        f"/api/v1/waitlist/{added.json()['id']}/convert",
        json={"event_date": "2030-01-01"},
        headers=admin.headers,
    )
    given = await client.post(
        f"/api/v1/waitlist/{added.json()['id']}/convert", json={}, headers=admin.headers
    )

    assert added.status_code == 201, added.text
    assert (by_staff.status_code, error_of(by_staff)["error"]) == (400, "invalid_request")
    assert (left.status_code, left_again.status_code) == (204, 404)
    assert (full.status_code, error_of(full)["error"]) == (409, "capacity_exceeded")
    assert moved.status_code == 422
    assert "event_date" in error_of(moved)["details"]
    assert given.status_code == 201, given.text
    assert given.json()["status"] == "confirmed"
    assert (await seats_taken(database, event_id), await active_seats(database, event_id)) == (2, 2)
    entries = (await client.get(queue_of(event_id), headers=admin.headers)).json()["items"]
    assert [e["status"] for e in entries] == ["cancelled", "converted"]


async def test_the_waitlist_of_an_unknown_or_foreign_event_is_404_in_the_envelope(
    client: httpx.AsyncClient, database: Database
) -> None:
    """The probe got 200 (an empty list) and 400 for event ids that do not exist."""
    ours = await given_organization(database)
    theirs = await given_organization(database, "Sushi Bar")
    foreign_event, _ = await full_event(client, database, theirs)
    their_staff = await signed_in_as(client, database, Role.staff, theirs)
    waiting = await signed_in_as(client, database, Role.customer, theirs)
    assert (await client.post(queue_of(foreign_event), headers=waiting.headers)).status_code == 201
    staff = await signed_in_as(client, database, Role.staff, ours)
    customer = await signed_in_as(client, database, Role.customer, ours)

    for event_id in (uuid.uuid4(), foreign_event):
        answers = [
            await client.get(queue_of(event_id), headers=staff.headers),
            await client.post(queue_of(event_id), headers=customer.headers),
            await client.post(
                queue_of(event_id),
                json={"customer": {"name": "Bob Wilson", "email": "bob@example.com"}},
                headers=staff.headers,
            ),
            await client.post(queue_of(event_id), headers=staff.headers),
            await client.delete(queue_of(event_id), headers=customer.headers),
            await client.delete(queue_of(event_id), headers=staff.headers),
        ]
        for answer in answers:
            assert answer.status_code == 404, answer.text
            envelope = error_of(answer)  # checks the request id and timestamp too
            assert (envelope["error"], envelope["message"]) == ("not_found", "No such event")

    # The other organization's queue is as it was.
    listed = await client.get(queue_of(foreign_event), headers=their_staff.headers)
    assert [item["customer"]["email"] for item in listed.json()["items"]] == [waiting.user.email]
