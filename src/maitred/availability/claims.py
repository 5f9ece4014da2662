"""The claim ledger: which chef team is promised to which booking, never one team twice.

A claimer first takes the lock rows (`capacity_days`) of every local day its span touches (one
statement, PostgreSQL only: SQLite's write transactions already run one at a time), then reads
the teams with their active claims (one), then inserts its own (one). Two claims that could
overlap touch a common day, so they are taken one after the other and the second sees the
first. Expiry is a
condition of every read (`active_at`), never a job the ledger waits for: the worker releasing
expired holds only tidies up and tells the waitlist.

On PostgreSQL a public booking claims last (`claim_at_commit`): the day's lock row, which every
booking of that day waits for, is then held for the claim and the COMMIT only.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from maitred.availability.calendar import Window, buffered, overlaps, teams_needed, works_on
from maitred.availability.claim_statements import NO_FREE_TEAM
from maitred.availability.errors import CapacityExceeded
from maitred.availability.ledger_check_repository import LedgerCheckRepository
from maitred.availability.models import CapacityClaim
from maitred.availability.policy import policy_of
from maitred.availability.repository import ActiveTeam, ClaimRepository
from maitred.kit import outbox
from maitred.kit.clock import utcnow
from maitred.kit.db import write_last
from maitred.kit.errors import ValidationFailed

ONE_DAY = timedelta(days=1)
# A claim's span starts at most a day before its own date and lasts at most two days (event and
# buffers are capped by the settings), so claims that can reach a day are within these bounds.
_REACH_BEFORE, _REACH_AFTER = timedelta(days=3), timedelta(days=1)


def is_active(claim: CapacityClaim, now: datetime) -> bool:
    return claim.released_at is None and (claim.expires_at is None or claim.expires_at > now)


def lock_days(window: Window, start: datetime, end: datetime) -> list[date]:
    """The event's day, the next one, and every local day the buffered span touches."""
    zone = ZoneInfo(window.timezone)
    first = min(window.day, start.astimezone(zone).date())
    last = max(window.day + ONE_DAY, (end - timedelta(microseconds=1)).astimezone(zone).date())
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


async def claim(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    window: Window,
    guest_count: int,
    hold_until: datetime | None,
    team_id: uuid.UUID | None = None,
    new_booking: bool = False,
) -> uuid.UUID:
    """Takes free teams for the booking at `window` (replacing its earlier claims, so a
    reschedule or a larger party is one atomic step; a `new_booking` has none to look for); the
    first team's id. Nothing changes when there are not enough free teams (CapacityExceeded).
    A new booking of one team costs two statements (one on SQLite): the day locks and the
    claim that picks the team; more teams, or a booking's earlier claims, are read first."""
    policy = await policy_of(session, organization_id)
    start, end = buffered(policy.rules, window)
    days = lock_days(window, start, end)
    claims = ClaimRepository(session, organization_id)
    await claims.lock_days(days)
    if new_booking and teams_needed(policy.rules, guest_count) == 1:
        # The common case in one statement: the free team chosen and claimed by the database.
        chosen_id = await claims.claim_free_team(
            booking_id=booking_id,
            day=window.day,
            starts_at=start,
            ends_at=end,
            expires_at=hold_until,
            forced=team_id,
        )
        if chosen_id is None:
            if team_id is not None and not await claims.is_active_team(team_id):
                raise ValidationFailed(details={"chef_team_id": "No such active chef team"})
            raise CapacityExceeded()
        await _hold_expires(session, organization_id, booking_id, hold_until)
        return chosen_id
    now = utcnow()
    teams, taken = await claims.teams_and_claims(
        days[0] - _REACH_BEFORE, days[-1] + _REACH_AFTER, now
    )
    if team_id is not None and all(t.id != team_id for t in teams):
        raise ValidationFailed(details={"chef_team_id": "No such active chef team"})
    earlier = [] if new_booking else await claims.unreleased_of(booking_id)
    busy = {
        team
        for booking, team, taken_from, taken_to in taken
        if booking != booking_id and overlaps(taken_from, taken_to, start, end)
    }
    free = [
        t
        for t in teams
        if t.id not in busy and works_on(t.working_weekdays, t.time_off, window.day)
    ]
    chosen = _choose(free, teams_needed(policy.rules, guest_count), team_id, earlier)
    kept = {(t.id, start, end) for t in chosen}
    freed = {
        c.day
        for c in earlier
        if is_active(c, now) and (c.team_id, c.starts_at, c.ends_at) not in kept
    }
    for old in earlier:
        old.released_at = now
    if earlier:
        await session.flush()
    await claims.insert(
        [
            {
                "booking_id": booking_id,
                "team_id": team.id,
                "day": window.day,
                "starts_at": start,
                "ends_at": end,
                "expires_at": hold_until,
            }
            for team in chosen
        ]
    )
    await _announce_released(session, organization_id, booking_id, freed)
    await _hold_expires(session, organization_id, booking_id, hold_until)
    return chosen[0].id


