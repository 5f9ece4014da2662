"""A small book with figures worked out by hand (tests/analytics/test_figures.py says each one):
March 2026 in Los Angeles, across the DST change of Sunday 8 March, with a cancelled booking that
kept its deposit, a no-show that kept half of one, and money moved around the period's edges."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import count

from maitred.bookings.models import Booking
from maitred.kit.db import Database
from maitred.payments.models import Payment, Refund
from maitred.tenancy.models import Organization
from tests.bookings.given import given_book, given_customer

_numbers = count(1)


@dataclass
class March:
    organization: Organization
    customers: dict[str, uuid.UUID] = field(default_factory=dict)


async def _booking(
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
) -> None:
    event_date, event_time = date.fromisoformat(day), time.fromisoformat(at)
    starts_at = datetime.combine(event_date, event_time, tzinfo=UTC)  # not read by analytics
    async with database.transaction() as session:
        session.add(
            Booking(
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
            )
        )


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


async def given_march(database: Database, name: str = "Hibachi at Home") -> March:
    book = await given_book(database, name=name)
    march = March(book.organization)
    for n in range(1, 6):
        march.customers[f"C{n}"] = await given_customer(
            database, book, f"Customer {n}", f"c{n}@example.com", f"+1916555010{n}"
        )
    org, c = march.organization, march.customers
    await _booking(database, org, c["C1"], "2026-03-07", "18:00", "confirmed", "1000", paid="100")
    await _booking(
        database, org, c["C2"], "2026-03-08", "19:00", "completed", "2000",
        city="Folsom", event_type="wedding", guests=20,
    )  # fmt: skip
    await _booking(
        database, org, c["C3"], "2026-03-15", "18:00", "cancelled", "800", paid="100", guests=8
    )
    await _booking(
        database, org, c["C2"], "2026-03-31", "18:00", "pending", "600",
        city="Roseville", event_type="corporate", guests=6,
    )  # fmt: skip
    await _booking(
        database, org, c["C4"], "2026-03-20", "18:00", "no_show", "400",
        paid="100", refunded="50", city="Folsom", guests=4,
    )  # fmt: skip
    await _booking(database, org, c["C4"], "2026-04-01", "18:00", "confirmed", "999")
    await _booking(database, org, c["C5"], "2026-02-20", "18:00", "confirmed", "700")
    await _booking(database, org, c["C1"], "2026-01-10", "18:00", "completed", "500")
    # 07:30 UTC on 1 March is 23:30 on 28 February in Los Angeles: the previous period's.
    await _payment(database, org, "100", "2026-03-01T07:30:00+00:00", "card")
    # 08:30 UTC on 8 March is 00:30 that day (still PST); its refund comes in April.
    await _payment(
        database, org, "200", "2026-03-08T08:30:00+00:00", "cash",
        refund=("50", "2026-04-02T18:00:00+00:00"),
    )  # fmt: skip
    return march
