"""The waitlist (seed 000): people who wanted a date that was full, served first come first
served when capacity frees up, and turned into bookings that take capacity like any other."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import service as bookings_service
from maitred.customers import service as customers_service
from maitred.kit.auditnote import record
from maitred.kit.errors import InvalidState, ValidationFailed
from maitred.kit.list_params import ListQuery
from maitred.kit.pagination import PageParams, PaginationInfo
from maitred.tenancy import service as tenancy_service
from maitred.waitlist.models import WaitlistEntry
from maitred.waitlist.repository import OPEN_STATUSES, WaitlistRepository
from maitred.waitlist.schemas import CustomerIn, LocationIn
from maitred.waitlist.seats import book_seat_for
from maitred.waitlist.views import read

# A dict is a LocationIn already validated and dumped (PATCH bodies arrive as dumps).
Location = LocationIn | dict[str, Any] | str | None
SORT_FIELDS = tuple(WaitlistRepository.sorts)
FIRST_IN_LINE = ListQuery(sort_by="created_at", descending=False)
_NULLABLE = frozenset({"preferred_time", "location"})
# An entry for an event's seat takes these from the event.
_EVENT_FIXED = frozenset({"preferred_date", "preferred_time", "guest_count", "location"})


def location_of(location: Location) -> tuple[str, dict[str, Any]]:
    """A structured location (seed 000) also reads as one line: "123 Main St, Sacramento, CA
    95814"."""
    if location is None:
        return "", {}
    if isinstance(location, str):
        return location.strip(), {}
    fields = location if isinstance(location, dict) else location.model_dump()
    details = {k: v.strip() for k, v in fields.items() if v and v.strip()}
    region = " ".join(p for p in (details.get("state"), details.get("zip_code")) if p)
    parts = [details.get("address"), details.get("city"), region]
    return ", ".join(p for p in parts if p), details


async def _read_one(session: AsyncSession, entry: WaitlistEntry) -> dict[str, Any]:
    briefs = await customers_service.briefs(
        session, organization_id=entry.organization_id, customer_ids=[entry.customer_id]
    )
    return read(entry, briefs.get(entry.customer_id))


async def list_entries(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    params: PageParams,
    listing: ListQuery = FIRST_IN_LINE,
    date_from: date | None = None,
    date_to: date | None = None,
    customer_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
) -> tuple[Sequence[dict[str, Any]], PaginationInfo]:
    """First come first served: the oldest entry first unless another order is asked for."""
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationFailed(details={"date_to": "Must not be before date_from"})
    repository = WaitlistRepository(session, organization_id)
    statement = repository.matching(
        statuses=listing.statuses,
        date_from=date_from,
        date_to=date_to,
        customer_id=customer_id,
        event_id=event_id,
    )
    window = await tenancy_service.created_window(session, organization_id, listing)
    rows, info = await repository.listing_page(params, listing, window, statement)
    briefs = await customers_service.briefs(
        session, organization_id=organization_id, customer_ids={r.customer_id for r in rows}
    )
    return [read(row, briefs.get(row.customer_id)) for row in rows], info


async def get(
    session: AsyncSession, *, organization_id: uuid.UUID, entry_id: uuid.UUID
) -> dict[str, Any]:
    entry = await WaitlistRepository(session, organization_id).get_or_404(entry_id)
    return await _read_one(session, entry)


async def create(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    customer: CustomerIn | None,
    customer_id: uuid.UUID | None,
    preferred_date: date,
    preferred_time: time | None,
    guest_count: int,
    location: Location,
    notes: str,
) -> dict[str, Any]:
    if customer is not None:
        try:
            brief = await customers_service.find_or_create(
                session,
                organization_id=organization_id,
                name=customer.name.strip(),
                email=customer.email,
                phone=customer.phone,
                source="waitlist",
                trusted=True,  # staff typed it
            )
        except ValidationFailed as exc:  # name the field as the body does
            details = {f"customer.{field}": why for field, why in exc.details.items()}
            raise ValidationFailed(details=details) from exc
    else:
        assert customer_id is not None  # the schema requires one of the two
        brief = await customers_service.brief(
            session, organization_id=organization_id, customer_id=customer_id
        )
    line, details = location_of(location)
    entry = WaitlistRepository(session, organization_id).add(
        WaitlistEntry(
            customer_id=brief.id,
            preferred_date=preferred_date,
            preferred_time=preferred_time,
            guest_count=guest_count,
            location=line,
            location_details=details,
            notes=notes.strip(),
            status="waiting",
        )
    )
    await session.flush()
    record(
        "waitlist.created",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        organization_id=organization_id,
        changes={"preferred_date": preferred_date.isoformat(), "guest_count": guest_count},
    )
    return read(entry, brief)


