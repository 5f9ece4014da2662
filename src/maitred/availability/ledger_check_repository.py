"""The ledger read whole for the events still to come: every active claim, and the bookings that
should hold a team. The integrity check (claims.py `ledger_problems`) compares the two, and a
team's new working days are checked against what it has promised (teams.py); no claimer runs
these, so they live apart from the claim ledger's writes (repository.py)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Date, String, Uuid, column, select, table

from maitred.availability.models import CapacityClaim, active_at
from maitred.kit.db import UTCDateTime
from maitred.kit.repository import Repository

# The columns of the book the integrity check compares claims with. Read as a plain table:
# bookings depends on availability, not the other way round.
_bookings = table(
    "bookings",
    column("id", Uuid),
    column("organization_id", Uuid),
    column("status", String),
    column("event_date", Date),
    column("ends_at", UTCDateTime()),
    column("hold_expires_at", UTCDateTime()),
)
HOLDING_STATUSES = ("pending", "confirmed")


class LedgerCheckRepository(Repository[CapacityClaim]):
    model: ClassVar[type[Any]] = CapacityClaim

    async def future_active(self, now: datetime) -> Sequence[CapacityClaim]:
        return await self.all(
            self.scoped()
            .where(CapacityClaim.ends_at > now, active_at(now))
            .order_by(CapacityClaim.team_id, CapacityClaim.starts_at)
        )

    async def holding_bookings(self, now: datetime) -> Sequence[Any]:
        """Bookings still to happen that should hold a team: confirmed, or pending within
        their hold (id, status, event_date, hold_expires_at)."""
        rows = await self.session.execute(
            select(
                _bookings.c.id,
                _bookings.c.status,
                _bookings.c.event_date,
                _bookings.c.hold_expires_at,
            ).where(
                _bookings.c.organization_id == self.organization_id,
                _bookings.c.status.in_(HOLDING_STATUSES),
                _bookings.c.ends_at > now,
            )
        )
        return rows.all()

    async def statuses_of(self, booking_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        if not booking_ids:
            return {}
        rows = await self.session.execute(
            select(_bookings.c.id, _bookings.c.status).where(
                _bookings.c.organization_id == self.organization_id,
                _bookings.c.id.in_(list(booking_ids)),
            )
        )
        return {row[0]: row[1] for row in rows}
