"""A booking's money as the payments domain sees it: read under a lock, written back as derived
totals, and the confirmation a paid deposit brings. Payments own the rows the totals come from;
the booking only keeps the sums (bookings never add to them themselves)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.models import Booking
from maitred.bookings.repository import BookingRepository, organization_of
from maitred.bookings.service.change import transition
from maitred.bookings.service.status import CANCELLED, CONFIRMED, PENDING
from maitred.kit.clock import utcnow
from maitred.kit.errors import AppError, NotFound
from maitred.kit.money import from_minor

log = logging.getLogger("maitred.bookings")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class BookingMoney:
    id: uuid.UUID
    organization_id: uuid.UUID
    customer_id: uuid.UUID
    reference_number: str
    kind: str
    status: str
    currency: str
    event_date: date
    starts_at: datetime
    cancelled_at: datetime | None
    total_amount: Decimal
    deposit_amount: Decimal
    amount_paid: Decimal
    amount_refunded: Decimal

    @property
    def net_paid(self) -> Decimal:
        return self.amount_paid - self.amount_refunded

    @property
    def balance_due(self) -> Decimal:
        """Nothing is due on a cancelled booking; a refund makes the balance due again."""
        if self.status == CANCELLED:
            return ZERO
        return max(self.total_amount - self.net_paid, ZERO)

    @property
    def deposit_due(self) -> Decimal:
        if self.status == CANCELLED:
            return ZERO
        return max(self.deposit_amount - self.net_paid, ZERO)


@dataclass(frozen=True)
class Outstanding:
    bookings: int
    balances: Decimal
    deposits: Decimal


def _money(booking: Booking) -> BookingMoney:
    return BookingMoney(
        id=booking.id,
        organization_id=booking.organization_id,
        customer_id=booking.customer_id,
        reference_number=booking.reference_number,
        kind=booking.kind,
        status=booking.status,
        currency=booking.currency,
        event_date=booking.event_date,
        starts_at=booking.starts_at,
        cancelled_at=booking.cancelled_at,
        total_amount=booking.total_amount or ZERO,
        deposit_amount=booking.deposit_amount or ZERO,
        amount_paid=booking.amount_paid or ZERO,
        amount_refunded=booking.amount_refunded or ZERO,
    )


async def money_of(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, *, lock: bool = False
) -> BookingMoney:
    """The booking's figures; with `lock`, held until the transaction ends, so that payments of
    one booking are counted one after the other. 404 when it is not this organization's."""
    repository = BookingRepository(session, organization_id)
    booking = await (repository.locked(booking_id) if lock else repository.get(booking_id))
    if booking is None:
        raise NotFound("No such booking")
    return _money(booking)


async def organization_of_booking(session: AsyncSession, booking_id: uuid.UUID) -> uuid.UUID | None:
    return await organization_of(session, booking_id)


async def set_paid(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    *,
    amount_paid: Decimal,
    amount_refunded: Decimal,
) -> BookingMoney:
    """Writes totals the caller derived from every payment row (under `money_of(lock=True)`)."""
    booking = await BookingRepository(session, organization_id).get(booking_id)
    if booking is None:
        raise NotFound("No such booking")
    if (booking.amount_paid, booking.amount_refunded) != (amount_paid, amount_refunded):
        booking.amount_paid, booking.amount_refunded = amount_paid, amount_refunded
        booking.updated_at = utcnow()
        await session.flush()
    return _money(booking)


async def confirm_paid(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> bool:
    """Confirms a pending booking whose deposit is paid. A booking that cannot be confirmed any
    more (its chef team went to another booking after its hold expired) stays pending for staff
    to sort out: the money is kept either way."""
    booking = await BookingRepository(session, organization_id).get(booking_id)
    if booking is None or booking.status != PENDING:
        return False
    try:
        async with session.begin_nested():
            await transition(
                session, booking, to_status=CONFIRMED, reason="Deposit paid", actor_user_id=None
            )
    except AppError as exc:
        await session.refresh(booking)
        log.warning("paid booking %s stays pending: %s", booking.reference_number, exc.message)
        return False
    return True


async def outstanding(
    session: AsyncSession,
    organization_id: uuid.UUID,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Outstanding:
    row = await BookingRepository(session, organization_id).outstanding(date_from, date_to)
    return Outstanding(
        bookings=row.bookings,
        balances=from_minor(row.balances_minor),
        deposits=from_minor(row.deposits_minor),
    )