async def claim_at_commit(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    window: Window,
    guest_count: int,
    hold_until: datetime | None,
) -> bool:
    """`claim` of a new booking of one team, run as its transaction's last write (kit/db.py
    `write_last`): the day locks, the free team claimed and set on the booking (which the caller
    writes meanwhile without a team) and the COMMIT, in one message to the server
    (ClaimRepository.claim_and_commit). No team free: CapacityExceeded, and everything rolls
    back. False (nothing done) off PostgreSQL or when the party needs more teams.

    Why: claimed first, the day's lock row was held through every later write of the request
    and the round trips between them, each waiting for this process's event loop; a day's
    bookings queued on it (bench/README.md, "PostgreSQL's claim last"). On SQLite the
    transaction holds the one writer lock from its first write anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    policy = await policy_of(session, organization_id)
    if teams_needed(policy.rules, guest_count) != 1:
        return False
    start, end = buffered(policy.rules, window)
    days = lock_days(window, start, end)
    claims = ClaimRepository(session, organization_id)

    async def last() -> None:
        try:
            await claims.claim_and_commit(
                days=days,
                booking_id=booking_id,
                day=window.day,
                starts_at=start,
                ends_at=end,
                expires_at=hold_until,
            )
        except asyncpg.RaiseError as exc:
            if str(exc) != NO_FREE_TEAM:
                raise
            raise CapacityExceeded() from None

    write_last(session, last)
    await _hold_expires(session, organization_id, booking_id, hold_until)
    return True


async def _hold_expires(
    session: AsyncSession,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    hold_until: datetime | None,
) -> None:
    """The event that releases a pending booking's hold when it runs out."""
    if hold_until is not None:
        await outbox.emit(
            session,
            "capacity.hold_expired",
            organization_id=organization_id,
            available_at=hold_until,
            booking_id=booking_id,
        )


def _choose(
    free: list[ActiveTeam],
    needed: int,
    forced: uuid.UUID | None,
    earlier: Sequence[CapacityClaim],
) -> list[ActiveTeam]:
    """`needed` of the free teams: the forced one first, then those the booking already had."""
    held = {c.team_id for c in earlier}
    ordered = sorted(free, key=lambda t: (t.id != forced, t.id not in held))
    if len(ordered) < needed or (forced is not None and ordered[0].id != forced):
        raise CapacityExceeded()
    return ordered[:needed]


