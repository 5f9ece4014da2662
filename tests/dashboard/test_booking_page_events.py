"""A studio's public event pages and the lead form over HTTP: a seat, the waitlist when full,
a question that becomes a lead; spam stores nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.leads.models import Lead
from maitred.waitlist.models import WaitlistEntry
from tests.bookings.seats_given import given_event
from tests.dashboard.given import form_token
from tests.factories import given_organization

VISITOR = {"name": "Jane Smith", "phone": "+19165550123", "email": "jane@example.com"}


async def _post(client: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await client.get(path)
    assert page.status_code == 200, page.text
    return await client.post(path, data={"csrf_token": form_token(page.text), **fields})


async def test_a_visitor_takes_the_last_seat_and_the_next_joins_the_waitlist(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=1)
    path = f"/book/{studio.slug}/events/{event_id}"

    listed = await client.get(f"/book/{studio.slug}/events")
    seat = await _post(client, path, **VISITOR)
    booked = await client.get(seat.headers["location"])
    queued = await _post(client, path, name="Sam Lee", phone="+19165550199")
    waiting = await client.get(queued.headers["location"])

    assert "Morning Meditation Session" in listed.text
    assert "Your seat is booked" in booked.text
    assert "You are on the waitlist" in waiting.text
    assert 'id="position">1<' in waiting.text
    async with database.transaction() as session:
        seats = (await session.scalars(select(Booking))).all()
        entries = (await session.scalars(select(WaitlistEntry))).all()
    assert [(b.kind, b.status, b.event_id) for b in seats] == [("seat", "confirmed", event_id)]
    assert seats[0].reference_number in booked.text
    assert [(e.event_id, e.status) for e in entries] == [(event_id, "waiting")]


async def test_a_seat_request_shows_the_apis_messages_and_takes_no_seat(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    event_id = await given_event(database, studio, seats=3)

    answer = await _post(client, f"/book/{studio.slug}/events/{event_id}", name="J", phone="12")
    spam = await _post(
        client, f"/book/{studio.slug}/events/{event_id}", **VISITOR, website="http://spam"
    )

    assert answer.status_code == 422
    assert 'id="e-name">Must be 2-100 characters<' in answer.text
    assert 'id="e-phone"' in answer.text
    assert spam.status_code == 303
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []


async def test_a_question_becomes_a_lead_and_a_bot_s_does_not(
    client: httpx.AsyncClient, database: Database
) -> None:
    business = await given_organization(database, "Hibachi at Home")
    path = f"/book/{business.slug}/contact"

    asked = await _post(client, path, **VISITOR, message="Do you cater for 80 guests?")
    thanks = await client.get(asked.headers["location"])
    bot = await _post(client, path, **VISITOR, message="buy now", website="x")
    wrong = await _post(client, path, name="Jane", phone="", message="hi")

    assert asked.status_code == bot.status_code == 303
    assert "Thank you" in thanks.text
    assert wrong.status_code == 422
    assert 'id="e-phone">Field is required and cannot be empty<' in wrong.text
    async with database.transaction() as session:
        leads = (await session.scalars(select(Lead))).all()
    assert [(lead.name, lead.message, lead.source) for lead in leads] == [
        ("Jane Smith", "Do you cater for 80 guests?", "booking_page")
    ]


async def test_another_business_s_event_is_not_found_here(
    client: httpx.AsyncClient, database: Database
) -> None:
    studio = await given_organization(database, "Quiet Studio")
    other = await given_organization(database, "Other Studio")
    theirs = await given_event(database, other, seats=3)

    page = await client.get(f"/book/{studio.slug}/events/{theirs}")
    post = await client.post(
        f"/book/{studio.slug}/events/{theirs}",
        data={"csrf_token": form_token((await client.get(f"/book/{studio.slug}")).text), **VISITOR},
    )

    assert page.status_code == post.status_code == 404
    async with database.transaction() as session:
        assert (await session.scalars(select(Booking))).all() == []
