"""The studio's customers and their seats, through the bookings and CRM services as the studio
admin would: a seat is booked, its CRM record moved along the follow-up workflow, and some seats
cancelled again. A seat and its moves commit together, in chunks, so a run that stopped halfway
is completed by the next; a planned seat already booked (even if cancelled since) is kept.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.crm import service as crm_service
from maitred.customers import service as customers_service
from maitred.demo.customers import customer_ids
from maitred.demo.names import Person, people
from maitred.demo.studio_plan import Seat, Slot, plan_seats
from maitred.events import service as events_service
from maitred.events.errors import EventFull
from maitred.identity.deps import AuthContext
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.errors import InvalidState
from maitred.kit.pagination import PageParams
from maitred.kit.permissions import permissions_for
from maitred.kit.roles import Role

if TYPE_CHECKING:
    from maitred.demo.studio import Studio

SEED = 2020
CUSTOMERS = 40
AREA_CODE = 310
CHUNK = 60


@cache
def studio_customers() -> tuple[Person, ...]:
    return tuple(people(random.Random(SEED), (AREA_CODE,), taken=set())[:CUSTOMERS])


async def load_studio_customers(
    database: Database, organization_id: uuid.UUID, say: Callable[[str], None]
) -> list[uuid.UUID]:
    """The studio's demo customers' ids, in the order of `studio_customers()`; those missing
    (by email) are made."""
    wanted = studio_customers()
    async with database.transaction(write=False) as session:
        by_email = await customer_ids(session, organization_id)
    missing = [person for person in wanted if person.email not in by_email]
    if missing:
        async with database.transaction() as session:
            for person in missing:
                made = await customers_service.create_customer(
                    session,
                    organization_id=organization_id,
                    fields={
                        "name": person.name,
                        "email": person.email,
                        "phone": person.phone,
                        "preferred_contact": person.preferred_contact,
                    },
                )
                by_email[person.email] = made["id"]
        say(f"created {len(missing)} studio customers")
    else:
        say(f"kept {len(wanted)} studio customers")
    return [by_email[person.email] for person in wanted]


def _viewer(studio: Studio) -> bookings_service.Viewer:
    return bookings_service.Viewer(
        organization_id=studio.organization_id, user_id=studio.admin_id, is_customer=False
    )


def _staff(studio: Studio) -> AuthContext:
    """The studio admin, as the CRM workflow sees a signed-in admin."""
    return AuthContext(
        role=Role.admin.value,
        permissions=permissions_for(Role.admin),
        organization_id=studio.organization_id,
        user_id=studio.admin_id,
    )


async def _all_events(session: AsyncSession, studio: Studio) -> list[dict[str, Any]]:
    """Every event of the studio, soonest first."""
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        rows, info = await events_service.list_events(
            session,
            organization_id=studio.organization_id,
            params=PageParams(page=page, limit=100),
            staff=True,
            status="all",
        )
        found += rows
        if not info.has_next:
            return found
        page += 1


async def _booked(database: Database, studio: Studio) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """(customer, event) of every seat booked, cancelled ones too."""
    pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
    page = 1
    async with database.transaction(write=False) as session:
        while True:
            rows, info = await bookings_service.list_bookings(
                session,
                database.reads,
                _viewer(studio),
                PageParams(page=page, limit=100),
                kind="seat",
            )
            pairs |= {(row["customer"]["id"], row["event"]["id"]) for row in rows if row["event"]}
            if not info.has_next:
                return pairs
            page += 1


async def _book(
    session: AsyncSession,
    studio: Studio,
    seat: Seat,
    customer: customers_service.CustomerBrief,
    event_id: uuid.UUID,
) -> bool:
    """False: the event filled up or began meanwhile (nothing was written)."""
    try:
        booking = await bookings_service.create_seat_booking(
            session,
            organization_id=studio.organization_id,
            actor_user_id=studio.admin_id,
            customer=customer,
            customer_user_id=None,
            event_id=event_id,
            notes=seat.notes,
        )
    except (EventFull, InvalidState):
        return False
    for status, notes in zip(seat.crm_path, seat.crm_notes, strict=True):
        await crm_service.change_status(
            session, _staff(studio), reference=str(booking["id"]), target=status, notes=notes
        )
    if seat.cancel_reason:
        await bookings_service.cancel_booking(
            session, _viewer(studio), booking["id"], reason=seat.cancel_reason
        )
    return True


async def load_studio_seats(
    database: Database, studio: Studio, customers: list[uuid.UUID], say: Callable[[str], None]
) -> None:
    """The planned seats not booked yet, in chunks that each commit. Seats of events that have
    begun since the calendar was made cannot be booked any more and are left out."""
    async with database.transaction(write=False) as session:
        events = await _all_events(session, studio)
        briefs = await customers_service.briefs(
            session, organization_id=studio.organization_id, customer_ids=customers
        )
    slots = [
        Slot(e["event_type"], e["start_datetime"].date(), e["max_participants"]) for e in events
    ]
    planned = plan_seats(slots, len(customers)) if events else []
    booked = await _booked(database, studio)
    soon = utcnow() + timedelta(minutes=5)
    todo = [
        seat
        for seat in planned
        if (customers[seat.customer], events[seat.event]["id"]) not in booked
        and events[seat.event]["status"] == "active"
        and events[seat.event]["start_datetime"] > soon
    ]
    if not todo:
        say(f"kept {len(booked)} studio bookings")
        return
    made = 0
    for start in range(0, len(todo), CHUNK):
        async with database.transaction() as session:
            for seat in todo[start : start + CHUNK]:
                customer = briefs[customers[seat.customer]]
                made += await _book(session, studio, seat, customer, events[seat.event]["id"])
    kept = f", kept {len(booked)}" if booked else ""
    say(f"booked {made} studio seats on {len(events)} events{kept}")
