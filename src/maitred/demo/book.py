"""The demo's bookings, through the bookings service like any others: the past months recorded
with the history they went through, the coming months booked against the chef teams' capacity.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.analytics import rollups
from maitred.availability import service as availability_service
from maitred.bookings import service as bookings_service
from maitred.bookings.schemas import BookingUpdate
from maitred.demo.business import Team
from maitred.demo.customers import FROM_LEADS, demo_customers
from maitred.demo.people import Cast
from maitred.demo.plan import Planned, plan_book
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from maitred.kit.pagination import PageParams
from maitred.payments import service as payments_service
from maitred.pricing import service as pricing_service

SEED = 7
CHUNK = 50


def _viewer(cast: Cast) -> bookings_service.Viewer:
    return bookings_service.Viewer(
        organization_id=cast.organization_id, user_id=cast.admin_id, is_customer=False
    )


async def count_bookings(database: Database, cast: Cast) -> int:
    async with database.transaction(write=False) as session:
        _, info = await bookings_service.list_bookings(
            session, database.reads, _viewer(cast), PageParams(page=1, limit=1)
        )
    return info.total_items


def _where(planned: Planned) -> dict[str, str]:
    if planned.venue:
        return planned.venue
    home = demo_customers()[planned.customer].address
    return {
        "address": home["street"],
        "city": home["city"],
        "state": home["state"],
        "zip_code": home["zip_code"],
    }


def _order(planned: Planned) -> dict[str, Any]:
    return {
        "guest_count": planned.guests,
        "child_count": planned.children,
        "event_type": planned.event_type,
        "location_details": _where(planned),
        "menu": tuple(pricing_service.MenuChoice(name=n, quantity=q) for n, q in planned.extras),
        "upgrades": tuple(pricing_service.UpgradeChoice(n, q) for n, q in planned.upgrades),
        "notes": planned.notes,
        "special_requests": planned.special_requests,
        "source": planned.source,
    }


def _history(planned: Planned, timezone: str, now: datetime) -> list[tuple[str, datetime]]:
    """When the booking reached each status: booked weeks before, confirmed when the deposit
    came in, closed the evening or the morning after (never later than now)."""
    starts = planned.local_start.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)
    booked = starts - planned.booked_before
    at = {
        "pending": booked,
        "confirmed": min(booked + planned.confirm_after, starts - timedelta(hours=6)),
        "completed": min(starts + timedelta(hours=2) + planned.closed_after, now),
        "no_show": starts + timedelta(hours=1),
    }
    confirmed = at["confirmed"] if "confirmed" in planned.path else booked
    at["cancelled"] = confirmed + (starts - confirmed) / 2
    return [(status, at[status]) for status in planned.path]


async def _record_past(
    session: AsyncSession, cast: Cast, planned: Planned, customer: uuid.UUID, team: uuid.UUID
) -> None:
    booking = await bookings_service.record_past_booking(
        session,
        organization_id=cast.organization_id,
        actor_user_id=cast.admin_id,
        customer_id=customer,
        event_date=planned.event_date,
        event_time=planned.event_time,
        history=_history(planned, cast.timezone, utcnow()),
        chef_team_id=team,
        reason=planned.reason,
        **_order(planned),
    )
    if "confirmed" not in planned.path or planned.path[-1] == "cancelled":
        return  # cancelled before any deposit came in, or refunded with it
    paid = booking["total_amount"] if planned.path[-1] == "completed" else booking["deposit_amount"]
    if paid:
        await _paid(session, cast, booking["id"], paid)


async def _paid(session: AsyncSession, cast: Cast, booking_id: uuid.UUID, amount: Any) -> None:
    """Demo money arrives by bank transfer: refunding it needs no Stripe account."""
    await payments_service.record_received(
        session,
        payments_service.Caller(organization_id=cast.organization_id, user_id=cast.admin_id),
        payments_service.Due(booking_id=booking_id, amount=amount),
        method="bank_transfer",
        reference="demo",
    )


async def free_evening(session: AsyncSession, cast: Cast, day: date) -> tuple[date, time] | None:
    """The first free slot on `day`, else on the next available date within two weeks."""
    answer = await availability_service.availability_in(
        session, organization_id=cast.organization_id, day=day
    )
    if answer is None:
        return None
    if answer["available"]:
        return day, _clock(answer["available_slots"][0])
    for other in answer["alternative_dates"]:
        return other["date"], _clock(other["available_slots"][0])
    return None


def _clock(label: object) -> time:
    return time.fromisoformat(str(label))


async def book_ahead(
    session: AsyncSession, cast: Cast, planned: Planned, customer: uuid.UUID
) -> dict[str, Any] | None:
    """Books `planned` (on the next free evening when its own is taken), then moves it along its
    path; None when nothing is free within two weeks. A refused claim writes nothing."""
    day, at = planned.event_date, planned.event_time
    booking = None
    for _attempt in range(3):
        try:
            booking = await bookings_service.create_booking(
                session,
                organization_id=cast.organization_id,
                actor_user_id=cast.admin_id,
                customer_id=customer,
                event_date=day,
                event_time=at,
                status=planned.path[0],
                **_order(planned),
            )
            break
        except availability_service.CapacityExceeded:
            free = await free_evening(session, cast, day)
            if free is None:
                return None
            day, at = free
    if booking is None:
        return None
    if "confirmed" in planned.path and booking["deposit_amount"]:
        # The deposit confirms the booking as it would in life (organization setting).
        await _paid(session, cast, booking["id"], booking["deposit_amount"])
        booking = await bookings_service.get_booking(session, _viewer(cast), booking["id"])
    for status in planned.path[1:]:
        if status == "cancelled":
            booking = await bookings_service.cancel_booking(
                session, _viewer(cast), booking["id"], reason=planned.reason
            )
        else:
            booking = await bookings_service.update_booking(
                session,
                _viewer(cast),
                booking["id"],
                BookingUpdate.model_validate({"status": status}),
            )
    return booking


async def load_bookings(
    database: Database,
    cast: Cast,
    teams: list[Team],
    customers: list[uuid.UUID],
    today: date,
    say: Callable[[str], None],
) -> None:
    """The planned bookings not made yet, in chunks that each commit."""
    past, future = plan_book(SEED, today, teams, range(FROM_LEADS, len(customers)))
    planned = past + future
    existing = await count_bookings(database, cast)
    if existing >= len(planned):
        say(f"kept {existing} bookings")
        return
    recorded: set[date] = set()
    for start in range(existing, len(planned), CHUNK):
        end = min(start + CHUNK, len(planned))
        skipped = 0
        async with database.transaction() as session:
            for index in range(start, end):
                one = planned[index]
                if index < len(past):
                    await _record_past(
                        session, cast, one, customers[one.customer], teams[one.team].id
                    )
                    recorded.add(one.event_date)
                elif await book_ahead(session, cast, one, customers[one.customer]) is None:
                    skipped += 1
        kind = "past" if end <= len(past) else "coming" if start >= len(past) else "past and coming"
        note = f" ({skipped} found no free evening)" if skipped else ""
        say(f"booked {start + 1}-{end} of {len(planned)} bookings, {kind}{note}")
    if recorded:  # past bookings are recorded without the outbox that keeps the rollups
        async with database.transaction() as session:
            await rollups.rebuild(session, cast.organization_id)