async def confirm(
    session: AsyncSession,
    *,
    organization_id: uuid.UUID,
    booking_id: uuid.UUID,
    window: Window,
    guest_count: int,
) -> uuid.UUID:
    """The booking's hold becomes permanent; when it ran out (or no longer fits the window or
    the party), the teams are claimed again, which may fail with CapacityExceeded."""
    policy = await policy_of(session, organization_id)
    start, end = buffered(policy.rules, window)
    claims = ClaimRepository(session, organization_id)
    await claims.lock_days(lock_days(window, start, end))
    now = utcnow()
    held = [c for c in await claims.unreleased_of(booking_id) if is_active(c, now)]
    fitting = [
        c
        for c in held
        if c.day == window.day and c.starts_at <= window.starts_at and c.ends_at >= window.ends_at
    ]
    needed = teams_needed(policy.rules, guest_count)
    keep = fitting[:needed]
    if len(keep) < needed or await claims.make_permanent([c.id for c in keep]) < needed:
        return await claim(
            session,
            organization_id=organization_id,
            booking_id=booking_id,
            window=window,
            guest_count=guest_count,
            hold_until=None,
        )
    spare = [c for c in held if c not in keep]
    for extra in spare:
        extra.released_at = now
    await session.flush()
    await _announce_released(session, organization_id, booking_id, {c.day for c in spare})
    return keep[0].team_id


async def release(
    session: AsyncSession, *, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> None:
    """Gives back everything the booking holds (cancelled, completed early, expired)."""
    now = utcnow()
    earlier = await ClaimRepository(session, organization_id).unreleased_of(booking_id)
    freed = {c.day for c in earlier if is_active(c, now)}
    for old in earlier:
        old.released_at = now
    await session.flush()
    await _announce_released(session, organization_id, booking_id, freed)


async def release_expired_hold(
    session: AsyncSession, *, organization_id: uuid.UUID, booking_id: uuid.UUID
) -> None:
    """Marks the booking's run-out holds released (idempotent: confirmed or renewed holds and
    released claims are left alone) and tells the waitlist of the days freed."""
    days = await ClaimRepository(session, organization_id).release_expired(booking_id, utcnow())
    await _announce_released(session, organization_id, booking_id, set(days))


async def _announce_released(
    session: AsyncSession, organization_id: uuid.UUID, booking_id: uuid.UUID, days: set[date]
) -> None:
    for day in sorted(days):
        await outbox.emit(
            session,
            "capacity.released",
            organization_id=organization_id,
            day=day.isoformat(),
            booking_id=booking_id,
        )


async def ledger_problems(session: AsyncSession, *, organization_id: uuid.UUID) -> list[str]:
    """What is wrong with the ledger of events still to come (empty when it is sound): a team
    promised twice at once, claims held for bookings that should not hold any, confirmed
    bookings on a hold that will run out, and bookings that should hold a team but hold none."""
    now = utcnow()
    ledger = LedgerCheckRepository(session, organization_id)
    active = await ledger.future_active(now)
    problems: list[str] = []
    by_team: dict[uuid.UUID, list[CapacityClaim]] = defaultdict(list)
    for row in active:
        by_team[row.team_id].append(row)
    for team, rows in by_team.items():
        latest = rows[0]  # of the claims so far, the one ending last
        for after in rows[1:]:
            if after.starts_at < latest.ends_at:
                problems.append(
                    f"team {team} is promised to bookings {latest.booking_id} and "
                    f"{after.booking_id} at once ({after.starts_at.isoformat()})"
                )
            if after.ends_at > latest.ends_at:
                latest = after
    statuses = await ledger.statuses_of({c.booking_id for c in active})
    holding = {row.id: row for row in await ledger.holding_bookings(now)}
    for row in active:
        status = statuses.get(row.booking_id)
        if status is None:
            problems.append(f"claim {row.id} holds team {row.team_id} for no booking")
        elif row.booking_id not in holding:
            problems.append(f"booking {row.booking_id} is {status} but holds team {row.team_id}")
        elif holding[row.booking_id].event_date != row.day:
            problems.append(f"booking {row.booking_id} holds team {row.team_id} on {row.day}")
        elif status == "confirmed" and row.expires_at is not None:
            problems.append(f"confirmed booking {row.booking_id} holds only an expiring hold")
    claimed = {c.booking_id for c in active}
    for booking_id, booking in holding.items():
        hold_over = booking.hold_expires_at is not None and booking.hold_expires_at <= now
        if booking_id not in claimed and not (booking.status == "pending" and hold_over):
            problems.append(f"booking {booking_id} is {booking.status} but holds no team")
    return problems
