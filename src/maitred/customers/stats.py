"""Customer booking statistics, computed by bookings and looked up by customers.

Customers may not import bookings (bookings imports customers), so bookings registers the
function that computes them here at import; until it does, every customer has no bookings.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class BookingStats:
    total_bookings: int
    total_spent: Decimal
    upcoming_bookings: int
    last_booking_date: date | None


NO_BOOKINGS = BookingStats(
    total_bookings=0, total_spent=Decimal("0.00"), upcoming_bookings=0, last_booking_date=None
)

StatsSource = Callable[
    [AsyncSession, uuid.UUID, Sequence[uuid.UUID]], Awaitable[dict[uuid.UUID, BookingStats]]
]
_source: StatsSource | None = None


def provide(source: StatsSource) -> None:
    """Registers the one function computing stats (bookings calls this at import)."""
    global _source
    _source = source


async def stats_of(
    session: AsyncSession, organization_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, BookingStats]:
    """One entry per customer id asked for: zeros for customers without bookings."""
    ids = list(dict.fromkeys(customer_ids))
    found = await _source(session, organization_id, ids) if _source is not None and ids else {}
    return {customer_id: found.get(customer_id, NO_BOOKINGS) for customer_id in ids}
