"""Service capacity: chef teams, and the ledger of which team is promised to which booking.

A claim holds one team from `starts_at` to `ends_at` (the event plus buffers). Two requests can
never both see a team free and both take it: PostgreSQL serializes claims of the same day on
that day's lock row (`capacity_days`), SQLite every write transaction on its single writer.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, and_, or_
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from maitred.kit.db import Base, TenantOwned


class ChefTeam(TenantOwned, Base):
    __tablename__ = "chef_teams"

    name: Mapped[str] = mapped_column(String(100))
    # ISO weekday numbers (Monday = 1) the team works.
    working_weekdays: Mapped[list[Any]] = mapped_column(default=lambda: [1, 2, 3, 4, 5, 6, 7])
    # [{"date_from": "2025-12-24", "date_to": "2025-12-26", "reason": "holidays"}]
    time_off: Mapped[list[Any]] = mapped_column(default=list)
    is_active: Mapped[bool] = mapped_column(default=True)
    # The place the team works from: analytics filter a location's bookings by their team.
    location_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), index=True
    )


class CapacityDay(TenantOwned, Base):
    """The lock row of one local day: on PostgreSQL every claim touching the day bumps it first."""

    __tablename__ = "capacity_days"
    __table_args__ = (UniqueConstraint("organization_id", "day"),)

    day: Mapped[date]
    version: Mapped[int] = mapped_column(default=0)


class CapacityClaim(TenantOwned, Base):
    """One team promised to one booking. Active while not released and not expired; a pending
    booking's claim expires at its hold's end, a confirmed one's never does."""

    __tablename__ = "capacity_claims"
    __table_args__ = (
        Index("ix_capacity_claims_org_day", "organization_id", "day"),
        Index("ix_capacity_claims_team_starts", "team_id", "starts_at"),
    )

    booking_id: Mapped[uuid.UUID] = mapped_column(index=True)
    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("chef_teams.id", ondelete="RESTRICT"))
    day: Mapped[date]  # the local date the event starts on
    starts_at: Mapped[datetime]  # event start minus buffer (UTC)
    ends_at: Mapped[datetime]  # event end plus buffer (UTC)
    expires_at: Mapped[datetime | None]
    released_at: Mapped[datetime | None]


def active_at(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """A claim holds its team while neither released nor expired; no background job needed.
    `now` is a value, or a bound parameter of a statement built once."""
    return and_(
        CapacityClaim.released_at.is_(None),
        or_(CapacityClaim.expires_at.is_(None), CapacityClaim.expires_at > now),
    )