async def update(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    entry_id: uuid.UUID,
    changes: dict[str, Any],
) -> dict[str, Any]:
    """`changes`: the fields sent. Setting `waiting` puts the entry back in the queue (its
    first-come place is kept) and withdraws an offer."""
    if nulls := [f for f, v in changes.items() if v is None and f not in _NULLABLE]:
        raise ValidationFailed(details=dict.fromkeys(nulls, "May not be null"))
    repository = WaitlistRepository(session, organization_id)
    entry = await repository.get_locked_or_404(entry_id)
    if entry.status == "converted":
        raise InvalidState(
            "A converted waitlist entry cannot change", details={"status": entry.status}
        )
    sent = sorted(changes)
    if entry.event_id is not None and (fixed := sorted(_EVENT_FIXED & set(changes))):
        raise ValidationFailed(details=dict.fromkeys(fixed, "An event's waitlist entry keeps it"))
    if "location" in changes:
        entry.location, entry.location_details = location_of(changes.pop("location"))
    if "notes" in changes:
        entry.notes = changes.pop("notes").strip()
    status = changes.pop("status", None)
    for field, value in changes.items():
        setattr(entry, field, value)
    if status is not None and status != entry.status:
        entry.status = str(status)
        if status == "waiting":
            entry.offered_at = entry.offer_expires_at = None
    await session.flush()
    record(
        "waitlist.updated",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        organization_id=organization_id,
        changes={"fields": sent},
    )
    return await _read_one(session, entry)


async def cancel(session: AsyncSession, *, organization_id: uuid.UUID, entry_id: uuid.UUID) -> None:
    """Cancelling twice is fine; a converted entry is a booking now (cancel that instead)."""
    repository = WaitlistRepository(session, organization_id)
    entry = await repository.get_locked_or_404(entry_id)
    if entry.status == "converted":
        raise InvalidState(
            "The entry was converted; cancel its booking instead",
            details={"status": entry.status, "booking_id": str(entry.booking_id)},
        )
    if entry.status != "cancelled":
        entry.status = "cancelled"
        await session.flush()
        record(
            "waitlist.cancelled",
            resource_type="waitlist_entry",
            resource_id=entry.id,
            organization_id=organization_id,
        )


async def convert(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    actor_user_id: uuid.UUID | None,
    entry_id: uuid.UUID,
    event_date: date | None,
    event_time: time | None,
    location: Location,
    guest_count: int | None,
) -> dict[str, Any]:
    """Books the entry as a pending booking (source `waitlist`), taking capacity like any
    booking: a taken slot is 409 `capacity_exceeded` and the request's rollback leaves the
    entry as it was."""
    repository = WaitlistRepository(session, organization_id)
    entry = await repository.get_locked_or_404(entry_id)
    if entry.status not in OPEN_STATUSES:
        raise InvalidState(
            f"A {entry.status} waitlist entry cannot be converted",
            details={"status": entry.status},
        )
    if entry.event_id is not None:
        return await _convert_to_seat(
            session,
            entry,
            actor_user_id=actor_user_id,
            sent={
                "event_date": event_date,
                "event_time": event_time,
                "location": location,
                "guest_count": guest_count,
            },
        )
    if location is None:
        line, details = entry.location, entry.location_details
    else:
        line, details = location_of(location)
    booking = await bookings_service.create_booking(
        session,
        organization_id=organization_id,
        actor_user_id=actor_user_id,
        customer_id=entry.customer_id,
        event_date=event_date or entry.preferred_date,
        event_time=event_time or entry.preferred_time,
        guest_count=guest_count or entry.guest_count,
        location=line,
        location_details=details or None,
        notes=entry.notes,
        status="pending",
        source="waitlist",
    )
    booking_id = uuid.UUID(str(booking["id"]))
    if not await repository.mark_converted(entry.id, booking_id):
        raise InvalidState("The entry was converted or cancelled meanwhile")
    record(
        "waitlist.converted",
        resource_type="waitlist_entry",
        resource_id=entry.id,
        organization_id=organization_id,
        changes={"booking_id": str(booking_id)},
    )
    return {
        "waitlist_id": entry.id,
        "booking_id": booking_id,
        "reference_number": booking["reference_number"],
        "status": booking["status"],
    }


async def _convert_to_seat(
    session: AsyncSession,
    entry: WaitlistEntry,
    *,
    actor_user_id: uuid.UUID | None,
    sent: dict[str, Any],
) -> dict[str, Any]:
    """Staff give the seat by hand (a seat is usually given by itself when one frees up)."""
    if given := sorted(field for field, value in sent.items() if value is not None):
        raise ValidationFailed(details=dict.fromkeys(given, "A seat takes this from its event"))
    booking = await book_seat_for(session, entry, actor_user_id=actor_user_id)
    return {
        "waitlist_id": entry.id,
        "booking_id": booking["id"],
        "reference_number": booking["reference_number"],
        "status": booking["status"],
    }
