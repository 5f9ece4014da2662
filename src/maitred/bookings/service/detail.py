"""GET /bookings/{id or reference} (a hot path, ARCHITECTURE.md): the booking with its customer,
then its lines and history, read as plain rows by the compiled queries of
bookings/detail_queries.py and built into the response without ORM objects."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from types import SimpleNamespace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.bookings import detail_queries
from maitred.bookings.repository import BookingRepository
from maitred.bookings.service import listing
from maitred.bookings.service.access import Viewer
from maitred.bookings.service.read import detail, get_booking, with_events
from maitred.kit.errors import NotFound, ValidationFailed
from maitred.kit.reads import ReadPool

_REFERENCE = re.compile(r"BK-\d{4}-\d{1,12}", re.IGNORECASE)


def _id_or_reference(id_or_reference: str) -> uuid.UUID | str:
    try:
        return uuid.UUID(id_or_reference)
    except ValueError:
        pass
    reference = id_or_reference.strip().upper()
    if not _REFERENCE.fullmatch(reference):
        raise ValidationFailed(
            details={
                "booking_id": "Use the booking's id or its reference number, such as BK-2025-000123"
            }
        )
    return reference


async def booking_id_of(session: AsyncSession, viewer: Viewer, id_or_reference: str) -> uuid.UUID:
    """A booking named by its id or by its reference number (`BK-2025-000123`, as customers
    quote it), looked up in the viewer's organization only: another's is 404 either way."""
    reference = _id_or_reference(id_or_reference)
    if isinstance(reference, uuid.UUID):
        return reference
    found = await BookingRepository(session, viewer.organization_id).id_by_reference(reference)
    if found is None:
        raise NotFound("No such booking")
    return found


async def booking_detail(
    session: AsyncSession, reads: ReadPool, viewer: Viewer, id_or_reference: str
) -> dict[str, Any]:
    """GET /bookings/{id or reference}: two compiled reads of committed data (the booking with
    its customer; its lines and history), no ORM objects. A customer's own bookings take the
    session's way, which checks that the booking is theirs."""
    if viewer.is_customer:
        booking_id = await booking_id_of(session, viewer, id_or_reference)
        return await get_booking(session, viewer, booking_id)
    key = _id_or_reference(id_or_reference)
    organization_id = viewer.organization_id
    if isinstance(key, uuid.UUID):
        row = await reads.one(detail_queries.BOOKING_BY_ID, organization_id=organization_id, id=key)
    else:
        row = await reads.one(
            detail_queries.BOOKING_BY_REFERENCE, organization_id=organization_id, reference=key
        )
    if row is None:
        raise NotFound("No such booking")
    parts = await reads.all(
        detail_queries.LINES_AND_HISTORY,
        lines_of=organization_id,
        lines_booking=row["id"],
        history_of=organization_id,
        history_booking=row["id"],
    )
    return await _assembled(session, organization_id, row, parts)


async def booking_in_session(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> dict[str, Any] | None:
    """The booking as `booking_detail` answers it (None when it is not there), read by the
    same compiled statements through the session: for an outbox handler (a booking's notices
    run for every booking), which has no read pool and may read its own batch's writes."""
    row = (
        (
            await session.execute(
                detail_queries.BOOKING_BY_ID.statement,
                {"organization_id": organization_id, "id": booking_id},
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    parts = (
        (
            await session.execute(
                detail_queries.LINES_AND_HISTORY.statement,
                {
                    "lines_of": organization_id,
                    "lines_booking": booking_id,
                    "history_of": organization_id,
                    "history_booking": booking_id,
                },
            )
        )
        .mappings()
        .all()
    )
    return await _assembled(session, organization_id, dict(row), [dict(p) for p in parts])


async def bookings_in_session(
    session: AsyncSession, organization_id: uuid.UUID, booking_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[dict[str, Any], str | None]]:
    """`booking_in_session` for several bookings of one organization (an outbox handler's
    batch of bookings' notices), one statement per shape for them all; each with its
    customer's own language (None when they said none). Bookings not there are left out."""
    if not booking_ids:
        return {}
    ids = list(booking_ids)
    rows = [
        dict(row)
        for row in (
            await session.execute(
                detail_queries.BOOKINGS_BY_IDS, {"organization_id": organization_id, "ids": ids}
            )
        ).mappings()
    ]
    if not rows:
        return {}
    found = [row["id"] for row in rows]
    parts_of: dict[uuid.UUID, list[dict[str, Any]]] = {booking_id: [] for booking_id in found}
    for mapping in (
        await session.execute(
            detail_queries.LINES_AND_HISTORY_OF_BOOKINGS,
            {
                "lines_of": organization_id,
                "lines_bookings": found,
                "history_of": organization_id,
                "history_bookings": found,
            },
        )
    ).mappings():
        part = dict(mapping)
        parts_of[part.pop("booking_id")].append(part)
    languages = [row.pop("customer_language") for row in rows]
    built = [_built(row, parts_of[row["id"]]) for row in rows]
    await with_events(session, organization_id, built, [row["event_id"] for row in rows])
    return {
        row["id"]: (booking, language)
        for row, booking, language in zip(rows, built, languages, strict=True)
    }


async def _assembled(
    session: AsyncSession,
    organization_id: uuid.UUID,
    row: dict[str, Any],
    parts: list[dict[str, Any]],
) -> dict[str, Any]:
    found = _built(row, parts)
    await with_events(session, organization_id, [found], [row["event_id"]])
    return found


def _built(row: dict[str, Any], parts: list[dict[str, Any]]) -> dict[str, Any]:
    lines = sorted(
        (SimpleNamespace(**p) for p in parts if p["part"] == "line"), key=lambda p: p.position
    )
    history = sorted(
        (SimpleNamespace(**p, created_at=p["at"]) for p in parts if p["part"] == "change"),
        key=lambda p: (p.created_at, p.id),
    )
    return detail(SimpleNamespace(**row), listing.brief_of_row(row), lines, history)
