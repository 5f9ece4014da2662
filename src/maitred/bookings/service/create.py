"""Making a booking: check the date, price it, promise a chef team, number it, record it.

The team is claimed before anything is written, so a full slot (CapacityExceeded) leaves
nothing behind, not even a spent reference number; except the public request on PostgreSQL,
which claims last and takes its number first (`write_booking`): a full slot there rolls the
booking back and skips a number.

Here are the entry points; the reads and checks are create_plan.py's, the writes
create_writes.py's.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings.schemas import BookingCreate
from maitred.bookings.service.access import Viewer, booking_customer
from maitred.bookings.service.create_plan import plan_booking
from maitred.bookings.service.create_writes import write_booking
from maitred.bookings.service.quoting import menu_choices
from maitred.bookings.service.seats import create_seat_booking
from maitred.bookings.service.status import CONFIRMED
from maitred.customers import service as customers_service
from maitred.kit.errors import Forbidden, ValidationFailed
from maitred.pricing import service as pricing_service

# What a seat booking takes from its event instead of the form.
CATERING_FIELDS = frozenset(
    {"guest_count", "child_count", "event_type", "location", "menu_items", "upgrades"}
    | {"special_requests", "status", "chef_team_id", "event_time"}
)


async def create_booking(
    session: AsyncSession,
    *,
    customer_id: uuid.UUID,
    customer: customers_service.CustomerBrief | None = None,
    **request: Any,
) -> dict[str, Any]:
    """The booking as BookingRead (`plan_booking` then `write_booking`). The caller that has
    just found or made the customer passes its brief (one read fewer)."""
    plan = await plan_booking(session, **request)
    brief = customer
    if brief is None or brief.id != customer_id:
        brief = await customers_service.brief(
            session, organization_id=plan.organization_id, customer_id=customer_id
        )
    return await write_booking(session, plan, brief)


async def create_from_form(
    session: AsyncSession, viewer: Viewer, form: BookingCreate
) -> dict[str, Any]:
    """POST /bookings (a `BookingCreate`): staff book for any customer, customers for
    themselves (pending only, within the public calendar's rules)."""
    if viewer.is_customer and form.status == CONFIRMED:
        raise Forbidden("Customers cannot confirm their own bookings")
    customer, source = await booking_customer(
        session, viewer, customer_id=form.customer_id, customer=form.customer
    )
    public = viewer.is_customer
    if form.event_id is not None:
        catering_only = sorted(CATERING_FIELDS & form.model_fields_set)
        if catering_only:
            raise ValidationFailed(
                details=dict.fromkeys(catering_only, "A seat booking takes this from its event")
            )
        return await create_seat_booking(
            session,
            organization_id=viewer.organization_id,
            actor_user_id=viewer.user_id,
            customer=customer,
            customer_user_id=viewer.user_id if viewer.is_customer else None,
            event_id=form.event_id,
            notes=form.notes,
            source=source,
        )
    # The form checked that a catering booking has both.
    assert form.event_date is not None
    assert form.guest_count is not None
    location = form.location
    return await create_booking(
        session,
        organization_id=viewer.organization_id,
        actor_user_id=viewer.user_id,
        customer_id=customer.id,
        event_date=form.event_date,
        event_time=form.event_time,
        guest_count=form.guest_count,
        child_count=form.child_count,
        event_type=form.event_type,
        location=location if isinstance(location, str) else "",
        location_details=None if isinstance(location, str) else location.model_dump(),
        menu=menu_choices(form.menu_items),
        upgrades=tuple(
            pricing_service.UpgradeChoice(name=u.name, quantity=u.quantity) for u in form.upgrades
        ),
        notes=form.notes,
        special_requests=form.special_requests,
        status=str(form.status),
        source=source,
        public=public,
        chef_team_id=None if viewer.is_customer else form.chef_team_id,
        customer=customer,
    )
