"""Queries of the waitlist, scoped to one organization by construction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import Select, func, select, update

from maitred.kit.errors import NotFound
from maitred.kit.repository import Repository
from maitred.waitlist.models import WaitlistEntry

OPEN_STATUSES = ("waiting", "offered")


class WaitlistRepository(Repository[WaitlistEntry]):
    model: ClassVar[type[Any]] = WaitlistEntry
    not_found_message: ClassVar[str] = "No such waitlist entry"
    sorts: ClassVar[Mapping[str, Any]] = {
        "created_at": WaitlistEntry.created_at,
        "preferred_date": WaitlistEntry.preferred_date,
        "guest_count": WaitlistEntry.guest_count,
        "status": WaitlistEntry.status,
    }

    def matching(
        self,
        *,
        statuses: Sequence[str],
        date_from: date | None,
        date_to: date | None,
        customer_id: uuid.UUID | None,
        event_id: uuid.UUID | None = None,
    ) -> Select[tuple[WaitlistEntry]]:
        statement = self.scoped()
        if event_id is not None:
            statement = statement.where(WaitlistEntry.event_id == event_id)
        if statuses:
            statement = statement.where(WaitlistEntry.status.in_(statuses))
        if date_from is not None:
            statement = statement.where(WaitlistEntry.preferred_date >= date_from)
        if date_to is not None:
            statement = statement.where(WaitlistEntry.preferred_date <= date_to)
        if customer_id is not None:
            statement = statement.where(WaitlistEntry.customer_id == customer_id)
        return statement

    async def get_locked_or_404(self, entry_id: uuid.UUID) -> WaitlistEntry:
        """The entry, row-locked on PostgreSQL until the transaction ends (SQLite's writer
        lock already serializes the writing transaction)."""
        found: WaitlistEntry | None = await self.session.scalar(
            self.scoped().where(WaitlistEntry.id == entry_id).with_for_update()
        )
        if found is None:
            raise NotFound(self.not_found_message)
        return found

    async def waiting_on(self, day: date) -> Sequence[WaitlistEntry]:
        """The queue of `day`, first come first served, locked so that two deliveries for the
        same day offer each entry once."""
        return await self.all(
            self.scoped()
            .where(
                WaitlistEntry.preferred_date == day,
                WaitlistEntry.event_id.is_(None),
                WaitlistEntry.status == "waiting",
            )
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .with_for_update()
        )

    async def offered_on(self, day: date) -> Sequence[WaitlistEntry]:
        return await self.all(
            self.scoped()
            .where(
                WaitlistEntry.preferred_date == day,
                WaitlistEntry.event_id.is_(None),
                WaitlistEntry.status == "offered",
            )
            .order_by(WaitlistEntry.offered_at, WaitlistEntry.id)
            .with_for_update()
        )

    async def waiting_for_event(self, event_id: uuid.UUID) -> Sequence[WaitlistEntry]:
        """The event's queue, first come first served, locked so that two deliveries of one
        freed seat give it once."""
        return await self.all(
            self.scoped()
            .where(WaitlistEntry.event_id == event_id, WaitlistEntry.status == "waiting")
            .order_by(WaitlistEntry.created_at, WaitlistEntry.id)
            .with_for_update()
        )

    async def open_entry_for_event(
        self, customer_id: uuid.UUID, event_id: uuid.UUID
    ) -> WaitlistEntry | None:
        found: WaitlistEntry | None = await self.session.scalar(
            self.scoped()
            .where(
                WaitlistEntry.event_id == event_id,
                WaitlistEntry.customer_id == customer_id,
                WaitlistEntry.status.in_(OPEN_STATUSES),
            )
            .with_for_update()
        )
        return found

    async def place_in_queue(self, entry: WaitlistEntry) -> int:
        """1 for the next one to get a seat."""
        ahead = await self.session.scalar(
            select(func.count())
            .select_from(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == self.organization_id,
                WaitlistEntry.event_id == entry.event_id,
                WaitlistEntry.status == "waiting",
                WaitlistEntry.created_at < entry.created_at,
            )
        )
        return int(ahead or 0) + 1

    async def close_for_event(self, event_id: uuid.UUID) -> int:
        """Cancels the open entries of a cancelled event; how many."""
        result = await self.session.execute(
            update(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == self.organization_id,
                WaitlistEntry.event_id == event_id,
                WaitlistEntry.status.in_(OPEN_STATUSES),
            )
            .values(status="cancelled")
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def mark_converted(self, entry_id: uuid.UUID, booking_id: uuid.UUID) -> bool:
        """Compare-and-swap: only an open entry converts, so a second convert loses."""
        result = await self.session.execute(
            update(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == self.organization_id,
                WaitlistEntry.id == entry_id,
                WaitlistEntry.status.in_(OPEN_STATUSES),
            )
            .values(status="converted", booking_id=booking_id)
            .execution_options(synchronize_session="fetch")
        )
        return bool(getattr(result, "rowcount", 0))

    async def lapse_offer(self, entry_id: uuid.UUID, now: datetime) -> WaitlistEntry | None:
        """Compare-and-swap: an offer past its expiry becomes `expired` once, however many
        workers try; the entry when this call lapsed it."""
        result = await self.session.execute(
            update(WaitlistEntry)
            .where(
                WaitlistEntry.organization_id == self.organization_id,
                WaitlistEntry.id == entry_id,
                WaitlistEntry.status == "offered",
                WaitlistEntry.offer_expires_at <= now,
            )
            .values(status="expired")
            .execution_options(synchronize_session="fetch")
        )
        if not getattr(result, "rowcount", 0):
            return None
        return await self.get(entry_id)

    @staticmethod
    def is_offer_live(entry: WaitlistEntry, now: datetime) -> bool:
        return entry.offer_expires_at is not None and entry.offer_expires_at > now
