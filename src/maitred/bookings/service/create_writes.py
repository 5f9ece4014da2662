"""The second half of making a booking: the planned booking's writes, back to back, in the order
the hot path's statement budget and the claim-last path rely on (`write_booking`): the claim on a
team, the reference number, the booking with its lines and history, and its event."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.bookings.repository import BookingRepository
from maitred.bookings.service.create_plan import BookingPlan
from maitred.bookings.service.numbers import next_reference, take_reference_now
from maitred.bookings.service.read import detail
from maitred.customers import service as customers_service
from maitred.kit import outbox
from maitred.kit.auditnote import record
from maitred.kit.reads import ReadPool


async def write_booking(
    session: AsyncSession,
    plan: BookingPlan,
    customer: customers_service.CustomerBrief,
    *,
    reads: ReadPool | None = None,
) -> dict[str, Any]:
    """The planned booking's writes, back to back: its claim on a team (CapacityExceeded when
    none is free: nothing written, not even a number spent), its number, the booking with its
    lines and history, and its event. Returns it as BookingRead.

    With `reads` (the public request) on PostgreSQL, the hot rows are held for one round trip
    each: the number is taken first on `reads`, committed at once (a number then skipped when
    the booking rolls back is allowed, kit/numbering.py), and a party of one team is claimed as
    the transaction's last write (availability `claim_at_commit`), so the answer names no team
    (the public answer shows none)."""
    organization_id = plan.organization_id
    booking = plan.booking
    booking_id = booking["id"]
    claim: dict[str, Any] = {
        "organization_id": organization_id,
        "booking_id": booking_id,
        "window": plan.window,
        "guest_count": plan.guest_count,
        "hold_until": plan.hold_until,
    }
    claim_last = (
        reads is not None
        and plan.team_id is None
        and await availability_service.claim_at_commit(session, **claim)
    )
    if claim_last:
        assert reads is not None
        booking["chef_team_id"] = None  # the claim sets it at commit
        booking["reference_number"] = await take_reference_now(reads, organization_id, plan.year)
    else:
        booking["chef_team_id"] = await availability_service.claim(
            session, **claim, team_id=plan.team_id, new_booking=True
        )
        booking["reference_number"] = await next_reference(session, organization_id, plan.year)
    booking["customer_id"] = customer.id
    await BookingRepository(session, organization_id).insert_new(booking, plan.lines, plan.change)
    await outbox.emit(
        session,
        "booking.created",
        organization_id=organization_id,
        booking_id=booking_id,
        customer_id=customer.id,
        reference_number=booking["reference_number"],
        source=booking["source"],
        event_date=booking["event_date"].isoformat(),
        guest_count=booking["guest_count"],
        event_type=booking["event_type"],
        message=plan.message,
    )
    record(
        "booking.created",
        resource_type="booking",
        resource_id=booking_id,
        actor_user_id=plan.actor_user_id,
        organization_id=organization_id,
        changes={"reference_number": booking["reference_number"], "status": booking["status"]},
    )
    return detail(
        SimpleNamespace(organization_id=organization_id, **booking),
        customer,
        [SimpleNamespace(**line) for line in plan.lines],
        [SimpleNamespace(**plan.change)],
    )
