"""Offering freed capacity to the waitlist: first come first served, by party size that fits.

An offer holds no capacity (the customer may never answer); converting it books like anyone
else. So that the waitlist is not promised more than is free, live offers count against the
free teams before new ones are made, and a slot's team is counted as taken for every slot it
would overlap. That also makes the offering idempotent: the same news delivered twice finds the
freed teams already offered.
"""

from __future__ import annotations

import math
import uuid
from datetime import date, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability import service as availability_service
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.tenancy import service as tenancy_service
from maitred.tenancy.book_settings import AvailabilitySettings
from maitred.waitlist.models import WaitlistEntry
from maitred.waitlist.repository import WaitlistRepository


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


class FreeTeams:
    """Free chef teams per slot of one day, taken as offers are made."""

    def __init__(self, free: dict[time, int], rules: AvailabilitySettings) -> None:
        self.free = free
        self.rules = rules
        # Two events this close share no team: the event plus a buffer on each side of both.
        self.reach = rules.event_duration_minutes + 2 * rules.buffer_minutes

    def needed(self, guest_count: int) -> int:
        per_team = self.rules.max_guests_per_team
        return 1 if per_team is None else max(1, math.ceil(guest_count / per_team))

    def _candidates(self, wanted: time | None) -> list[time]:
        """The wished slot (or the nearest one to a time between slots); any slot when the
        entry named no time."""
        slots = sorted(self.free)
        if wanted is None or not slots:
            return slots
        if wanted in self.free:
            return [wanted]
        return [min(slots, key=lambda s: abs(_minutes(s) - _minutes(wanted)))]

    def take(self, entry: WaitlistEntry) -> bool:
        needed = self.needed(entry.guest_count)
        for slot in self._candidates(entry.preferred_time):
            if self.free[slot] >= needed:
                for other in self.free:
                    if abs(_minutes(other) - _minutes(slot)) < self.reach:
                        self.free[other] = max(0, self.free[other] - needed)
                return True
        return False


async def _free_teams(
    session: AsyncSession, organization_id: uuid.UUID, day: date
) -> FreeTeams | None:
    organization = await tenancy_service.get(session, organization_id)
    if organization is None:
        return None
    answer = await availability_service.availability_in(
        session, organization_id=organization_id, day=day
    )
    if answer is None:
        return None
    # With no party size a slot is available when it is bookable at all (notice) and a team is
    # free; its capacity counts the free teams.
    free = {
        time.fromisoformat(slot["time"]): int(slot["capacity"]) if slot["available"] else 0
        for slot in answer["slots"]
    }
    return FreeTeams(free, tenancy_service.settings_of(organization).availability)


async def _announce_lapse(session: AsyncSession, entry: WaitlistEntry) -> None:
    await outbox.emit(
        session,
        "waitlist.offer_expired",
        organization_id=entry.organization_id,
        waitlist_id=entry.id,
        customer_id=entry.customer_id,
        preferred_date=entry.preferred_date.isoformat(),
    )


async def offer_freed_capacity(
    session: AsyncSession, *, organization_id: uuid.UUID, day: date
) -> list[uuid.UUID]:
    """Marks `offered` the waiting entries of `day` that the free teams can serve, oldest
    first (a party too large for what is free is passed over, not blocking those behind it);
    the ids offered. Offers past their expiry become `expired` on the way."""
    repository = WaitlistRepository(session, organization_id)
    waiting = await repository.waiting_on(day)
    if not waiting:
        return []
    now = utcnow()
    live: list[WaitlistEntry] = []
    for entry in await repository.offered_on(day):
        if repository.is_offer_live(entry, now):
            live.append(entry)
        else:
            entry.status = "expired"
            await _announce_lapse(session, entry)
    teams = await _free_teams(session, organization_id, day)
    if teams is None:
        return []
    for entry in live:
        teams.take(entry)
    offered = [entry for entry in waiting if teams.take(entry)]
    for entry in offered:
        entry.status = "offered"
        entry.offered_at = now
        entry.offer_expires_at = now + timedelta(hours=teams.rules.waitlist_offer_hours)
    await session.flush()
    for entry in offered:
        # The worker lapses the offer when it expires, passing it to the next in line.
        await outbox.emit(
            session,
            "waitlist.offer_due",
            organization_id=organization_id,
            available_at=entry.offer_expires_at,
            waitlist_id=entry.id,
        )
        await outbox.emit(
            session,
            "waitlist.offered",
            organization_id=organization_id,
            waitlist_id=entry.id,
            customer_id=entry.customer_id,
            preferred_date=entry.preferred_date.isoformat(),
            offer_expires_at=entry.offer_expires_at,
        )
    return [entry.id for entry in offered]


async def lapse_offer(
    session: AsyncSession, *, organization_id: uuid.UUID, waitlist_id: uuid.UUID
) -> bool:
    """An offer nobody took by its expiry becomes `expired` and what it held is offered to the
    next in line. Exactly once: the lapse is a compare-and-swap, and offering counts live
    offers first, so a repeated or concurrent delivery changes nothing more. An offer that was
    converted or cancelled meanwhile is left alone; False then."""
    repository = WaitlistRepository(session, organization_id)
    entry = await repository.lapse_offer(waitlist_id, utcnow())
    if entry is None:
        return False
    await _announce_lapse(session, entry)
    await offer_freed_capacity(session, organization_id=organization_id, day=entry.preferred_date)
    return True
