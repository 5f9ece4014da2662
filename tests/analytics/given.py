"""A small book with figures worked out by hand (tests/analytics/test_figures.py says each one):
March 2026 in Los Angeles, across the DST change of Sunday 8 March, with a cancelled booking that
kept its deposit, a no-show that kept half of one, and money moved around the period's edges.

Operations (tests/analytics/test_operations.py works them out): two chef teams, Team 2 at the
Downtown location with time off; events with seats; an inbox with replies and failures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from maitred.analytics import cash_days, rollups
from maitred.availability import teams as teams_service
from maitred.bookings.models import Booking
from maitred.events.models import Event
from maitred.kit.db import Database
from maitred.locations.models import Location
from maitred.messaging.models import Conversation, Message
from maitred.payments.models import Payment, Refund
from maitred.tenancy.models import Organization
from tests.bookings.given import given_book, given_customer

_numbers = count(1)


@dataclass
class March:
    organization: Organization
    customers: dict[str, uuid.UUID] = field(default_factory=dict)
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    downtown: uuid.UUID | None = None


async def given_booking(
    database: Database,
    organization: Organization,
    customer_id: uuid.UUID,
    day: str,
    at: str,
    status: str,
    total: str,
    *,
    paid: str = "0",
    refunded: str = "0",
    city: str = "Sacramento",
    event_type: str = "birthday",
    guests: int = 10,
    team: uuid.UUID | None = None,
    asked: str = "2026-02-01T20:00:00+00:00",
) -> None:
    event_date, event_time = date.fromisoformat(day), time.fromisoformat(at)
    starts_at = datetime.combine(event_date, event_time, tzinfo=UTC)  # not read by analytics
    async with database.transaction() as session:
        booking = Booking(
            organization_id=organization.id,
            reference_number=f"BK-2026-{next(_numbers):06d}",
            customer_id=customer_id,
            status=status,
            event_date=event_date,
            event_time=event_time,
            timezone="America/Los_Angeles",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            guest_count=guests,
            event_type=event_type,
            city=city,
            total_amount=Decimal(total),
            amount_paid=Decimal(paid),
            amount_refunded=Decimal(refunded),
            source="admin",
            chef_team_id=team,
            created_at=datetime.fromisoformat(asked),
        )
        session.add(booking)
        await session.flush()
        # Written past the outbox, as an import would: the rollups are refreshed by hand.
        await rollups.refresh_booking(session, organization.id, booking.id)


async def _payment(
    database: Database,
    organization: Organization,
    amount: str,
    succeeded_at: str,
    method: str,
    *,
    refund: tuple[str, str] | None = None,
) -> None:
    async with database.transaction() as session:
        payment = Payment(
            organization_id=organization.id,
            amount=Decimal(amount),
            currency="USD",
            method=method,
            status="succeeded",
            succeeded_at=datetime.fromisoformat(succeeded_at),
        )
        session.add(payment)
        await session.flush()
        if refund is not None:
            session.add(
                Refund(
                    organization_id=organization.id,
                    payment_id=payment.id,
                    amount=Decimal(refund[0]),
                    status="succeeded",
                    succeeded_at=datetime.fromisoformat(refund[1]),
                )
            )
            await session.flush()
        await cash_days.reconcile(session, organization.id, payment.id)


async def _team_at_downtown(database: Database, march: March) -> None:
    """Team 2 works Fridays to Sundays from Downtown, and was off 13-15 March."""
    organization_id = march.organization.id
    async with database.transaction() as session:
        downtown = Location(organization_id=organization_id, name="Downtown")
        session.add(downtown)
        await session.flush()
        team = await teams_service.create(
            session,
            organization_id=organization_id,
            name="Team 2",
            working_weekdays=[5, 6, 7],
            time_off=[{"date_from": "2026-03-13", "date_to": "2026-03-15", "reason": "off"}],
            location_id=downtown.id,
        )
    march.downtown, march.teams["Team 2"] = downtown.id, team["id"]


async def given_march(database: Database, name: str = "Hibachi at Home") -> March:
    book = await given_book(database, name=name)
    march = March(book.organization)
    march.teams["Team 1"] = book.teams[0]
    await _team_at_downtown(database, march)
    for n in range(1, 6):
        march.customers[f"C{n}"] = await given_customer(
            database, book, f"Customer {n}", f"c{n}@example.com", f"+1916555010{n}"
        )
    org, c, one, two = (
        march.organization,
        march.customers,
        march.teams["Team 1"],
        march.teams["Team 2"],
    )
    await given_booking(
        database, org, c["C1"], "2026-03-07", "18:00", "confirmed", "1000", paid="100",
        team=two, asked="2026-02-05T20:00:00+00:00",
    )  # fmt: skip
    await given_booking(
        database, org, c["C2"], "2026-03-08", "19:00", "completed", "2000",
        city="Folsom", event_type="wedding", guests=20,
        team=one, asked="2026-03-01T20:00:00+00:00",
    )  # fmt: skip
    await given_booking(
        database, org, c["C3"], "2026-03-15", "18:00", "cancelled", "800", paid="100", guests=8,
        team=two,
    )  # fmt: skip
    await given_booking(
        database, org, c["C2"], "2026-03-31", "18:00", "pending", "600",
        city="Roseville", event_type="corporate", guests=6,
        team=one, asked="2026-03-02T20:00:00+00:00",
    )  # fmt: skip
    await given_booking(
        database, org, c["C4"], "2026-03-20", "18:00", "no_show", "400",
        paid="100", refunded="50", city="Folsom", guests=4,
        team=two, asked="2026-03-10T20:00:00+00:00",
    )  # fmt: skip
    await given_booking(database, org, c["C4"], "2026-04-01", "18:00", "confirmed", "999", team=one)
    await given_booking(database, org, c["C5"], "2026-02-20", "18:00", "confirmed", "700", team=one)
    await given_booking(database, org, c["C1"], "2026-01-10", "18:00", "completed", "500")
    # 07:30 UTC on 1 March is 23:30 on 28 February in Los Angeles: the previous period's.
    await _payment(database, org, "100", "2026-03-01T07:30:00+00:00", "card")
    # 08:30 UTC on 8 March is 00:30 that day (still PST); its refund comes in April.
    await _payment(
        database, org, "200", "2026-03-08T08:30:00+00:00", "cash",
        refund=("50", "2026-04-02T18:00:00+00:00"),
    )  # fmt: skip
    return march


async def _event(
    database: Database,
    organization_id: uuid.UUID,
    starts: str,
    seats: int,
    taken: int,
    *,
    status: str = "active",
    location_id: uuid.UUID | None = None,
) -> None:
    starts_at = datetime.fromisoformat(starts)
    async with database.transaction() as session:
        session.add(
            Event(
                organization_id=organization_id,
                title="Sushi class",
                event_type="class",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                timezone="America/Los_Angeles",
                max_participants=seats,
                seats_taken=taken,
                status=status,
                location_id=location_id,
            )
        )


async def _message(
    database: Database,
    organization_id: uuid.UUID,
    conversation_id: uuid.UUID | None,
    at: str,
    direction: str,
    channel: str,
    status: str,
) -> None:
    async with database.transaction() as session:
        session.add(
            Message(
                organization_id=organization_id,
                conversation_id=conversation_id,
                direction=direction,
                channel=channel,
                provider="console",
                contact="someone",
                contact_index=f"index-{channel}",
                status=status,
                created_at=datetime.fromisoformat(at),
            )
        )


async def given_operations(database: Database, march: March) -> None:
    """Events and an inbox around March (test_operations.py works each figure out)."""
    org = march.organization.id
    await _event(database, org, "2026-03-12T02:00:00+00:00", 10, 7, location_id=march.downtown)
    await _event(database, org, "2026-03-20T18:00:00+00:00", 20, 5)
    await _event(database, org, "2026-03-25T18:00:00+00:00", 10, 0, status="cancelled")
    await _event(database, org, "2026-02-10T18:00:00+00:00", 10, 4)
    async with database.transaction() as session:
        sms = Conversation(organization_id=org, contact_key="sms:1")
        email = Conversation(organization_id=org, contact_key="email:1")
        session.add_all([sms, email])
        await session.flush()
        by_sms, by_email = sms.id, email.id
    for conversation, at, direction, channel, status in (
        (by_sms, "2026-03-10T17:00:00+00:00", "inbound", "sms", "received"),
        (by_sms, "2026-03-10T17:05:00+00:00", "inbound", "sms", "received"),
        (by_sms, "2026-03-10T17:20:00+00:00", "outbound", "sms", "sent"),
        (by_sms, "2026-03-12T20:00:00+00:00", "inbound", "sms", "received"),
        (by_sms, "2026-03-12T21:00:00+00:00", "outbound", "sms", "delivered"),
        (by_email, "2026-03-20T16:00:00+00:00", "inbound", "email", "received"),
        (by_email, "2026-03-20T16:10:00+00:00", "outbound", "email", "sent"),
        (None, "2026-03-21T18:00:00+00:00", "outbound", "email", "failed"),
        (None, "2026-03-22T18:00:00+00:00", "outbound", "sms", "failed"),
        (None, "2026-03-01T07:30:00+00:00", "outbound", "sms", "sent"),
    ):
        await _message(database, org, conversation, at, direction, channel, status)
