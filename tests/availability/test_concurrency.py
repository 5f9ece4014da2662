"""claim() under contention: many transactions at once for one slot take exactly the free
teams, and every other one fails cleanly with CapacityExceeded."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from maitred.availability import service as availability_service
from maitred.availability.errors import CapacityExceeded
from maitred.kit.clock import utcnow
from maitred.kit.db import Database
from tests.availability.given import (
    add_booking,
    claims_of,
    given_team,
    next_weekday,
    window_of,
)
from tests.factories import given_organization

CONTENDERS = 30


@pytest.mark.parametrize("team_count", [1, 3])
async def test_concurrent_claims_take_exactly_the_free_teams(
    database: Database, team_count: int
) -> None:
    organization = await given_organization(database)
    teams = {await given_team(database, organization, f"Team {n}") for n in range(team_count)}
    day = next_weekday(6)
    window = await window_of(database, organization, day, "18:00")

    async def book() -> tuple[uuid.UUID, uuid.UUID | None]:
        """A booking and its claim in one transaction, as the bookings service makes them."""
        booking_id = uuid.uuid4()
        try:
            async with database.transaction() as session:
                booking_id = await add_booking(session, organization, window)
                team = await availability_service.claim(
                    session,
                    organization_id=organization.id,
                    booking_id=booking_id,
                    window=window,
                    guest_count=8,
                    hold_until=utcnow() + timedelta(hours=72),
                )
        except CapacityExceeded:
            return booking_id, None
        return booking_id, team

    outcomes = await asyncio.gather(*(book() for _ in range(CONTENDERS)))

    winners = [(booking, team) for booking, team in outcomes if team is not None]
    assert len(winners) == team_count
    assert sum(team is None for _booking, team in outcomes) == CONTENDERS - team_count
    assert {team for _booking, team in winners} == teams
    for booking, team in winners:
        assert [c.team_id for c in await claims_of(database, booking)] == [team]
    async with database.transaction(write=False) as session:
        assert (
            await availability_service.ledger_problems(session, organization_id=organization.id)
            == []
        )
